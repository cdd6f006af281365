package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These helpers write log files the way microsandbox does (whole JSON lines,
// rotation by rename), for tests that need exact control over the bytes.

var t0 = time.Date(2026, 4, 30, 20, 32, 59, 688_000_000, time.UTC)

// logDir makes an empty log directory.
func logDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// execLine is one exec.log record as the writer formats it.
func execLine(ts time.Time, src string, id int, data string) string {
	d, _ := json.Marshal(data)
	if src == "system" {
		return fmt.Sprintf(`{"t":"%s","s":"%s","d":%s}`+"\n", ts.UTC().Format("2006-01-02T15:04:05.000Z"), src, d)
	}
	return fmt.Sprintf(`{"t":"%s","s":"%s","d":%s,"id":%d}`+"\n", ts.UTC().Format("2006-01-02T15:04:05.000Z"), src, d, id)
}

// appendFile appends s to dir/name, creating it.
func appendFile(t testing.TB, dir, name, s string) {
	t.Helper()
	if err := appendTo(dir, name, s); err != nil {
		t.Fatal(err)
	}
}

// appendTo is appendFile for goroutines other than the test's, which must
// not call t.Fatal.
func appendTo(dir, name, s string) error {
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeExec appends n stdout records numbered from first ("line N\n").
func writeExec(t testing.TB, dir string, first, n int) {
	t.Helper()
	if err := appendTo(dir, "exec.log", execLines(first, n)); err != nil {
		t.Fatal(err)
	}
}

// execLines is n stdout records numbered from first ("line N\n").
func execLines(first, n int) string {
	var b strings.Builder
	for i := first; i < first+n; i++ {
		b.WriteString(execLine(t0.Add(time.Duration(i)*time.Millisecond), "stdout", 1, fmt.Sprintf("line %d\n", i)))
	}
	return b.String()
}

// rotate renames name.3→.4 … name→name.1 and creates an empty name, as the
// producer does.
func rotate(t testing.TB, dir, name string) {
	t.Helper()
	if err := rotateNames(dir, name); err != nil {
		t.Fatal(err)
	}
}

// rotateNames is rotate for goroutines other than the test's.
func rotateNames(dir, name string) error {
	for k := maxRotations - 1; k >= 1; k-- {
		from := filepath.Join(dir, fmt.Sprintf("%s.%d", name, k))
		if _, err := os.Stat(from); err == nil {
			if err := os.Rename(from, filepath.Join(dir, fmt.Sprintf("%s.%d", name, k+1))); err != nil {
				return err
			}
		}
	}
	if err := os.Rename(filepath.Join(dir, name), filepath.Join(dir, name+".1")); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		return err
	}
	return f.Close()
}

// readAll drains a bounded stream.
func readAll(t testing.TB, s *Stream) []Entry {
	t.Helper()
	var all []Entry
	for {
		batch, err := s.Next(context.Background(), 1000)
		all = append(all, batch...)
		if errors.Is(err, io.EOF) {
			return all
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
	}
}

// readN reads from a follow stream until it has n entries, or fails after
// the timeout.
func readN(t testing.TB, s *Stream, n int, timeout time.Duration) []Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var all []Entry
	for len(all) < n {
		batch, err := s.Next(ctx, n-len(all))
		all = append(all, batch...)
		if err != nil {
			t.Fatalf("Next after %d of %d entries: %v", len(all), n, err)
		}
	}
	return all
}

// readUntilErr reads a follow stream in batches of max until Next fails,
// and returns what it read with the error that ended it.
func readUntilErr(ctx context.Context, s *Stream, max int) ([]Entry, error) {
	var all []Entry
	for {
		b, err := s.Next(ctx, max)
		all = append(all, b...)
		if err != nil {
			return all, err
		}
	}
}

// lineNumbers extracts N from entries whose Data is "line N\n".
func lineNumbers(t testing.TB, es []Entry) []int {
	t.Helper()
	var out []int
	for _, e := range es {
		if e.Mark != MarkNone {
			continue
		}
		var n int
		if _, err := fmt.Sscanf(string(e.Data), "line %d\n", &n); err != nil {
			t.Fatalf("unexpected data %q", e.Data)
		}
		out = append(out, n)
	}
	return out
}

// wantSeq checks that got is first, first+1, … first+n-1.
func wantSeq(t testing.TB, got []int, first, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("got %d entries, want %d", len(got), n)
	}
	for i, v := range got {
		if v != first+i {
			t.Fatalf("entry %d is line %d, want %d", i, v, first+i)
		}
	}
}

func mustOpen(t testing.TB, dir string, opts Options) *Stream {
	t.Helper()
	s, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// waitRemote waits until the holder has (want) or no longer has the
// stream's exec.log chain.
func waitRemote(t testing.TB, s *Stream, want bool) {
	t.Helper()
	if s.h == nil {
		t.Fatal("no holder started")
	}
	deadline := time.Now().Add(10 * time.Second)
	for s.chains[0].remote.Load() != want {
		if time.Now().After(deadline) {
			t.Fatalf("holder in charge: %v, want %v", !want, want)
		}
		time.Sleep(time.Millisecond)
	}
}

// rotateSeen rotates exec.log and waits until the stream's exec.log chain
// has taken in the new live file. With a holder in charge (waitRemote), a
// file made after the hand-over can only come from a look of its own: from
// then on the files it holds have creation numbers, and what a later miss
// lost can be counted.
func rotateSeen(t testing.TB, s *Stream, dir string) {
	t.Helper()
	c := s.chains[0]
	n := c.changeCount()
	rotate(t, dir, "exec.log")
	deadline := time.Now().Add(10 * time.Second)
	for c.changeCount() == n {
		if time.Now().After(deadline) {
			t.Fatal("the new exec.log was never taken in")
		}
		time.Sleep(time.Millisecond)
	}
}

// rotatePastRetention rotates exec.log six times, more than retention (the
// file the reader was on goes past exec.log.4), writing ten lines from line
// n after each; it returns the next line number.
func rotatePastRetention(t testing.TB, dir string, n int) int {
	for range 6 {
		rotate(t, dir, "exec.log")
		writeExec(t, dir, n, 10)
		n += 10
	}
	return n
}

// wantMiss reads s until it ends, and checks that it ends with a
// MissedRotationError on exec.log before any entry, counting the one file
// that rotatePastRetention makes rotate away unseen.
func wantMiss(t *testing.T, s *Stream) *MissedRotationError {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	b, err := readUntilErr(ctx, s, 100)
	if len(b) > 0 {
		t.Fatalf("entries before the miss: %v", lineNumbers(t, b))
	}
	var mr *MissedRotationError
	if !errors.As(err, &mr) || !errors.Is(err, ErrMissedRotation) || mr.File != "exec.log" || mr.Offset == 0 || mr.Lost.Files != 1 {
		t.Fatalf("got %v, want MissedRotationError", err)
	}
	return mr
}
