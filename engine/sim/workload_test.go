package sim

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

var seqRE = regexp.MustCompile(`seq=(\d+)`)

// checkSeq reads the whole exec.log chain, joins each session's chunks per
// stream into lines, and checks that every program line carries exactly one
// seq token, that each session's tokens run 1, 2, 3… in file order with no
// gap or repeat, that every session was announced before it wrote and wrote
// nothing after it exited, and that no partial line is left. It returns the
// last token per session and the number of records.
func checkSeq(t *testing.T, dir string) (map[uint64]int64, int64) {
	t.Helper()
	return checkSeqRecords(t, readChain(t, dir))
}

// readChain reads every record of the exec.log chain, oldest first.
func readChain(t *testing.T, dir string) []rec {
	t.Helper()
	var out []rec
	for _, p := range chain(dir, ExecLog) {
		out = append(out, readRecords(t, p)...)
	}
	return out
}

func checkSeqRecords(t *testing.T, recs []rec) (map[uint64]int64, int64) {
	t.Helper()
	type key struct {
		id  uint64
		src string
	}
	partial := map[key][]byte{}
	last := map[uint64]int64{}
	started := map[uint64]bool{}
	exited := map[uint64]bool{}
	var records int64
	{
		for _, r := range recs {
			records++
			d := r.data(t)
			if *r.S == "system" {
				var id uint64
				var rest string
				if _, err := fmt.Sscanf(string(d), "session %d %s", &id, &rest); err != nil {
					t.Fatalf("system record %q: %v", d, err)
				}
				switch rest {
				case "started:":
					started[id] = true
				case "exited":
					exited[id] = true
				default:
					t.Fatalf("system record %q", d)
				}
				if bytes.Contains(d, []byte("seq=")) {
					t.Fatalf("system record carries a seq token: %q", d)
				}
				continue
			}
			id := *r.ID
			if !started[id] || exited[id] {
				t.Fatalf("session %d writes %q while not running (started %v, exited %v)", id, d, started[id], exited[id])
			}
			k := key{id, *r.S}
			buf := append(partial[k], d...)
			for {
				i := bytes.IndexByte(buf, '\n')
				if i < 0 {
					break
				}
				line := buf[:i]
				buf = buf[i+1:]
				m := seqRE.FindAllSubmatch(line, -1)
				if len(m) != 1 {
					t.Fatalf("session %d line %q has %d seq tokens, want 1", id, line, len(m))
				}
				n, _ := strconv.ParseInt(string(m[0][1]), 10, 64)
				if p, ok := ParseSeq(line); !ok || p != n {
					t.Fatalf("ParseSeq(%q) = %d, %v; want %d", line, p, ok, n)
				}
				if n != last[id]+1 {
					t.Fatalf("session %d: seq=%d after seq=%d (line %q)", id, n, last[id], line)
				}
				last[id] = n
			}
			partial[k] = append([]byte(nil), buf...)
		}
	}
	for k, b := range partial {
		if len(b) > 0 {
			t.Fatalf("session %d %s ends with a partial line %q", k.id, k.src, b)
		}
	}
	return last, records
}

// checkTextFiles checks runtime.log and kernel.log: whole lines, no seq.
func checkTextFiles(t *testing.T, dir string) (runtimeLines, kernelLines int64) {
	t.Helper()
	var all [2][]byte
	for i, name := range []string{RuntimeLog, KernelLog} {
		for _, p := range chain(dir, name) {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			all[i] = append(all[i], b...)
		}
		if len(all[i]) == 0 || all[i][len(all[i])-1] != '\n' {
			t.Fatalf("%s is empty or does not end with a newline", name)
		}
		if bytes.Contains(all[i], []byte("seq=")) {
			t.Fatalf("%s carries a seq token", name)
		}
	}
	return int64(bytes.Count(all[0], []byte{'\n'})), int64(bytes.Count(all[1], []byte{'\n'}))
}

