package merge

import (
	"bytes"
	"container/heap"
	"context"
	"fmt"

	"sandtail/engine"
)

// Snapshot is what is on disk in every sandbox of a set, merged by time.
type Snapshot struct {
	// Entries are sorted by time; entries of equal time keep their
	// sandbox's order, and sandboxes their order in the set.
	Entries []engine.Entry
	// Ends is each sandbox's snapshot end cursor, by origin.
	Ends []engine.Cursor
	// Skipped counts malformed records passed over in all of them.
	Skipped int64
	// Failed says which sandboxes could not be read, and why; the others
	// are read all the same.
	Failed []Failure
}

// Failure is a sandbox that could not be read.
type Failure struct {
	Origin uint16
	Err    error
}

func (f Failure) Error() string { return f.Err.Error() }

// groupSize is how many sandboxes' snapshots are merged into what is kept
// at a time: the merge with the entries kept so far is one pass over them
// per group, and only one group's files are in memory at once.
const groupSize = 8

// ReadSnapshot reads every sandbox of set with opts and merges them.
// opts.Tail keeps the newest Tail entries of the merged result.
func ReadSnapshot(ctx context.Context, set *Set, opts engine.Options) (*Snapshot, error) {
	return readSnapshots(ctx, set.All(), opts, func(_ uint16, sb Sandbox, o engine.Options) (*engine.Snapshot, error) {
		return engine.ReadSnapshot(ctx, sb.Dir, o)
	})
}

// readSnapshots reads one snapshot per sandbox through read and merges
// them, keeping at most opts.Tail entries (all with 0).
func readSnapshots(ctx context.Context, sbs []Sandbox, opts engine.Options, read func(uint16, Sandbox, engine.Options) (*engine.Snapshot, error)) (*Snapshot, error) {
	out := &Snapshot{Ends: make([]engine.Cursor, len(sbs))}
	var group [][]engine.Entry
	flush := func() {
		if len(group) > 0 {
			out.Entries = mergeTail(append([][]engine.Entry{out.Entries}, group...), opts.Tail)
			group = group[:0]
		}
	}
	for i, sb := range sbs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		snap, err := read(uint16(i), sb, opts)
		if err != nil {
			out.Failed = append(out.Failed, Failure{Origin: uint16(i), Err: fmt.Errorf("%s: %w", sb.Name, err)})
			continue
		}
		out.Ends[i] = snap.End
		out.Skipped += snap.Skipped
		group = append(group, own(snap.Entries, uint16(i)))
		if len(group) == groupSize {
			flush()
		}
	}
	flush()
	return out, nil
}

// own marks entries with their origin and copies their data out of the
// snapshot's file blocks: a few entries kept from a sandbox would
// otherwise keep its whole files in memory, and a hundred sandboxes'
// files are far more than the newest lines of them all.
func own(es []engine.Entry, origin uint16) []engine.Entry {
	for i := range es {
		es[i].Origin = origin
		es[i].Data = bytes.Clone(es[i].Data)
	}
	return es
}

// mergeTail merges time-sorted runs into one, keeping the newest tail
// entries (all with tail <= 0). Entries of equal time keep the order of
// their runs, and within a run their order: a sandbox's entries are never
// reordered, so its lines join as they would alone.
func mergeTail(runs [][]engine.Entry, tail int) []engine.Entry {
	total := 0
	for _, r := range runs {
		total += len(r)
	}
	n := total
	if tail > 0 && tail < n {
		n = tail
	}
	out := make([]engine.Entry, n)
	// From the newest end backwards, so that only the tail is touched.
	h := &tailHeap{}
	for i, r := range runs {
		if len(r) > 0 {
			h.items = append(h.items, tailItem{run: i, at: len(r) - 1})
		}
	}
	h.runs = runs
	heap.Init(h)
	for k := n - 1; k >= 0; k-- {
		it := &h.items[0]
		out[k] = runs[it.run][it.at]
		if it.at == 0 {
			heap.Pop(h)
		} else {
			it.at--
			heap.Fix(h, 0)
		}
	}
	return out
}

// tailItem is the newest entry not yet taken of one run.
type tailItem struct{ run, at int }

// tailHeap orders runs by their newest untaken entry, newest first; on
// equal times the later run first, so that walking backwards keeps the
// runs' order going forwards.
type tailHeap struct {
	runs  [][]engine.Entry
	items []tailItem
}

func (h *tailHeap) Len() int { return len(h.items) }
func (h *tailHeap) Less(i, j int) bool {
	a, b := &h.runs[h.items[i].run][h.items[i].at], &h.runs[h.items[j].run][h.items[j].at]
	if !a.Time.Equal(b.Time) {
		return a.Time.After(b.Time)
	}
	return h.items[i].run > h.items[j].run
}
func (h *tailHeap) Swap(i, j int) { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *tailHeap) Push(x any)    { h.items = append(h.items, x.(tailItem)) }
func (h *tailHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
