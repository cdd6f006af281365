package engine

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// hostileLines makes the content of one file type: lines the snapshot's
// index must treat exactly as a stream does (long ones over the cap,
// escapes, equal and backward times, malformed and blank lines, NUL
// bytes).
func hostileLines(rng *rand.Rand, jsonl bool, n int) string {
	var b strings.Builder
	ts := t0
	for i := 0; i < n; i++ {
		switch rng.IntN(6) {
		case 0: // same time as the previous line
		case 1:
			ts = ts.Add(-time.Duration(rng.IntN(5000)) * time.Millisecond) // backwards
		default:
			ts = ts.Add(time.Duration(rng.IntN(3000)) * time.Millisecond)
		}
		var body string
		switch rng.IntN(8) {
		case 0:
			body = strings.Repeat("x", 200+rng.IntN(700)) // over a 300-byte cap
		case 1:
			body = "tab\tesc\x1b[31mred\x1b[0m \"quoted\" é"
		case 2:
			body = ""
		case 3:
			body = "nul\x00byte"
		default:
			body = fmt.Sprintf("line %d", i)
		}
		if jsonl {
			switch rng.IntN(12) {
			case 0:
				b.WriteString("{not json\n")
				continue
			case 1:
				b.WriteString(execLine(ts, "system", 0, body))
				continue
			}
			src := []string{"stdout", "stderr", "output"}[rng.IntN(3)]
			b.WriteString(execLine(ts, src, rng.IntN(3), body+"\n"))
			continue
		}
		if rng.IntN(3) == 0 {
			b.WriteString(body + "\n") // no timestamp: the file's mtime
			continue
		}
		b.WriteString(ts.Format("2006-01-02T15:04:05.000Z") + " " + body + "\n")
	}
	return b.String()
}