func TestRunSeqContiguous(t *testing.T) {
	for _, tc := range []struct {
		name     string
		sessions int
		max      int64
		buffered int
		hostile  bool
	}{
		{"default", 0, 30000, 0, false},
		{"buffered-many-sessions", 8, 25000, 64 << 10, false},
		{"one-session", 1, 500, 0, false},
		{"tiny", 3, 10, 4 << 10, false},
		{"hostile", 0, 20000, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s, err := New(dir, Config{})
			if err != nil {
				t.Fatal(err)
			}
			s.SetBuffered(tc.buffered)
			st, err := s.Run(context.Background(), Workload{Sessions: tc.sessions, Seed: 42, MaxRecords: tc.max, Hostile: tc.hostile})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if st.Records != tc.max {
				t.Fatalf("Records = %d, want exactly MaxRecords %d", st.Records, tc.max)
			}
			last, records := checkSeq(t, dir)
			if records != st.Records {
				t.Fatalf("exec.log holds %d records, Stats says %d", records, st.Records)
			}
			if len(last) != len(st.LastSeq) {
				t.Fatalf("sessions with lines: files %v, Stats %v", last, st.LastSeq)
			}
			for id, n := range st.LastSeq {
				if last[id] != n {
					t.Fatalf("session %d: last seq in files %d, Stats %d", id, last[id], n)
				}
			}
			exec, _ := os.ReadFile(filepath.Join(dir, ExecLog))
			if got := bytes.Contains(exec, []byte(`\u001b]52;c;`)); got != tc.hostile {
				t.Fatalf("OSC 52 in exec.log: %v, want %v", got, tc.hostile)
			}
			rl, kl := checkTextFiles(t, dir)
			if rl != st.RuntimeLines || kl != st.KernelLines {
				t.Fatalf("text lines: files %d/%d, Stats %d/%d", rl, kl, st.RuntimeLines, st.KernelLines)
			}
			var size int64
			for _, name := range []string{ExecLog, RuntimeLog, KernelLog} {
				for _, p := range chain(dir, name) {
					fi, _ := os.Stat(p)
					size += fi.Size()
				}
			}
			if size != st.Bytes {
				t.Fatalf("files hold %d bytes, Stats.Bytes %d", size, st.Bytes)
			}
		})
	}
}

// TestRunVariety checks the workload has what readers must cope with.
func TestRunVariety(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Run(context.Background(), Workload{Seed: 7, MaxRecords: 60000})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	var b64, split, multi, stderr, panics, pty, sgr, cr, exits int
	for _, r := range readRecords(t, filepath.Join(dir, ExecLog)) {
		d := r.data(t)
		if r.E != nil {
			b64++
		}
		if *r.S != "system" && !bytes.HasSuffix(d, []byte{'\n'}) {
			split++
		}
		if bytes.Count(d, []byte{'\n'}) > 1 {
			multi++
		}
		switch *r.S {
		case "stderr":
			stderr++
			if bytes.Contains(d, []byte("goroutine 17 [running]")) {
				panics++
			}
		case "output":
			pty++
			if bytes.Contains(d, []byte("\x1b[")) {
				sgr++
			}
			if bytes.Contains(bytes.TrimSuffix(d, []byte("\r\n")), []byte{'\r'}) {
				cr++
			}
		case "system":
			if bytes.Contains(d, []byte("exited")) {
				exits++
			}
		}
	}
	for name, n := range map[string]int{"b64": b64, "split": split, "multi-line": multi, "stderr": stderr,
		"panic": panics, "pty": pty, "sgr": sgr, "\\r progress": cr, "exit": exits} {
		if n == 0 {
			t.Errorf("no %s records in %d", name, st.Records)
		}
	}
	rt, _ := os.ReadFile(filepath.Join(dir, RuntimeLog))
	kern, _ := os.ReadFile(filepath.Join(dir, KernelLog))
	if !bytes.HasPrefix(kern, []byte("[    0.000000] Linux version ")) {
		t.Errorf("kernel.log starts %q", kern[:min(60, len(kern))])
	}
	var stamped, bare int
	for _, l := range strings.Split(strings.TrimSuffix(string(rt), "\n"), "\n") {
		tok, _, _ := strings.Cut(l, " ")
		if _, err := time.Parse(time.RFC3339Nano, tok); err == nil && len(tok) >= 20 && strings.HasSuffix(tok, "Z") {
			stamped++
		} else {
			bare++
		}
	}
	if stamped == 0 || bare == 0 {
		t.Errorf("runtime.log: %d stamped and %d bare lines, want both", stamped, bare)
	}
}

