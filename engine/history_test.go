package engine

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// fullRetention writes five exec.log files (four rotated), a rotated
// runtime.log and a kernel.log, each exec record numbered; it returns the
// next line number.
func fullRetention(t testing.TB, dir string, perFile int) int {
	t.Helper()
	n := 0
	for k := 0; k < 5; k++ {
		if k > 0 {
			rotate(t, dir, "exec.log")
		}
		writeExec(t, dir, n, perFile)
		n += perFile
	}
	var rt strings.Builder
	for i := 0; i < perFile; i++ {
		fmt.Fprintf(&rt, "%s  INFO runtime line %d\n", t0.Add(time.Duration(2*i)*time.Millisecond).Format(time.RFC3339Nano), i)
	}
	appendFile(t, dir, "runtime.log", rt.String())
	rotate(t, dir, "runtime.log")
	appendFile(t, dir, "runtime.log", rt.String())
	appendFile(t, dir, "kernel.log", "[    0.000000] Linux version 6.1\n[    0.100000] booted\nno stamp here\n")
	return n
}

func openHistory(t testing.TB, dir string, opts Options) (*History, *Stream) {
	t.Helper()
	h, s, err := OpenHistory(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("OpenHistory: %v", err)
	}
	t.Cleanup(func() { s.Close(); h.Close() })
	return h, s
}

func sameWholly(t testing.TB, what string, got, want []Entry) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d entries, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if !bytes.Equal(g.Data, w.Data) || !g.Time.Equal(w.Time) || g.Source != w.Source || g.Session != w.Session ||
			g.Mark != w.Mark || g.File != w.File || g.Cursor != w.Cursor || g.Truncated != w.Truncated {
			t.Fatalf("%s: entry %d\n got %+v\nwant %+v", what, i, g, w)
		}
	}
}

