package histscan

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"sync"

	"sandtail/engine"
)

// ChunkEntries is how many entries a Scan reads at a time: between chunks
// it checks for cancellation and reports progress.
const ChunkEntries = 2048

// Source is what the scanner reads: engine.History satisfies it.
type Source interface {
	// Len is the number of entries now; it only grows.
	Len() int
	// Read returns copies of entries [lo, hi), in display order. A Scan
	// calls it from its own reading goroutine, one call at a time, while
	// the viewer uses the Source too.
	Read(lo, hi int) ([]engine.Entry, error)
}

// Scan is one search of the whole history, running in its own goroutine.
// Its methods are safe for concurrent use.
type Scan struct {
	cancel  context.CancelFunc
	updated chan struct{}

	mu       sync.Mutex
	hits     hitSet
	done     int // entries scanned
	total    int // Len() when last read
	finished bool
	err      error
}

// Start scans the entries [0, src.Len()) of src in chunks, in a goroutine,
// and keeps the place of every line keep accepts. Len is read again before
// each chunk, so entries appended while the scan runs are scanned too; the
// scan finishes when it has caught up, judging the lines still open as
// they are then. keep is called only from the Scan's goroutine, with a
// *Line valid during the call; its Text and Plain may share the memory of
// the entry read (Builder.Share), so a keep that stores them copies them.
func Start(ctx context.Context, src Source, keep func(*Line) bool) *Scan {
	return start(ctx, src, keep, MaxHits)
}

// start is Start with a smaller bound on hits, for tests.
func start(ctx context.Context, src Source, keep func(*Line) bool, limit int) *Scan {
	ctx, cancel := context.WithCancel(ctx)
	s := &Scan{cancel: cancel, updated: make(chan struct{}, 1), hits: hitSet{limit: limit}}
	// Known at once, so the viewer can show "0 of N" before the first
	// chunk is in.
	s.total = entriesOf(src)
	go s.run(ctx, src, keep)
	return s
}

// chunk is entries [lo, lo+len(entries)) of a Source whose length was
// total, or the error that ended the reading.
type chunk struct {
	lo, total int
	entries   []engine.Entry
	err       error
}

// run is the Scan's goroutine: it builds and judges lines while readAhead
// reads the next chunk, so a Source whose Read parses files uses a second
// core. Updated is closed only once both goroutines are done.
func (s *Scan) run(ctx context.Context, src Source, keep func(*Line) bool) {
	defer close(s.updated)
	chunks := make(chan chunk, 1)
	go readAhead(ctx, src, chunks)
	defer func() {
		s.cancel()
		for range chunks {
			// Wait for readAhead: it ends at its next check of ctx.
		}
	}()
	// The entries read are the Scan's own and never change, and a line
	// is only looked at once.
	b := Builder{Share: true}
	var fresh []Hit
	judge := func(l *Line) {
		if keep(l) {
			fresh = append(fresh, Hit{Ord: uint32(l.Ord), Nth: l.Nth})
		}
	}
	done := 0
	for c := range chunks {
		if c.err != nil {
			s.finish(c.err)
			return
		}
		if err := ctx.Err(); err != nil {
			break
		}
		for i := range c.entries {
			b.Add(c.lo+i, &c.entries[i], judge)
		}
		done = c.lo + len(c.entries)
		s.publish(fresh, done, c.total)
		fresh = fresh[:0]
	}
	if err := ctx.Err(); err != nil {
		s.finish(err)
		return
	}
	// Caught up: the lines still open are judged as they are now.
	b.Flush(judge)
	s.publish(fresh, done, done)
	s.finish(nil)
}

// readAhead reads [0, src.Len()) chunk by chunk into chunks, reading Len
// again before each, and closes chunks when it has caught up, failed, or
// ctx ended.
func readAhead(ctx context.Context, src Source, chunks chan<- chunk) {
	defer close(chunks)
	done := 0
	for ctx.Err() == nil {
		total := entriesOf(src)
		if done >= total {
			return
		}
		hi := min(done+ChunkEntries, total)
		entries, err := readChunk(src, done, hi)
		select {
		case chunks <- chunk{lo: done, total: total, entries: entries, err: err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
		done = hi
	}
}

// maxEntries is the most entries a Scan reads: a Hit's Ord has 32 bits.
var maxEntries uint64 = math.MaxUint32

// entriesOf is src's length, clamped to what a Scan can name.
func entriesOf(src Source) int {
	n := src.Len()
	if n < 0 {
		return 0
	}
	if uint64(n) > maxEntries {
		return int(maxEntries)
	}
	return n
}

// readChunk reads entries [lo, hi) and checks that the Source gave that
// many: a short answer would leave ordinals naming the wrong entries.
func readChunk(src Source, lo, hi int) ([]engine.Entry, error) {
	entries, err := src.Read(lo, hi)
	if err != nil {
		return nil, fmt.Errorf("reading entries %d–%d: %w", lo, hi, err)
	}
	if len(entries) != hi-lo {
		return nil, fmt.Errorf("reading entries %d–%d: got %d entries", lo, hi, len(entries))
	}
	return entries, nil
}

// publish adds a chunk's hits and progress and signals the change.
func (s *Scan) publish(fresh []Hit, done, total int) {
	// Lines close out of order when one stays open across others.
	slices.SortFunc(fresh, func(x, y Hit) int { return cmp.Compare(x.key(), y.key()) })
	s.mu.Lock()
	s.hits.merge(fresh)
	s.done, s.total = done, total
	s.mu.Unlock()
	s.signal()
}

// finish records the end of the scan; run closes updated after it.
func (s *Scan) finish(err error) {
	s.mu.Lock()
	s.finished, s.err = true, err
	s.mu.Unlock()
}

// signal tells a waiting viewer that something changed, without waiting
// for it: one pending signal stands for any number of changes.
func (s *Scan) signal() {
	select {
	case s.updated <- struct{}{}:
	default:
	}
}

// Progress reports how many entries were scanned out of how many there
// were at the last look, whether the scan is over, and why it ended early
// (a read error, or the context's error after Cancel).
func (s *Scan) Progress() (done, total int, finished bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.done, s.total, s.finished, s.err
}

// Count is the number of hits kept so far.
func (s *Scan) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.hits.hits)
}

// Capped reports whether hits were left out because there were more than
// MaxHits: those kept are the first MaxHits in order.
func (s *Scan) Capped() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits.capped
}

// Next is the nearest hit strictly after (forward) or strictly before the
// line (ord, nth), without wrapping around; false when there is none yet.
func (s *Scan) Next(ord, nth uint32, forward bool) (Hit, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits.next(Hit{Ord: ord, Nth: nth}, forward)
}

// At is the i-th hit in order (0 is the first), for jumping to the first
// or last one.
func (s *Scan) At(i int) (Hit, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < 0 || i >= len(s.hits.hits) {
		return Hit{}, false
	}
	return s.hits.hits[i], true
}

// Rank is the number of hits before the line (ord, nth): a hit's place
// among them, for showing "match 3 of 120".
func (s *Scan) Rank(ord, nth uint32) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits.atOrAfter(Hit{Ord: ord, Nth: nth}.key())
}

// Updated signals that progress or hits changed: one pending signal stands
// for any number of changes. It is closed when the scan has finished.
func (s *Scan) Updated() <-chan struct{} { return s.updated }

// Cancel stops the scan before its next chunk; Updated is closed when its
// goroutine is done. Cancel may be called more than once.
func (s *Scan) Cancel() { s.cancel() }