// writeRotated cuts content into files name.4 … name (oldest first) at
// random bytes, so lines are split between files and a file may hold no
// line end at all.
func writeRotated(t *testing.T, rng *rand.Rand, dir, name, content string) {
	t.Helper()
	cuts := []int{0}
	for k := 0; k < 4; k++ {
		cuts = append(cuts, rng.IntN(len(content)+1))
	}
	slices.Sort(cuts)
	cuts = append(cuts, len(content))
	for k := 0; k < 5; k++ {
		fname := name
		if slot := 4 - k; slot > 0 {
			fname = fmt.Sprintf("%s.%d", name, slot)
		}
		if err := os.WriteFile(filepath.Join(dir, fname), []byte(content[cuts[k]:cuts[k+1]]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// expectedSnapshot is what a snapshot must hold, from what a bounded
// stream reads: each file type's entries in file order, stably sorted
// by time with the file types in table order.
func expectedSnapshot(stream []Entry) []Entry {
	var want []Entry
	for _, name := range []string{"exec.log", "runtime.log", "kernel.log"} {
		for _, e := range stream {
			if e.File == name {
				want = append(want, e)
			}
		}
	}
	slices.SortStableFunc(want, func(a, b Entry) int { return a.Time.Compare(b.Time) })
	return want
}

// sameEntries compares a snapshot with what it must hold; a cursor is
// compared in the position of the entry's own file.
func sameEntries(t *testing.T, what string, got, want []Entry) {
	t.Helper()
	track := map[string]int{"exec.log": 0, "runtime.log": 1, "kernel.log": 2}
	if len(got) != len(want) {
		t.Fatalf("%s: %d entries, want %d", what, len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		k := track[w.File]
		if !g.Time.Equal(w.Time) || string(g.Data) != string(w.Data) || g.File != w.File || g.Source != w.Source ||
			g.Session != w.Session || g.Truncated != w.Truncated || g.Mark != w.Mark || g.Cursor.pos[k] != w.Cursor.pos[k] {
			t.Fatalf("%s: entry %d is %s %q trunc %d at %v, want %s %q trunc %d at %v", what, i,
				g.Time.Format(time.RFC3339Nano), g.Data, g.Truncated, g.Cursor.pos[k], w.Time.Format(time.RFC3339Nano), w.Data, w.Truncated, w.Cursor.pos[k])
		}
	}
}

// hostileDir writes a log directory of hostile lines cut at random places:
// a rotated exec.log and runtime.log, and a kernel.log.
func hostileDir(t *testing.T, rng *rand.Rand) string {
	t.Helper()
	dir := logDir(t)
	writeRotated(t, rng, dir, "exec.log", hostileLines(rng, true, 300))
	writeRotated(t, rng, dir, "runtime.log", hostileLines(rng, false, 200))
	if err := os.WriteFile(filepath.Join(dir, "kernel.log"), []byte(hostileLines(rng, false, 100)), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestSnapshotIndexMatchesStream checks the two-pass snapshot against a
// stream over hostile files cut at random places: the same entries with
// the same positions, sorted stably, for the whole read and for tails.
func TestSnapshotIndexMatchesStream(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		dir := hostileDir(t, rand.New(rand.NewPCG(seed, 7)))
		opts := Options{Sources: AllSources, MaxEntryBytes: 300}
		streamed := readAll(t, mustOpen(t, dir, opts))
		want := expectedSnapshot(streamed)
		snap, err := ReadSnapshot(t.Context(), dir, opts)
		if err != nil {
			t.Fatal(err)
		}
		sameEntries(t, fmt.Sprintf("seed %d", seed), snap.Entries, want)
		if len(streamed) > 0 && snap.End != streamed[len(streamed)-1].Cursor {
			t.Fatalf("seed %d: End %v, the stream ends at %v", seed, snap.End, streamed[len(streamed)-1].Cursor)
		}
		prev := 0
		for _, b := range []int64{1, 500, 4000, 30000, 1 << 40} {
			opts.Tail, opts.TailBytes = 0, b
			tail, err := ReadSnapshot(t.Context(), dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			n := len(tail.Entries)
			if n < prev || len(want) > 0 && n == 0 || b == 1<<40 && n != len(want) {
				t.Fatalf("seed %d: %d bytes from the end keep %d entries (%d for fewer bytes, %d in all)", seed, b, n, prev, len(want))
			}
			prev = n
			sameEntries(t, fmt.Sprintf("seed %d tail bytes %d", seed, b), tail.Entries, want[len(want)-n:])
			for i, e := range tail.Entries {
				if w := snap.Entries[len(snap.Entries)-n+i]; e.Cursor != w.Cursor {
					t.Fatalf("seed %d tail bytes %d: entry %d cursor %v, the full read's %v", seed, b, i, e.Cursor, w.Cursor)
				}
			}
		}
		opts.TailBytes = 0
		for _, n := range []int{1, 5, 120, len(want) + 3} {
			opts.Tail = n
			tail, err := ReadSnapshot(t.Context(), dir, opts)
			if err != nil {
				t.Fatal(err)
			}
			sameEntries(t, fmt.Sprintf("seed %d tail %d", seed, n), tail.Entries, want[max(0, len(want)-n):])
			for i, e := range tail.Entries {
				if w := snap.Entries[len(snap.Entries)-len(tail.Entries)+i]; e.Cursor != w.Cursor {
					t.Fatalf("seed %d tail %d: entry %d cursor %v, the full read's %v", seed, n, i, e.Cursor, w.Cursor)
				}
			}
		}
	}
}

// TestSnapshotSparseFiles reads files with holes (a sparse file reads as
// zeros and holds no line end): the snapshot passes over them without
// reading them, quickly, and still agrees with a stream.
func TestSnapshotSparseFiles(t *testing.T) {
	dir := logDir(t)
	appendFile(t, dir, "exec.log.2", execLine(t0, "stdout", 1, "before\n"))
	appendFile(t, dir, "exec.log.1", execLine(t0.Add(time.Second), "stdout", 1, "in .1\n"))
	hole := func(name string, size int64) {
		if err := os.Truncate(filepath.Join(dir, name), size); err != nil {
			t.Fatal(err)
		}
	}
	hole("exec.log.1", 1<<30) // 1 GiB of zeros after its line, no line end: joins the next file's first line
	appendFile(t, dir, "exec.log", "tail of the long line\n"+execLine(t0.Add(2*time.Second), "stderr", 2, "after\n"))
	appendFile(t, dir, "kernel.log", "boot\n")
	hole("kernel.log", 1<<30)
	opts := Options{Sources: AllSources}
	start := time.Now()
	snap, err := ReadSnapshot(t.Context(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 20*time.Second {
		t.Fatalf("the snapshot took %v: the holes were read", d)
	}
	var datas []string
	for _, e := range snap.Entries {
		datas = append(datas, string(e.Data))
	}
	want := []string{"before\n", "in .1\n", "after\n"}
	kernel := 0
	for _, e := range snap.Entries {
		if e.File == "kernel.log" {
			kernel++
		}
	}
	var exec []string
	for _, d := range datas[:len(datas)-kernel] {
		exec = append(exec, d)
	}
	if kernel != 1 || !slices.Equal(exec, want) {
		t.Fatalf("entries %q, want exec %q and one kernel line", datas, want)
	}
	if snap.Skipped != 1 {
		t.Fatalf("skipped %d, want the one malformed line of zeros", snap.Skipped)
	}
	sameEntries(t, "sparse", snap.Entries, expectedSnapshot(readAll(t, mustOpen(t, dir, opts))))
}

// FuzzSnapshotMatchesStream writes fuzzed bytes as exec.log and its
// rotations (cut at fuzzed places) and as kernel.log, and checks that the
// snapshot holds what a stream reads, sorted, with the same positions,
// whole and as a tail by entries and by bytes, and that the History reads
// the same.
func FuzzSnapshotMatchesStream(f *testing.F) {
	rng := rand.New(rand.NewPCG(5, 5))
	f.Add([]byte(hostileLines(rng, true, 40)), []byte(hostileLines(rng, false, 20)), uint16(100), uint16(900), 3, int64(700))
	f.Add([]byte(execLine(t0, "stdout", 1, "a\n")+"{bad\n"+execLine(t0.Add(-time.Second), "stderr", 2, "b")), []byte("no end"), uint16(5), uint16(5), 1, int64(1))
	f.Add([]byte("\x00\x00\n\n\n"), []byte("\n\n\x1b[31m\n"), uint16(0), uint16(3), 50, int64(0))
	f.Fuzz(snapshotAgainstStream)
}

// snapshotAgainstStream is FuzzSnapshotMatchesStream's check.
func snapshotAgainstStream(t *testing.T, execData, kernel []byte, cutA, cutB uint16, tail int, tailBytes int64) {
	dir := logDir(t)
	a, b := int(cutA)%(len(execData)+1), int(cutB)%(len(execData)+1)
	if a > b {
		a, b = b, a
	}
	for name, part := range map[string][]byte{"exec.log.2": execData[:a], "exec.log.1": execData[a:b], "exec.log": execData[b:], "kernel.log": kernel} {
		if err := os.WriteFile(filepath.Join(dir, name), part, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Sources: AllSources, MaxEntryBytes: 64}
	streamed := readAll(t, mustOpen(t, dir, opts))
	want := expectedSnapshot(streamed)
	snap, err := ReadSnapshot(t.Context(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, "whole", snap.Entries, want)
	opts.Tail, opts.TailBytes = max(tail%100, 0), max(tailBytes%5000, 0)
	part, err := ReadSnapshot(t.Context(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	n := len(part.Entries)
	if n > len(want) || opts.Tail > 0 && n > opts.Tail || opts.Tail > 0 && opts.TailBytes == 0 && n != min(opts.Tail, len(want)) {
		t.Fatalf("tail %d, %d bytes: %d entries of %d", opts.Tail, opts.TailBytes, n, len(want))
	}
	sameEntries(t, "tail", part.Entries, want[len(want)-n:])
	if part.End != snap.End {
		t.Fatalf("tail End %v, whole End %v", part.End, snap.End)
	}
	// The History the viewer keeps reads the same, whole and from any
	// place between checkpoints, cursors included.
	opts.Tail, opts.TailBytes = 0, 0
	h, s, err := OpenHistory(t.Context(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close(); h.Close() }()
	all, err := h.Read(0, h.Len())
	if err != nil {
		t.Fatal(err)
	}
	sameWholly(t, "history", all, snap.Entries)
	if lo := int(cutA) % (len(all) + 1); lo < len(all) {
		got, err := h.Read(lo, len(all))
		if err != nil {
			t.Fatal(err)
		}
		sameWholly(t, "history from the middle", got, all[lo:])
	}
}