func TestHistoryReadsWhatTheSnapshotHolds(t *testing.T) {
	dir := logDir(t)
	fullRetention(t, dir, 700)
	// A line over the cap, and a malformed one, in the live exec.log.
	appendFile(t, dir, "exec.log", execLine(t0.Add(time.Hour), "stdout", 1, strings.Repeat("x", 5000)+"\n")+"not json\n")
	opts := Options{Sources: AllSources, MaxEntryBytes: 1024}
	snap, err := ReadSnapshot(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := openHistory(t, dir, opts)
	if h.Len() != len(snap.Entries) {
		t.Fatalf("Len %d, snapshot %d", h.Len(), len(snap.Entries))
	}
	if h.End() != snap.End || h.Skipped() != snap.Skipped {
		t.Fatalf("End %v skipped %d, snapshot %v %d", h.End(), h.Skipped(), snap.End, snap.Skipped)
	}
	all, err := h.Read(0, h.Len())
	if err != nil {
		t.Fatal(err)
	}
	sameWholly(t, "whole", all, snap.Entries)
	// Any range reads the same entries with the same cursors, wherever it
	// starts between checkpoints.
	for _, r := range [][2]int{{0, 1}, {1, 2}, {63, 65}, {64, 200}, {1000, 1003}, {len(all) - 5, len(all) + 10}, {-3, 4}} {
		got, err := h.Read(r[0], r[1])
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := max(r[0], 0), min(r[1], len(all))
		sameWholly(t, fmt.Sprint(r), got, snap.Entries[lo:hi])
	}
	if got, _ := h.Read(len(all), len(all)+1); len(got) != 0 {
		t.Fatalf("read past the end: %d entries", len(got))
	}
}

// TestHistoryRecordCost keeps what the History holds per record (per
// line of a file, or per run of lines of one time) in check: the index
// record, its byte of display order and its share of a checkpoint.
func TestHistoryRecordCost(t *testing.T) {
	per := float64(unsafe.Sizeof(idxRec{})) + 1 + float64(unsafe.Sizeof(hckpt{}))/ckptEvery
	if per > historyRecordBytes {
		t.Fatalf("a record costs %.1f bytes, want at most %d", per, historyRecordBytes)
	}
}

func TestHistoryAppendsWhatTheStreamReads(t *testing.T) {
	dir := logDir(t)
	n := fullRetention(t, dir, 50)
	h, s := openHistory(t, dir, Options{Sources: AllSources, Follow: true})
	base := h.Len()
	var live []Entry
	for k := 0; k < 3; k++ {
		writeExec(t, dir, n, 40)
		n += 40
		live = append(live, readN(t, s, 40, 10*time.Second)...)
		rotateSeen(t, s, dir)
	}
	// A line a rotation splits, and a restarted kernel.log.
	appendFile(t, dir, "exec.log", strings.TrimSuffix(execLine(t0.Add(time.Hour), "stdout", 1, "split line\n"), "\n"))
	rotateSeen(t, s, dir)
	appendFile(t, dir, "exec.log", "\n")
	live = append(live, readN(t, s, 1, 10*time.Second)...)
	if got := h.Len(); got != base+len(live) {
		t.Fatalf("Len %d after %d live entries on %d", got, len(live), base)
	}
	got, err := h.Read(base, h.Len())
	if err != nil {
		t.Fatal(err)
	}
	sameWholly(t, "live", got, live)
	// Live lines are read again from their files, not kept: only the
	// line a rotation split is kept whole.
	if len(h.mem) > 1 {
		t.Fatalf("%d of %d live entries are kept in memory", len(h.mem), len(live))
	}
	// The files the stream moved past are read through the History's own
	// descriptors, one per file.
	perInode := openInodes(t, dir)
	for name, k := range perInode {
		if k > 1 {
			t.Errorf("inode %d of the log directory is open %d times", name, k)
		}
	}
}

func TestHistoryLetsGoOfFilesThatLeftRetention(t *testing.T) {
	dir := logDir(t)
	n := fullRetention(t, dir, 30)
	h, s := openHistory(t, dir, Options{Follow: true})
	before := h.Len()
	oldest, _ := h.Read(0, 1)
	if got := lineNumbers(t, oldest); len(got) != 1 || got[0] != 0 {
		t.Fatalf("first entry %v, want line 0 (the first line of exec.log.4)", got)
	}
	oldIno := oldest[0].Cursor.At(0).Inode
	// One rotation deletes exec.log.4.
	rotateSeen(t, s, dir)
	writeExec(t, dir, n, 5)
	readN(t, s, 5, 10*time.Second)
	rel, moved := h.Prune()
	remap := moved.Ord
	if len(rel) != 1 || rel[0].Lines != 30 || !strings.HasSuffix(rel[0].File, "exec.log.4") || rel[0].Type != "exec.log" {
		t.Fatalf("released %+v, want exec.log.4 with 30 lines", rel)
	}
	if _, d, _ := deletedHeld(t, os.Getpid()); d != 0 {
		t.Fatalf("%d deleted files still held after Prune", d)
	}
	if got, want := h.Len(), before-30+1+5; got != want {
		t.Fatalf("Len %d, want %d", got, want)
	}
	first, _ := h.Read(0, 2)
	if first[0].Mark != MarkNotice || string(first[0].Data) != "30 earlier lines of exec.log left retention and are no longer on disk" {
		t.Fatalf("first entry %+v, want the notice", first[0])
	}
	if got := lineNumbers(t, first[1:]); got[0] != 30 {
		t.Fatalf("after the notice: line %v, want 30", got)
	}
	if first[1].Cursor.At(0).Inode == oldIno {
		t.Fatal("the line after the notice is still in the released file")
	}
	if remap(0) != 0 || remap(29) != 0 || remap(30) != 1 || remap(before) != before-29 {
		t.Fatalf("remap 0→%d 29→%d 30→%d %d→%d", remap(0), remap(29), remap(30), before, remap(before))
	}
	if !moved.Gone(0) || !moved.Gone(29) || moved.Gone(30) || moved.Gone(before) {
		t.Fatalf("gone 0 %v, 29 %v, 30 %v, %d %v", moved.Gone(0), moved.Gone(29), moved.Gone(30), before, moved.Gone(before))
	}
	if rel, _ := h.Prune(); rel != nil {
		t.Fatalf("a second Prune released %+v", rel)
	}
}

// openInodes counts this process's descriptors on files of dir, per
// inode.
func openInodes(t testing.TB, dir string) map[uint64]int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skip("no /proc")
	}
	out := map[uint64]int{}
	for _, e := range ents {
		target, _ := os.Readlink(filepath.Join("/proc/self/fd", e.Name()))
		fi, err := os.Stat(filepath.Join("/proc/self/fd", e.Name()))
		if err != nil || !fi.Mode().IsRegular() || !strings.HasPrefix(target, dir) {
			continue
		}
		out[inodeOf(fi)]++
	}
	return out
}

func inodeOf(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return st.Ino
	}
	return 0
}