// TestRunDeterministic: the same seed and clock give the same bytes.
func TestRunDeterministic(t *testing.T) {
	var files [2][]byte
	for i := range files {
		dir := t.TempDir()
		s, err := New(dir, Config{Clock: fixedClock(time.Millisecond)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Run(context.Background(), Workload{Seed: 99, MaxRecords: 5000}); err != nil {
			t.Fatal(err)
		}
		s.Close()
		for _, name := range []string{ExecLog, RuntimeLog, KernelLog} {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			files[i] = append(files[i], b...)
		}
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Fatal("two runs with one seed and clock differ")
	}
}

// TestRunRateAndCancel paces a run and stops it with its context: the
// record count follows the rate, what was written is on disk when Run
// returns, and every line is whole.
func TestRunRateAndCancel(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	s.SetBuffered(64 << 10)
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	start := time.Now()
	st, err := s.Run(ctx, Workload{Rate: 500, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	if elapsed > 2*time.Second {
		t.Fatalf("Run took %v after its context ended", elapsed)
	}
	want := 500 * elapsed.Seconds()
	if float64(st.Records) > want*1.2+40 || float64(st.Records) < want*0.3 {
		t.Fatalf("%d records in %v at 500/s", st.Records, elapsed)
	}
	last, records := checkSeq(t, dir) // reads the files before Close: Run flushed
	if records != st.Records || len(last) == 0 {
		t.Fatalf("files hold %d records, Stats %d", records, st.Records)
	}
	s.Close()
}

// TestConcurrentWriters runs writers on every file at once, with forced
// rotations: records never interleave, each writer's records stay in order,
// none is lost.
func TestConcurrentWriters(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{RotateBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	const writers, each = 8, 400
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if w == 0 && i == each/2 {
					s.SetBuffered(4 << 10)
				}
				body := fmt.Appendf(nil, "w%d i%d %s\n", w, i, strings.Repeat("x", (w*31+i*17)%300))
				if err := s.Exec("stdout", uint64(w+1), body); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; i < 3; i++ {
			time.Sleep(time.Millisecond)
			if err := s.Rotate(ExecLog); err != nil {
				t.Error(err)
			}
			if err := s.Runtime([]byte(strings.Repeat("runtime line\n", 700))); err != nil {
				t.Error(err)
			}
			if err := s.Kernel("[    1.000000] kernel line"); err != nil {
				t.Error(err)
			}
			if err := s.ExecSystem("session 0 started: nothing\n"); err != nil {
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	next := make([]int, writers)
	for _, p := range chain(dir, ExecLog) {
		for _, r := range readRecords(t, p) {
			if *r.S == "system" {
				continue
			}
			var w, i int
			if _, err := fmt.Sscanf(*r.D, "w%d i%d ", &w, &i); err != nil || uint64(w+1) != *r.ID {
				t.Fatalf("record %q id %d: %v", *r.D, *r.ID, err)
			}
			if i != next[w] {
				t.Fatalf("writer %d: record %d after %d", w, i, next[w]-1)
			}
			next[w]++
		}
	}
	for w, n := range next {
		if n != each {
			t.Fatalf("writer %d: %d records on disk, want %d", w, n, each)
		}
	}
	rt, _ := os.ReadFile(filepath.Join(dir, RuntimeLog))
	if string(rt) != strings.Repeat("runtime line\n", 2100) {
		t.Fatalf("runtime.log is %d bytes of mixed text", len(rt))
	}
}

// TestRunTwice runs twice on one sandbox: the second run's sessions get new
// ids, so every session's seq tokens stay contiguous across the files, and
// the kernel boots once.
func TestRunTwice(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []uint64
	for i := 0; i < 2; i++ {
		st, err := s.Run(context.Background(), Workload{Seed: 5, MaxRecords: 3000})
		if err != nil {
			t.Fatal(err)
		}
		for id := range st.LastSeq {
			ids = append(ids, id)
		}
	}
	s.Close()
	seen := map[uint64]bool{}
	for _, id := range ids {
		if seen[id] {
			t.Fatalf("session id %d used by both runs", id)
		}
		seen[id] = true
	}
	if last, records := checkSeq(t, dir); records != 6000 || len(last) != len(ids) {
		t.Fatalf("%d records, %d sessions; want 6000 and %d", records, len(last), len(ids))
	}
	kern, _ := os.ReadFile(filepath.Join(dir, KernelLog))
	if n := bytes.Count(kern, []byte("Linux version")); n != 1 {
		t.Fatalf("kernel booted %d times", n)
	}
}

// TestRunExactBudget: over many seeds, shapes and budgets, Run writes
// exactly MaxRecords records and leaves no partial line.
func TestRunExactBudget(t *testing.T) {
	for seed := int64(1); seed <= 40; seed++ {
		dir := t.TempDir()
		s, err := New(dir, Config{})
		if err != nil {
			t.Fatal(err)
		}
		w := Workload{Seed: seed, Sessions: 1 + int(seed%6), MaxRecords: 6 + seed*seed*7, Hostile: seed%2 == 0}
		st, err := s.Run(context.Background(), w)
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if st.Records != w.MaxRecords {
			t.Fatalf("%+v: %d records", w, st.Records)
		}
		if _, records := checkSeq(t, dir); records != w.MaxRecords {
			t.Fatalf("%+v: %d records on disk", w, records)
		}
	}
}
