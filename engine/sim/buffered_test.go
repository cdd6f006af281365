package sim

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBufferedWholeLines writes records of many sizes through small
// buffered writes and small rotations: every file holds whole records only
// and ends with a newline, nothing is lost within retention, and nothing is
// on disk until a write fills up or Flush.
func TestBufferedWholeLines(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{RotateBytes: 8 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.SetBuffered(1 << 10)
	if err := s.Exec("stdout", 1, []byte("first\n")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, ExecLog)); fi.Size() != 0 {
		t.Fatalf("buffered record on disk before the buffer filled: %d bytes", fi.Size())
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(filepath.Join(dir, ExecLog)); fi.Size() == 0 {
		t.Fatal("Flush wrote nothing")
	}
	const n = 400
	for i := 0; i < n; i++ {
		// Sizes from tiny to larger than the buffer.
		body := bytes.Repeat([]byte{'a' + byte(i%26)}, (i*37)%1500)
		if err := s.Exec("stdout", 1, fmt.Appendf(body, " #%d\n", i)); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Rotate(ExecLog); err != nil { // flushes first
		t.Fatal(err)
	}
	if s.Rotations() < 5 {
		t.Fatalf("only %d rotations; the test wants the chain full", s.Rotations())
	}
	var last = -1
	for _, p := range chain(dir, ExecLog) {
		for _, r := range readRecords(t, p) { // fails on a split line or missing final newline
			d := r.data(t)
			var i int
			if _, err := fmt.Sscanf(string(d[bytes.LastIndexByte(d, '#'):]), "#%d\n", &i); err != nil {
				continue // the "first" record
			}
			if last >= 0 && i != last+1 {
				t.Fatalf("%s: record #%d after #%d", p, i, last)
			}
			last = i
		}
	}
	if last != n-1 {
		t.Fatalf("last record #%d, want #%d", last, n-1)
	}
	if fi, _ := os.Stat(filepath.Join(dir, ExecLog)); fi.Size() != 0 {
		t.Fatalf("live file after a flushing Rotate has %d bytes, want 0", fi.Size())
	}
}

// TestRuntimeSplitAcrossRotation writes runtime.log text in big pieces: the
// rotating writer cuts them into 4 KiB writes and a rotation between two of
// them leaves a rotated file ending mid-line, whose line continues at the
// start of the next file. Nothing is lost or reordered.
func TestRuntimeSplitAcrossRotation(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{RotateBytes: 10_000})
	if err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	line := 0
	// Piece sizes chosen so some rotation falls between two 4 KiB writes of
	// one piece; four rotations keep everything within retention.
	for round := 0; s.RuntimeRotations() < maxRotated; round++ {
		var p []byte
		for size := 1500 + round%4*2900; len(p) < size; {
			line++
			p = fmt.Appendf(p, "2026-04-30T20:32:59.688123Z  INFO msb_runtime::vm: diagnostic line %d\n", line)
		}
		want.Write(p)
		if err := s.Runtime(p); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	var got []byte
	split := 0
	for _, p := range chain(dir, RuntimeLog) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > 10_000 {
			t.Fatalf("%s is %d bytes, over the limit", p, len(b))
		}
		if p != filepath.Join(dir, RuntimeLog) && b[len(b)-1] != '\n' {
			split++
		}
		got = append(got, b...)
	}
	if split == 0 {
		t.Fatal("no rotated runtime.log ends mid-line; the split this test exists for never happened")
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("runtime.log chain (%d bytes) differs from what was written (%d bytes)", len(got), want.Len())
	}
}

// TestRunSplitsRuntimeLines: flat out, Run's runtime.log goes out in 4 KiB
// writes, so with small rotations some rotated runtime.log ends mid-line
// and the next file starts with the rest of that line.
func TestRunSplitsRuntimeLines(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{RotateBytes: 16 << 10})
	if err != nil {
		t.Fatal(err)
	}
	s.SetBuffered(64 << 10)
	if _, err := s.Run(context.Background(), Workload{Seed: 11, MaxRecords: 40000}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s.RuntimeRotations() < maxRotated {
		t.Fatalf("runtime.log rotated %d times", s.RuntimeRotations())
	}
	files := chain(dir, RuntimeLog)
	split := 0
	for i, p := range files[:len(files)-1] {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if b[len(b)-1] == '\n' {
			continue
		}
		split++
		next, err := os.ReadFile(files[i+1])
		if err != nil {
			t.Fatal(err)
		}
		head := b[bytes.LastIndexByte(b, '\n')+1:]
		tail, _, _ := bytes.Cut(next, []byte{'\n'})
		if line := string(head) + string(tail); !strings.Contains(line, "msb_") && !strings.HasPrefix(line, " ") && !strings.HasPrefix(line, "note:") {
			t.Fatalf("%s ends with %q and the next file starts with %q: not one runtime line", p, head, tail)
		}
	}
	if split == 0 {
		t.Fatal("no rotated runtime.log ends mid-line")
	}
}