// TestHistoryOverHostileFiles reads the History of the hostile files the
// snapshot is checked against (cut lines, long lines, malformed records,
// rotations that split lines): every range reads what the snapshot holds,
// with its cursors, and so does what a follow appends of the same lines
// written live.
func TestHistoryOverHostileFiles(t *testing.T) {
	for seed := uint64(1); seed <= 8; seed++ {
		rng := rand.New(rand.NewPCG(seed, 11))
		dir := hostileDir(t, rng)
		opts := Options{Sources: AllSources, MaxEntryBytes: 300}
		snap, err := ReadSnapshot(t.Context(), dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		h, _ := openHistory(t, dir, opts)
		all, err := h.Read(0, h.Len())
		if err != nil {
			t.Fatal(err)
		}
		what := fmt.Sprintf("seed %d", seed)
		sameWholly(t, what, all, snap.Entries)
		for range 20 {
			lo := rng.IntN(len(all) + 1)
			hi := lo + rng.IntN(len(all)-lo+1)
			part, err := h.Read(lo, hi)
			if err != nil {
				t.Fatal(err)
			}
			sameWholly(t, fmt.Sprintf("%s [%d,%d)", what, lo, hi), part, all[lo:hi])
		}
	}
	// Live: the same kind of lines appended while following, rotations
	// included, read back from the History as the stream handed them over.
	rng := rand.New(rand.NewPCG(99, 11))
	dir := logDir(t)
	appendFile(t, dir, "exec.log", "")
	h, s := openHistory(t, dir, Options{Sources: AllSources, MaxEntryBytes: 300, Follow: true})
	var live []Entry
	for k := range 4 {
		body := hostileLines(rng, true, 60)
		// Whole lines only (a cut line would wait for its end), then a
		// line to wait for: every line before it was read by then.
		body = body[:strings.LastIndexByte(body, '\n')+1]
		endLine := fmt.Sprintf("end %d\n", k)
		body += execLine(t0.Add(time.Hour), "stdout", 1, endLine)
		appendFile(t, dir, "exec.log", body)
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		for len(live) == 0 || string(live[len(live)-1].Data) != endLine {
			b, err := s.Next(ctx, 1000)
			if err != nil {
				t.Fatalf("round %d: %v", k, err)
			}
			live = append(live, b...)
		}
		cancel()
		if k < 3 {
			rotateSeen(t, s, dir)
		}
	}
	got, err := h.Read(h.Len()-len(live), h.Len())
	if err != nil {
		t.Fatal(err)
	}
	if h.Len() < len(live) {
		t.Fatalf("History holds %d entries, %d were handed over", h.Len(), len(live))
	}
	sameWholly(t, "live", got, live)
}

func TestHistorySeeksByTime(t *testing.T) {
	dir := logDir(t)
	n := fullRetention(t, dir, 300)
	h, _ := openHistory(t, dir, Options{})
	all, _ := h.Read(0, h.Len())
	if len(all) != n {
		t.Fatalf("%d entries, want %d", len(all), n)
	}
	for _, i := range []int{0, 1, 63, 64, 65, 700, n - 1} {
		if got := h.Seek(all[i].Time); got != i {
			t.Fatalf("Seek(time of entry %d) = %d", i, got)
		}
		if got := h.Seek(all[i].Time.Add(-time.Microsecond)); got != i {
			t.Fatalf("Seek(just before entry %d) = %d", i, got)
		}
	}
	if h.Seek(all[0].Time.Add(-time.Hour)) != 0 || h.Seek(all[n-1].Time.Add(time.Hour)) != n {
		t.Fatal("Seek outside the history")
	}
	oldest, newest, ok := h.Span()
	if !ok || !oldest.Equal(all[0].Time) || !newest.Equal(all[n-1].Time) {
		t.Fatalf("Span %v %v %v", oldest, newest, ok)
	}
}

// TestHistoryLetsGoOfDeletedFilesWithoutPrune: a file the producer deletes
// is let go of at the watcher's next look, with nobody reading the stream
// or pruning (a viewer whose screen is slow), so it keeps nothing alive on
// disk; its entries read as notices until Prune takes them out.
func TestHistoryLetsGoOfDeletedFilesWithoutPrune(t *testing.T) {
	dir := logDir(t)
	fullRetention(t, dir, 30)
	h, _ := openHistory(t, dir, Options{Follow: true})
	rotate(t, dir, "exec.log") // exec.log.4 is deleted
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, files, _ := deletedHeld(t, os.Getpid())
		if files == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deleted files still held with no Prune", files)
		}
		time.Sleep(time.Millisecond)
	}
	first, err := h.Read(0, 1)
	if err != nil || len(first) != 1 || first[0].Mark != MarkNotice || !strings.Contains(string(first[0].Data), "no longer there to read") {
		t.Fatalf("the first entry of a file let go of: %+v, %v", first, err)
	}
	rel, _ := h.Prune()
	if len(rel) != 1 || rel[0].Lines != 30 {
		t.Fatalf("Prune released %+v", rel)
	}
}

func TestHistoryReadsSourcesPassingOverFileTypesNotWanted(t *testing.T) {
	dir := logDir(t)
	fullRetention(t, dir, 200)
	h, _ := openHistory(t, dir, Options{Sources: AllSources})
	all, err := h.Read(0, h.Len())
	if err != nil {
		t.Fatal(err)
	}
	es, ords, err := h.ReadSources(0, h.Len(), DefaultSources)
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != len(ords) || len(es) >= len(all) {
		t.Fatalf("%d entries, %d ordinals, of %d", len(es), len(ords), len(all))
	}
	for i, e := range es {
		w := all[ords[i]]
		if e.File == "exec.log" {
			// Read as Read reads it.
			sameWholly(t, fmt.Sprintf("entry %d", ords[i]), es[i:i+1], all[ords[i]:ords[i]+1])
			continue
		}
		// A run of runtime.log or kernel.log lines passed over: its last
		// entry's cursor, no data.
		if len(e.Data) != 0 || e.Cursor != w.Cursor || e.File != w.File || i+1 < len(es) && ords[i+1] != ords[i]+1 {
			t.Fatalf("entry %d stands for a run badly: %+v, the run's last is %+v", ords[i], e, w)
		}
	}
}
