package histscan

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"sandtail/engine"
)

// numbered is n stdout entries "line i\n".
func numbered(n int) []engine.Entry {
	es := make([]engine.Entry, n)
	for i := range es {
		es[i] = out(fmt.Sprintf("line %d\n", i))
	}
	return es
}

func TestScanFindsLinesAcrossChunks(t *testing.T) {
	es := numbered(3 * ChunkEntries)
	// A line that starts as the second piece of the chunk's last entry and
	// ends in the next chunk; and one left open by stdout while stderr
	// lines (hits, kept in between) go by.
	es[ChunkEntries-1] = out("x\nneedle-split-")
	es[ChunkEntries] = out("across\n")
	es[2*ChunkEntries-2] = out("needle-open-")
	es[2*ChunkEntries-1] = errOut("needle-err\n")
	es[2*ChunkEntries] = errOut("needle-err2\n")
	es[2*ChunkEntries+1] = out("closed\n")
	src := &memSource{entries: es}
	s := Start(t.Context(), src, containing("needle"))
	done, total, err := wait(t, s)
	if err != nil || done != len(es) || total != len(es) {
		t.Fatalf("progress %d/%d err %v, want %d/%d", done, total, err, len(es), len(es))
	}
	want := []Hit{
		{ChunkEntries - 1, 1},
		{2*ChunkEntries - 2, 0},
		{2*ChunkEntries - 1, 0},
		{2 * ChunkEntries, 0},
	}
	if got := allHits(s); !slices.Equal(got, want) {
		t.Fatalf("hits %v, want %v", got, want)
	}
	if s.Count() != len(want) || s.Capped() {
		t.Errorf("count %d capped %v", s.Count(), s.Capped())
	}
	if r := s.Rank(2*ChunkEntries-1, 0); r != 2 {
		t.Errorf("rank of the third hit %d, want 2", r)
	}
}

func TestScanJudgesOpenLinesAtTheEnd(t *testing.T) {
	src := &memSource{entries: []engine.Entry{out("needle with no newline"), errOut("no\n")}}
	s := Start(t.Context(), src, containing("needle"))
	if _, _, err := wait(t, s); err != nil {
		t.Fatal(err)
	}
	if got := allHits(s); !slices.Equal(got, []Hit{{0, 0}}) {
		t.Fatalf("hits %v, want the open line's", got)
	}
}

func TestScanHitsAreTheViewersLines(t *testing.T) {
	es := numbered(5000)
	for i := 0; i < len(es); i += 7 {
		es[i] = out(fmt.Sprintf("part %d ", i)) // joins with the next
	}
	for i := 3; i < len(es); i += 11 {
		es[i] = errOut(fmt.Sprintf("e%d\nf%d\n", i, i))
	}
	keep := func(l *Line) bool { return len(l.Plain)%3 == 0 }
	var want []Hit
	for _, l := range viewerLines(es) {
		if keep(&l) {
			want = append(want, Hit{uint32(l.Ord), l.Nth})
		}
	}
	s := Start(t.Context(), &memSource{entries: es}, keep)
	if _, _, err := wait(t, s); err != nil {
		t.Fatal(err)
	}
	if got := allHits(s); !slices.Equal(got, want) {
		t.Fatalf("%d hits, the viewer's lines give %d", len(got), len(want))
	}
}

func TestScanNextAtTheEdges(t *testing.T) {
	es := numbered(10)
	es[2] = out("a\nneedle\n") // hit (2,1)
	es[5] = out("needle\n")    // hit (5,0)
	s := Start(t.Context(), &memSource{entries: es}, containing("needle"))
	wait(t, s)
	cases := []struct {
		ord, nth uint32
		forward  bool
		want     Hit
		ok       bool
	}{
		{0, 0, true, Hit{2, 1}, true},
		{2, 0, true, Hit{2, 1}, true},
		{2, 1, true, Hit{5, 0}, true}, // strictly after
		{5, 0, true, Hit{}, false},    // no wrapping
		{9, 0, true, Hit{}, false},
		{9, 0, false, Hit{5, 0}, true},
		{5, 0, false, Hit{2, 1}, true}, // strictly before
		{2, 1, false, Hit{}, false},
		{0, 0, false, Hit{}, false},
		{2, 2, false, Hit{2, 1}, true},
	}
	for _, c := range cases {
		got, ok := s.Next(c.ord, c.nth, c.forward)
		if got != c.want || ok != c.ok {
			t.Errorf("Next(%d,%d,%v) = %v %v, want %v %v", c.ord, c.nth, c.forward, got, ok, c.want, c.ok)
		}
	}
	if _, ok := s.At(2); ok {
		t.Error("At past the last hit answered")
	}
}

func TestScanWithNoHits(t *testing.T) {
	s := Start(t.Context(), &memSource{entries: numbered(100)}, containing("absent"))
	wait(t, s)
	if _, ok := s.Next(0, 0, true); ok || s.Count() != 0 {
		t.Fatalf("count %d", s.Count())
	}
	empty := Start(t.Context(), &memSource{}, containing("x"))
	if done, total, err := wait(t, empty); done != 0 || total != 0 || err != nil {
		t.Fatalf("empty source: %d/%d %v", done, total, err)
	}
}

