package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// fullChain writes five files of 10 lines each: exec.log.4 (lines 0-9) …
// exec.log (40-49).
func fullChain(t *testing.T) string {
	dir := logDir(t)
	for k := 0; k < 5; k++ {
		writeExec(t, dir, k*10, 10)
		if k < 4 {
			rotate(t, dir, "exec.log")
		}
	}
	return dir
}

func TestRotatedFilesDrainedOldestFirst(t *testing.T) {
	dir := fullChain(t)
	for _, name := range []string{"exec.log.4", "exec.log.1", "exec.log"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	all := readAll(t, mustOpen(t, dir, Options{}))
	wantSeq(t, lineNumbers(t, all), 0, 50)
	for i := 1; i < len(all); i++ {
		if all[i].Time.Before(all[i-1].Time) {
			t.Fatalf("entry %d goes back in time", i)
		}
	}
}

func TestResumeFromCursorInEachSlot(t *testing.T) {
	dir := fullChain(t)
	all := readAll(t, mustOpen(t, dir, Options{}))
	// A cursor in the middle and at the end of each file: slots 4 … 0.
	for _, k := range []int{4, 9, 14, 19, 24, 29, 34, 39, 44, 48, 49} {
		c, err := ParseCursor(all[k].Cursor.String())
		if err != nil {
			t.Fatal(err)
		}
		rest := readAll(t, mustOpen(t, dir, Options{Start: FromCursor(c)}))
		wantSeq(t, lineNumbers(t, rest), k+1, 49-k)
		snap, err := ReadSnapshot(t.Context(), dir, Options{Start: FromCursor(c)})
		if err != nil {
			t.Fatal(err)
		}
		wantSeq(t, lineNumbers(t, snap.Entries), k+1, 49-k)
	}
}

func TestForeignOrStaleCursorIsRefusedUpFront(t *testing.T) {
	dir := fullChain(t)
	all := readAll(t, mustOpen(t, dir, Options{}))
	good := all[12].Cursor.At(0)
	stat, _ := os.Stat(filepath.Join(dir, "exec.log"))
	live := all[49].Cursor.At(0)
	cases := map[string]Cursor{
		"foreign inode":   NewCursor(Position{Inode: good.Inode + 1<<40, Offset: good.Offset}),
		"mid-line offset": NewCursor(Position{Inode: good.Inode, Offset: good.Offset - 3}),
		"past the end":    NewCursor(Position{Inode: live.Inode, Offset: uint64(stat.Size()) + 10}),
	}
	for name, c := range cases {
		_, err := Open(t.Context(), dir, Options{Start: FromCursor(c)})
		var ic *InvalidCursorError
		if !errors.As(err, &ic) || ic.File != "exec.log" || !errors.Is(err, ErrInvalidCursor) {
			t.Errorf("%s: Open gave %v, want InvalidCursorError for exec.log", name, err)
		}
		if _, err := ReadSnapshot(t.Context(), dir, Options{Start: FromCursor(c)}); !errors.As(err, &ic) {
			t.Errorf("%s: ReadSnapshot gave %v", name, err)
		}
	}
	// A cursor for other sources has the wrong number of positions.
	_, err := Open(t.Context(), dir, Options{Sources: AllSources, Start: FromCursor(all[3].Cursor)})
	var ic *InvalidCursorError
	if !errors.As(err, &ic) || ic.File != "" {
		t.Fatalf("length mismatch: %v", err)
	}
}

func TestSnapshotEndAfterSinceFilterReplaysNothing(t *testing.T) {
	dir := fullChain(t)
	since := t0.Add(45 * time.Millisecond)
	snap, err := ReadSnapshot(t.Context(), dir, Options{Start: Since(since)})
	if err != nil {
		t.Fatal(err)
	}
	wantSeq(t, lineNumbers(t, snap.Entries), 45, 5)
	if rest := readAll(t, mustOpen(t, dir, Options{Start: FromCursor(snap.End)})); len(rest) != 0 {
		t.Fatalf("resume from End replayed %d entries", len(rest))
	}
	s := mustOpen(t, dir, Options{Start: FromCursor(snap.End), Follow: true})
	writeExec(t, dir, 50, 3)
	wantSeq(t, lineNumbers(t, readN(t, s, 3, 5*time.Second)), 50, 3)
}

func TestSnapshotSortsAcrossFilesStably(t *testing.T) {
	dir := logDir(t)
	ts := func(ms int) string {
		return t0.Add(time.Duration(ms) * time.Millisecond).Format("2006-01-02T15:04:05.000Z")
	}
	appendFile(t, dir, "exec.log", execLine(t0.Add(10*time.Millisecond), "stdout", 1, "line 1\n")+execLine(t0.Add(30*time.Millisecond), "stdout", 1, "line 4\n"))
	appendFile(t, dir, "runtime.log", ts(10)+" line 2\n"+ts(20)+" line 3\n")
	appendFile(t, dir, "kernel.log", ts(30)+" line 5\n"+ts(40)+" line 6\n")
	snap, err := ReadSnapshot(t.Context(), dir, Options{Sources: AllSources})
	if err != nil {
		t.Fatal(err)
	}
	wantSeq(t, lineNumbers(t, snap.Entries), 1, 6)
	last := snap.Entries[len(snap.Entries)-1].Cursor
	if last != snap.End {
		t.Fatalf("last entry cursor %v != End %v", last, snap.End)
	}
	// The third entry's cursor has consumed exec line 1 and runtime lines 2-3, nothing of kernel.log.
	c := snap.Entries[2].Cursor
	if c.At(2).Offset != 0 || c.At(1).Offset == 0 || c.At(0).Offset == 0 {
		t.Fatalf("cursor of entry 3: %+v", c)
	}
	rest := readAll(t, mustOpen(t, dir, Options{Sources: AllSources, Start: FromCursor(c)}))
	got := lineNumbers(t, rest)
	if len(got) != 3 {
		t.Fatalf("resume from entry 3 gave %v", got)
	}
	tail, err := ReadSnapshot(t.Context(), dir, Options{Sources: AllSources, Tail: 2})
	if err != nil {
		t.Fatal(err)
	}
	wantSeq(t, lineNumbers(t, tail.Entries), 5, 2)
	if tail.End != snap.End {
		t.Fatalf("tail End %v != full End %v", tail.End, snap.End)
	}
}

func TestSourcesSelectFiles(t *testing.T) {
	dir := logDir(t)
	appendFile(t, dir, "exec.log", execLine(t0, "system", 0, "boot\n")+execLine(t0, "stderr", 2, "line 1\n")+execLine(t0, "stdout", 1, "line 2\n"))
	appendFile(t, dir, "kernel.log", "[0.1] kernel line\n")
	def := readAll(t, mustOpen(t, dir, Options{}))
	wantSeq(t, lineNumbers(t, def), 1, 2)
	if def[0].Cursor.Len() != 1 {
		t.Fatalf("default sources cursor has %d positions", def[0].Cursor.Len())
	}
	only := readAll(t, mustOpen(t, dir, Options{Sources: Sources(0).With(Stderr)}))
	if len(only) != 1 || only[0].Source != Stderr || only[0].Session != 2 {
		t.Fatalf("stderr only: %+v", only)
	}
	sys := readAll(t, mustOpen(t, dir, Options{Sources: Sources(0).With(System)}))
	if len(sys) != 2 || sys[0].Cursor.Len() != 3 {
		t.Fatalf("system: %d entries", len(sys))
	}
}

func TestSkippedRecordsAreCounted(t *testing.T) {
	dir := logDir(t)
	appendFile(t, dir, "exec.log", "\n{broken\n"+execLine(t0, "stdout", 1, "line 0\n")+`{"t":"x","s":"stdout","d":""}`+"\n"+`{"t":"2026-04-30T20:32:59Z","s":"nope"}`+"\n")
	s := mustOpen(t, dir, Options{})
	wantSeq(t, lineNumbers(t, readAll(t, s)), 0, 1)
	if s.Skipped() != 4 {
		t.Fatalf("Skipped = %d, want 4", s.Skipped())
	}
	snap, err := ReadSnapshot(t.Context(), dir, Options{})
	if err != nil || snap.Skipped != 4 || len(snap.Entries) != 1 {
		t.Fatalf("snapshot: %v skipped %d", err, snap.Skipped)
	}
}

func TestSinceUntilAndFromEnd(t *testing.T) {
	dir := fullChain(t)
	got := readAll(t, mustOpen(t, dir, Options{Start: Since(t0.Add(17 * time.Millisecond)), Until: t0.Add(33 * time.Millisecond)}))
	wantSeq(t, lineNumbers(t, got), 17, 16)
	snap, err := ReadSnapshot(t.Context(), dir, Options{Start: Since(t0.Add(17 * time.Millisecond)), Until: t0.Add(33 * time.Millisecond), Tail: 5})
	if err != nil {
		t.Fatal(err)
	}
	wantSeq(t, lineNumbers(t, snap.Entries), 28, 5)

	s := mustOpen(t, dir, Options{Start: FromEnd(), Follow: true})
	appendFile(t, dir, "exec.log", `{"t":"2026`) // a partial line at the end is not "now"
	writeExec(t, dir, 50, 0)
	ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
	defer cancel()
	if b, err := s.Next(ctx, 10); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("FromEnd handed over %v, %v", b, err)
	}
	appendFile(t, dir, "exec.log", `-04-30T20:32:59.688Z","s":"stdout","d":"line 50\n","id":1}`+"\n")
	wantSeq(t, lineNumbers(t, readN(t, s, 1, 5*time.Second)), 50, 1)

	// Until ends a follow at the first entry at or after it.
	f := mustOpen(t, dir, Options{Follow: true, Until: t0.Add(55 * time.Millisecond)})
	writeExec(t, dir, 51, 10)
	var all []Entry
	for {
		b, err := f.Next(t.Context(), 100)
		all = append(all, b...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	wantSeq(t, lineNumbers(t, all), 0, 55)
}

func TestPartialLineHeldBackUntilNewline(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 2)
	line := execLine(t0, "stdout", 1, "line 2\n")
	appendFile(t, dir, "exec.log", line[:20])
	s := mustOpen(t, dir, Options{Follow: true})
	got := readN(t, s, 2, 5*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if b, err := s.Next(ctx, 10); len(b) != 0 || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("partial line handed over: %v %v", b, err)
	}
	snap, err := ReadSnapshot(t.Context(), dir, Options{})
	if err != nil || len(snap.Entries) != 2 || snap.End != got[1].Cursor {
		t.Fatalf("snapshot consumed the partial line: %v, End %v vs %v", err, snap.End, got[1].Cursor)
	}
	appendFile(t, dir, "exec.log", line[20:])
	wantSeq(t, lineNumbers(t, readN(t, s, 1, 5*time.Second)), 2, 1)
}

// TestFollowAcrossManyRotations follows a producer rotating as fast as it
// can, 250 times, and checks every line arrives once, in order. The
// producer never rotates a file out of retention before the stream has
// opened it (it waits when the watcher falls three files behind): a loaded
// machine may leave the watcher unscheduled for longer than any fixed pace
// gives it, and a miss then would be right, not a bug.
func TestFollowAcrossManyRotations(t *testing.T) {
	dir := logDir(t)
	s := mustOpen(t, dir, Options{Follow: true})
	const rotations, perFile = 250, 40
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	// Cleanups run last first: the producer has stopped writing before the
	// directory is removed.
	t.Cleanup(func() { stop(); <-done })
	go func() { done <- produceWithinRetention(ctx, dir, s.chains[0], rotations, perFile) }()
	got := readN(t, s, rotations*perFile, 60*time.Second)
	wantSeq(t, lineNumbers(t, got), 0, rotations*perFile)
}

// produceWithinRetention writes perFile lines to exec.log and rotates,
// rotations times, never rotating away a file c has not opened.
func produceWithinRetention(ctx context.Context, dir string, c *chain, rotations, perFile int) error {
	n := 0
	for r := 0; r < rotations; r++ {
		for i := 0; i < perFile; i += 4 {
			if err := appendTo(dir, "exec.log", execLines(n, 4)); err != nil {
				return err
			}
			n += 4
		}
		// Files 0 … r exist, and this rotation pushes file r-4 out of the
		// slots. The stream must have opened file r-3 too: a look that
		// finds the slots full and holds nothing yet cannot tell whether
		// files came and went before it (see scanOnce).
		for int64(c.changeCount()) < int64(r-2) {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			time.Sleep(100 * time.Microsecond)
		}
		if err := rotateNames(dir, "exec.log"); err != nil {
			return err
		}
	}
	return nil
}

func TestSlowConsumerLosesNothing(t *testing.T) {
	for _, rotations := range []int{3, 8} {
		t.Run(fmt.Sprint(rotations), func(t *testing.T) {
			dir := logDir(t)
			writeExec(t, dir, 0, 10)
			s := mustOpen(t, dir, Options{Follow: true})
			wantSeq(t, lineNumbers(t, readN(t, s, 5, 5*time.Second)), 0, 5)
			n := 10
			for r := 0; r < rotations; r++ {
				rotate(t, dir, "exec.log")
				writeExec(t, dir, n, 10)
				n += 10
				time.Sleep(20 * time.Millisecond) // the watcher looks; the consumer does not read
			}
			wantSeq(t, lineNumbers(t, readN(t, s, n-5, 10*time.Second)), 5, n-5)
		})
	}
}

func TestTrueMissThenLenientResume(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	s := mustOpen(t, dir, Options{Follow: true})
	wantSeq(t, lineNumbers(t, readN(t, s, 10, 5*time.Second)), 0, 10)
	resume := s.pauseWatcher()
	rotatePastRetention(t, dir, 10)
	resume()
	mr := wantMiss(t, s)
	if b, err := s.Next(t.Context(), 10); len(b) != 0 || err != error(mr) {
		t.Fatalf("stream did not end: %v %v", b, err)
	}
	if _, err := Open(t.Context(), dir, Options{Start: FromCursor(mr.Last)}); !errors.Is(err, ErrInvalidCursor) {
		t.Fatalf("strict resume after a miss: %v", err)
	}
	l := mustOpen(t, dir, Options{Start: ResumeLenient(mr.Last)})
	rest := readAll(t, l)
	if rest[0].Mark != MarkGap || rest[0].File != "exec.log" || !strings.Contains(string(rest[0].Data), "lost an unknown amount of exec.log: the cursor's file is no longer on disk") {
		t.Fatalf("first entry %+v is not a gap notice", rest[0])
	}
	// exec.log.4 … exec.log hold lines 20-69; 10-19 were lost.
	wantSeq(t, lineNumbers(t, rest), 20, 50)
}

func TestLongLinesDoNotStall(t *testing.T) {
	dir := logDir(t)
	s := mustOpen(t, dir, Options{Follow: true})
	mid := strings.Repeat("m", 3<<20)
	huge := strings.Repeat("h", 20<<20)
	appendFile(t, dir, "exec.log", execLine(t0, "stdout", 1, mid)+execLine(t0, "stdout", 2, huge)+execLine(t0, "stdout", 3, "line 0\n"))
	got := readN(t, s, 3, 20*time.Second)
	if string(got[0].Data) != mid || got[0].Truncated != 0 {
		t.Fatalf("3 MiB entry: %d bytes, truncated %d", len(got[0].Data), got[0].Truncated)
	}
	if len(got[1].Data) == 0 || len(got[1].Data) > defaultMaxEntryBytes || got[1].Truncated < 12<<20 || got[1].Session != 2 || !got[1].HasSession {
		t.Fatalf("20 MiB entry: %d bytes, truncated %d, session %d", len(got[1].Data), got[1].Truncated, got[1].Session)
	}
	if strings.Trim(string(got[1].Data), "h") != "" {
		t.Fatal("truncated data is not the start of the record's data")
	}
	wantSeq(t, lineNumbers(t, got[2:]), 0, 1)
	end := got[2].Cursor.At(0).Offset
	if fi, _ := os.Stat(filepath.Join(dir, "exec.log")); end != uint64(fi.Size()) {
		t.Fatalf("cursor %d, want the file's end %d", end, fi.Size())
	}

	// With a 1 MiB cap, a 20 MiB line costs a few MiB of memory, not 20.
	s.Close()
	small := mustOpen(t, dir, Options{Start: FromCursor(got[2].Cursor), Follow: true, MaxEntryBytes: 1 << 20})
	appendFile(t, dir, "exec.log", execLine(t0, "stdout", 4, huge)+execLine(t0, "stdout", 5, "line 1\n"))
	huge = ""
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	got = readN(t, small, 2, 20*time.Second)
	runtime.ReadMemStats(&after)
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 12<<20 {
		t.Fatalf("reading a 20 MiB line allocated %d MiB", alloc>>20)
	}
	if len(got[0].Data) > 1<<20 || got[0].Truncated == 0 || got[0].Session != 4 {
		t.Fatalf("capped entry: %d bytes, truncated %d", len(got[0].Data), got[0].Truncated)
	}
	wantSeq(t, lineNumbers(t, got[1:]), 1, 1)
}

func TestRuntimeLineSplitByRotationIsJoined(t *testing.T) {
	dir := logDir(t)
	ts := t0.Format("2006-01-02T15:04:05.000Z")
	appendFile(t, dir, "runtime.log", ts+" first line\n"+ts+" split he")
	sys := Sources(0).With(System)
	s := mustOpen(t, dir, Options{Sources: sys, Follow: true})
	got := readN(t, s, 1, 5*time.Second)
	rotate(t, dir, "runtime.log")
	appendFile(t, dir, "runtime.log", "re and joined\n"+ts+" last\n")
	got = append(got, readN(t, s, 2, 5*time.Second)...)
	want := []string{"first line\n", "split here and joined\n", "last\n"}
	for i, w := range want {
		if string(got[i].Data) != w || !got[i].Time.Equal(t0) || got[i].File != "runtime.log" {
			t.Fatalf("entry %d: %q at %v, want %q", i, got[i].Data, got[i].Time, w)
		}
	}
	for _, opts := range []Options{{Sources: sys}, {Sources: sys, Tail: 2}} {
		snap, err := ReadSnapshot(t.Context(), dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		bounded := readAll(t, mustOpen(t, dir, Options{Sources: sys}))
		for _, es := range [][]Entry{snap.Entries, bounded} {
			es = es[len(es)-2:]
			if string(es[0].Data) != want[1] || string(es[1].Data) != want[2] {
				t.Fatalf("%+v: got %q, %q", opts, es[0].Data, es[1].Data)
			}
			if es[0].Cursor != got[1].Cursor {
				t.Fatalf("joined entry cursor %v, follow gave %v", es[0].Cursor, got[1].Cursor)
			}
		}
	}
	// Resuming just before the split line reads it joined again.
	again := readAll(t, mustOpen(t, dir, Options{Sources: sys, Start: FromCursor(got[0].Cursor)}))
	if len(again) != 2 || string(again[0].Data) != want[1] {
		t.Fatalf("resume before the split: %d entries", len(again))
	}
}

func TestKernelLogTruncatedOrReplacedRestarts(t *testing.T) {
	dir := logDir(t)
	appendFile(t, dir, "kernel.log", "[0.1] a\n[0.2] b\n[0.3] c\n")
	sys := Sources(0).With(System)
	s := mustOpen(t, dir, Options{Sources: sys, Follow: true})
	readN(t, s, 3, 5*time.Second)
	if err := os.Truncate(filepath.Join(dir, "kernel.log"), 0); err != nil {
		t.Fatal(err)
	}
	appendFile(t, dir, "kernel.log", "[0.1] again\n")
	got := readN(t, s, 2, 5*time.Second)
	if got[0].Mark != MarkRestart || got[0].File != "kernel.log" || !strings.Contains(string(got[0].Data), "truncated") || string(got[1].Data) != "[0.1] again\n" {
		t.Fatalf("after truncation: %+v", got)
	}
	if got[1].Cursor.At(2).Offset != uint64(len("[0.1] again\n")) {
		t.Fatalf("cursor after restart: %+v", got[1].Cursor)
	}
	// Replaced by a new file (new inode).
	tmp := filepath.Join(dir, "kernel.new")
	if err := os.WriteFile(tmp, []byte("[0.1] new boot\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, "kernel.log")); err != nil {
		t.Fatal(err)
	}
	got = readN(t, s, 2, 5*time.Second)
	if got[0].Mark != MarkRestart || string(got[1].Data) != "[0.1] new boot\n" {
		t.Fatalf("after replacement: %+v", got)
	}
}

// openFDs counts this process's open descriptors.
func openFDs(t *testing.T) int {
	des, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc/self/fd")
	}
	return len(des)
}

// waitReleased waits until the goroutines and open descriptors are back
// to g0 and fd0.
func waitReleased(t *testing.T, g0, fd0 int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > g0 || openFDs(t) > fd0 {
		if time.Now().After(deadline) {
			t.Fatalf("goroutines %d (was %d), descriptors %d (was %d)", runtime.NumGoroutine(), g0, openFDs(t), fd0)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCancelReleasesGoroutinesAndDescriptors(t *testing.T) {
	dir := fullChain(t)
	appendFile(t, dir, "runtime.log", "x\n")
	appendFile(t, dir, "kernel.log", "y\n")
	runtime.GC()
	g0, fd0 := runtime.NumGoroutine(), openFDs(t)
	ctx, cancel := context.WithCancel(t.Context())
	s, err := Open(ctx, dir, Options{Sources: AllSources, Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	readN(t, s, 52, 5*time.Second)
	if openFDs(t) < fd0+3 { // live exec.log, runtime.log, kernel.log (+ inotify)
		t.Fatalf("expected the chain to be held open")
	}
	cancel()
	waitReleased(t, g0, fd0)
	if _, err := s.Next(t.Context(), 10); !errors.Is(err, context.Canceled) {
		t.Fatalf("Next after cancel: %v", err)
	}
	// Close after cancel is harmless; Next after Close reports it.
	s2 := mustOpen(t, dir, Options{})
	s2.Close()
	if _, err := s2.Next(t.Context(), 1); !errors.Is(err, ErrClosed) {
		t.Fatalf("Next after Close: %v", err)
	}
}

func TestLongLineSplitByRotationIsCappedAndJoined(t *testing.T) {
	dir := logDir(t)
	ts := t0.Format("2006-01-02T15:04:05.000Z")
	head := ts + " " + strings.Repeat("a", 3<<20)
	appendFile(t, dir, "runtime.log", ts+" before\n"+head)
	sys := Sources(0).With(System)
	opts := Options{Sources: sys, Follow: true, MaxEntryBytes: 1 << 20}
	s := mustOpen(t, dir, opts)
	got := readN(t, s, 1, 5*time.Second)
	rotate(t, dir, "runtime.log")
	appendFile(t, dir, "runtime.log", strings.Repeat("b", 2<<20)+"\n"+ts+" after\n")
	got = append(got, readN(t, s, 2, 10*time.Second)...)
	long := got[1]
	total := int64(len(head) + 2<<20)
	if len(long.Data) > 1<<20+1 || long.Truncated != total-1<<20 || !strings.HasPrefix(string(long.Data), "aaaa") || !long.Time.Equal(t0) {
		t.Fatalf("long entry: %d bytes, truncated %d (want %d), time %v", len(long.Data), long.Truncated, total-1<<20, long.Time)
	}
	if string(got[2].Data) != "after\n" {
		t.Fatalf("entry after the long line: %q", got[2].Data)
	}
	want := uint64(2<<20 + 1)
	if long.Cursor.At(1).Offset != want {
		t.Fatalf("cursor after the long line: %d, want %d (just past its newline in the new file)", long.Cursor.At(1).Offset, want)
	}
	snap, err := ReadSnapshot(t.Context(), dir, Options{Sources: sys, MaxEntryBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Entries) != 3 || snap.Entries[1].Truncated != long.Truncated || snap.Entries[1].Cursor != long.Cursor {
		t.Fatalf("snapshot: %d entries, truncated %d, cursor %v vs %v", len(snap.Entries), snap.Entries[1].Truncated, snap.Entries[1].Cursor, long.Cursor)
	}
}

// TestResumeKeepsWhatWasHeldPastTheGap: the reader fell behind, a true
// miss happened, and more rotations went by while the watcher held the
// files after the gap. Resume goes on with those files; a new stream
// resuming leniently can only start at what is still on disk.
func TestResumeKeepsWhatWasHeldPastTheGap(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	s := mustOpen(t, dir, Options{Follow: true})
	wantSeq(t, lineNumbers(t, readN(t, s, 10, 5*time.Second)), 0, 10)
	resume := s.pauseWatcher()
	n := 10
	for r := 0; r < 6; r++ { // more than retention, unseen: 10-19 are lost
		rotate(t, dir, "exec.log")
		writeExec(t, dir, n, 10)
		n += 10
	}
	resume()
	// The watcher takes the five files in the slots (lines 20-69) and then
	// each new one, while the reader does not read; five more rotations
	// push the files after the gap off the disk.
	waitHeld(t, s.chains[0], 1+5)
	for r := 0; r < 5; r++ {
		rotate(t, dir, "exec.log")
		writeExec(t, dir, n, 10)
		n += 10
		waitHeld(t, s.chains[0], 1+5+r+1)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := readUntilErr(ctx, s, 100)
	var mr *MissedRotationError
	if !errors.As(err, &mr) {
		t.Fatalf("got %v, want MissedRotationError", err)
	}
	// What a new stream could do: start at the oldest file on disk.
	l := mustOpen(t, dir, Options{Start: ResumeLenient(mr.Last)})
	if got := lineNumbers(t, readAll(t, l)); len(got) == 0 || got[0] != 70 {
		t.Fatalf("lenient resume starts at line %v, want 70 (20-69 are gone from disk)", got[:min(len(got), 1)])
	}
	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	rest := readN(t, s, 1+n-20, 5*time.Second)
	if rest[0].Mark != MarkGap || rest[0].File != "exec.log" || rest[0].Cursor.At(0).Offset != 0 {
		t.Fatalf("first entry after Resume %+v is not a gap notice at the start of a file", rest[0])
	}
	wantSeq(t, lineNumbers(t, rest), 20, n-20)
	// Still following.
	writeExec(t, dir, n, 1)
	if got := lineNumbers(t, readN(t, s, 1, 5*time.Second)); got[0] != n {
		t.Fatalf("after Resume: line %v, want %d", got, n)
	}
	if err := s.Resume(); err == nil {
		t.Fatal("Resume of a stream that did not miss a rotation succeeded")
	}
}

// waitHeld waits until c holds n files.
func waitHeld(t *testing.T, c *chain, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		held := c.heldCount()
		if held >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the watcher holds %d files, want %d", held, n)
		}
		time.Sleep(time.Millisecond)
	}
}