func TestScanCancelStopsTheGoroutine(t *testing.T) {
	entered, gate := make(chan struct{}), make(chan struct{})
	src := &memSource{entries: numbered(10 * ChunkEntries)}
	var reads []int
	src.onRead = func(lo, _ int) {
		reads = append(reads, lo) // only the reading goroutine calls Read
		if lo == ChunkEntries {
			close(entered)
			<-gate // hold the scan in its second chunk
		}
	}
	s := Start(t.Context(), src, containing("line"))
	<-entered
	s.Cancel()
	close(gate)
	done, total, err := wait(t, s)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v, want context.Canceled", err)
	}
	// The read under way when Cancel came is the last.
	if !slices.Equal(reads, []int{0, ChunkEntries}) {
		t.Fatalf("read chunks at %v after Cancel", reads)
	}
	// The chunk read after Cancel is not scanned.
	if done > ChunkEntries || s.Count() != done {
		t.Fatalf("scanned %d of %d (%d hits) after Cancel", done, total, s.Count())
	}
	s.Cancel() // again: harmless
}

func TestScanStopsWhenItsContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	s := Start(ctx, &memSource{entries: numbered(10)}, containing("line"))
	if done, _, err := wait(t, s); !errors.Is(err, context.Canceled) || done != 0 {
		t.Fatalf("done %d err %v", done, err)
	}
}

func TestScanFollowsLiveGrowth(t *testing.T) {
	src := &memSource{entries: numbered(ChunkEntries + 10)}
	grown := false
	src.onRead = func(lo, _ int) {
		if lo == 0 && !grown {
			grown = true // only the scan's goroutine reads
			src.add(out("needle-live-"))
			src.add(numbered(3 * ChunkEntries)...)
			src.add(out("needle-last\n"))
		}
	}
	s := Start(t.Context(), src, containing("needle"))
	done, total, err := wait(t, s)
	n := src.Len()
	if err != nil || done != n || total != n {
		t.Fatalf("progress %d/%d err %v, want all %d", done, total, err, n)
	}
	want := []Hit{{ChunkEntries + 10, 0}, {uint32(n - 1), 0}}
	if got := allHits(s); !slices.Equal(got, want) {
		t.Fatalf("hits %v, want %v", got, want)
	}
}

func TestScanReportsReadErrors(t *testing.T) {
	bad := errors.New("disk gone")
	src := &memSource{entries: numbered(3 * ChunkEntries), failAt: ChunkEntries, failErr: bad}
	s := Start(t.Context(), src, containing("line 1"))
	done, _, err := wait(t, s)
	if !errors.Is(err, bad) || done != ChunkEntries {
		t.Fatalf("done %d err %v, want the read error after one chunk", done, err)
	}
	if s.Count() == 0 {
		t.Error("the first chunk's hits were lost")
	}
	short := Start(t.Context(), &memSource{entries: numbered(10), short: true}, containing("line"))
	if _, _, err := wait(t, short); err == nil {
		t.Fatal("a short read was taken as whole")
	}
}

func TestScanProgressSignalsEachChunk(t *testing.T) {
	src := &memSource{entries: numbered(3 * ChunkEntries)}
	step := make(chan struct{})
	src.onRead = func(int, int) {
		<-step // each chunk is read when the test says
	}
	s := Start(t.Context(), src, containing("line"))
	if done, total, finished, _ := s.Progress(); done != 0 || total != 3*ChunkEntries || finished {
		t.Fatalf("at the start: %d/%d finished %v", done, total, finished)
	}
	// The last chunk is not checked: the scan may have finished by then.
	for chunk := 1; chunk <= 2; chunk++ {
		step <- struct{}{}
		<-s.Updated()
		done, total, finished, _ := s.Progress()
		if done != chunk*ChunkEntries || total != 3*ChunkEntries || finished {
			t.Fatalf("after chunk %d: %d/%d finished %v", chunk, done, total, finished)
		}
		if s.Count() != done {
			t.Fatalf("after chunk %d: %d hits", chunk, s.Count())
		}
	}
	step <- struct{}{}
	if done, _, err := wait(t, s); done != 3*ChunkEntries || err != nil || s.Count() != done {
		t.Fatalf("finished at %d err %v with %d hits", done, err, s.Count())
	}
}

func TestScanCapsHits(t *testing.T) {
	es := numbered(5000)
	es[0] = errOut("line open ") // closes last, after the cap was reached
	es[4000] = errOut("closing\n")
	s := start(t.Context(), &memSource{entries: es}, containing("line"), 1000)
	wait(t, s)
	if s.Count() != 1000 || !s.Capped() {
		t.Fatalf("count %d capped %v", s.Count(), s.Capped())
	}
	// The first 1000 in order: the early open line displaced the last.
	got := allHits(s)
	if got[0] != (Hit{0, 0}) || got[999] != (Hit{999, 0}) {
		t.Fatalf("kept %v … %v", got[0], got[999])
	}
}

// TestHitSetMergeMatchesSorting merges batches in and out of order and
// checks the set is always the first limit of all hits in order.
func TestHitSetMergeMatchesSorting(t *testing.T) {
	batches := [][]Hit{
		{{5, 0}, {6, 0}}, {{1, 0}, {7, 0}}, {{6, 1}}, {{0, 3}, {9, 9}}, {{8, 0}},
		{{2, 0}, {3, 0}, {4, 0}},
	}
	for limit := 1; limit <= 12; limit++ {
		set := hitSet{limit: limit}
		var all []Hit
		for _, b := range batches {
			set.merge(b)
			all = append(all, b...)
			slices.SortFunc(all, Hit.compare)
			want := all[:min(limit, len(all))]
			if !slices.Equal(set.hits, want) || set.capped != (len(all) > limit) {
				t.Fatalf("limit %d: %v capped %v, want %v", limit, set.hits, set.capped, want)
			}
		}
	}
}
