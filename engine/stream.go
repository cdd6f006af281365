package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// ErrClosed is returned by Next after Close.
var ErrClosed = errors.New("engine: stream closed")

// consumerLookEvery is how often a busy consumer looks at the directory
// itself (see watcher.tryLook): a fast producer rotating every 256 KiB
// retires a file from retention within a few milliseconds.
const consumerLookEvery = time.Millisecond

// copyStep is how many entries collect copies at a time (about 80 KiB).
const copyStep = 512

// DefaultBatch is the batch size Next uses when given max <= 0, and what
// both front-ends ask for: enough to amortise a redraw or a flush per
// batch at high rates, small enough to keep latency and memory low.
const DefaultBatch = 4096

// Stream is a live or bounded read of a sandbox's logs (Open,
// ReadSnapshotFollow). Within one file, entries come in file order; across
// files, as parsed. A Stream is used by one goroutine at a time.
type Stream struct {
	opts   Options
	follow bool
	chains []*chain
	tracks []*track
	w      *watcher // nil unless following
	h      *holder  // nil unless following with a holder process
	wake   <-chan struct{}

	skipped  atomic.Int64
	rr       int       // track to serve first, rotated for fairness
	lastLook time.Time // when the consumer last looked at the directory itself
	batch    []Entry   // reused by collect: it never outgrows the largest max asked for

	mu       sync.Mutex // guards everything below and the tracks
	cur      Cursor     // state after the last entry handed over
	err      error      // terminal: returned by every later Next
	closed   bool
	closeErr error
	closedCh chan struct{}
	stop     func() bool // unregisters the context watch
}

// Open opens the logs in dir for reading. The whole chain of every file
// type the requested sources need is opened before anything is read. It
// fails with an error wrapping ErrNotFound when dir does not exist, and with
// an *InvalidCursorError, before any entry, when a strict cursor does not
// fit the files on disk. Cancelling ctx ends the stream as Close does.
func Open(ctx context.Context, dir string, opts Options) (*Stream, error) {
	chains, pts, err := openAndResolve(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	s := &Stream{opts: opts, follow: opts.Follow, chains: chains, closedCh: make(chan struct{})}
	s.cur.n = uint8(len(chains))
	for i, c := range chains {
		t := &track{idx: i, ch: c, p: newLineParser(c.ft, i, opts, &s.skipped)}
		t.begin(pts[i])
		s.cur.pos[i] = t.position()
		s.tracks = append(s.tracks, t)
	}
	if s.follow {
		s.w = newWatcher(dir, chains, opts.PollInterval)
		s.w.hist = opts.hist
		s.wake = s.w.wake
		if opts.Watch != nil {
			opts.Watch.attach(s.w)
		} else {
			s.w.start()
		}
		if opts.Holder && opts.Watch == nil {
			s.h = startHolder(dir, s.w, chains, opts)
		}
	}
	s.stop = context.AfterFunc(ctx, func() { s.shutdown(context.Cause(ctx)) })
	return s, nil
}

// openAndResolve opens the chains the sources need and finds where each
// starts: what a snapshot and a stream both do first. On error nothing is
// left open.
func openAndResolve(ctx context.Context, dir string, opts Options) ([]*chain, []startPoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	if err := checkDir(dir); err != nil {
		return nil, nil, err
	}
	chains, err := openChains(dir, opts.Sources, opts.holdBudget())
	if err != nil {
		return nil, nil, err
	}
	if opts.hist != nil {
		// Before any watcher shares the chains: keep is read unlocked.
		for _, c := range chains {
			c.keep = opts.hist.keep
		}
	}
	pts, err := resolveStart(chains, opts)
	if err != nil {
		closeChains(chains)
		return nil, nil, err
	}
	startNotices(chains, pts)
	return chains, pts, nil
}

// openChains scans the chain of every file type the sources need.
func openChains(dir string, sources Sources, budget int64) ([]*chain, error) {
	var chains []*chain
	for _, i := range openedFiles(sources) {
		c := newChain(dir, &fileTable[i], budget)
		chains = append(chains, c)
		if _, err := c.scan(); err != nil {
			closeChains(chains)
			return nil, err
		}
	}
	return chains, nil
}

func closeChains(chains []*chain) {
	for _, c := range chains {
		c.closeAll()
	}
}

// Next blocks until at least one entry is available (or ctx is done), then
// returns everything available now, up to max (max <= 0 picks a default).
// It returns io.EOF when a bounded read is done or Until was reached, and a
// *MissedRotationError when a follow fell behind retention; both end the
// stream. A follow whose directory is removed hands over what the files it
// holds still have, then ends with an error wrapping fs.ErrNotExist.
func (s *Stream) Next(ctx context.Context, max int) ([]Entry, error) {
	if max <= 0 {
		max = DefaultBatch
	}
	for {
		out, err := s.collect(max)
		if len(out) > 0 || err != nil {
			return out, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.closedCh:
		case <-s.wake:
		}
	}
}

// Resume continues a follow that ended with a *MissedRotationError past
// the gap, with the files the stream still holds: the next entry is a
// MarkGap notice, then what came after the gap. A new stream resuming
// leniently from the error's cursor starts at the oldest file still on
// disk, so a reader that had fallen behind also loses, with Open, every
// file this stream holds between the gap and that one. Resume fails when
// the stream did not stop at a missed rotation.
func (s *Stream) Resume() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return s.closeErr
	}
	if !errors.Is(s.err, ErrMissedRotation) {
		return fmt.Errorf("engine: nothing to resume: the stream did not stop at a missed rotation (%v)", s.err)
	}
	for _, t := range s.tracks {
		t.resumeAfterGap()
	}
	s.err = nil
	return nil
}

// Skipped counts malformed records passed over so far.
func (s *Stream) Skipped() int64 { return s.skipped.Load() }

// Close releases every descriptor and stops the watching goroutine. Next
// then returns ErrClosed.
func (s *Stream) Close() error {
	s.shutdown(ErrClosed)
	s.stop()
	return nil
}

// shutdown ends the stream once; err is what Next reports afterwards.
func (s *Stream) shutdown(err error) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed, s.closeErr = true, err
	close(s.closedCh)
	s.mu.Unlock()
	s.h.close() // before the watcher: its goroutine looks through it
	if s.w != nil {
		s.w.close()
	}
	closeChains(s.chains)
}

// collect hands over what is available now, up to max entries, without
// blocking. With nothing to hand over it returns the terminal error, if any.
// Entries are gathered in a buffer the stream keeps and handed over in one
// slice of the exact size: growing the batch by appending copied every
// entry about twice, which at a million entries a second made most of a
// follow's garbage, and the collections it caused kept the watcher off the
// processors for longer than a fast rotation stays in retention.
func (s *Stream) collect(max int) ([]Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	buf, err := s.gather(s.batch[:0], max)
	var out []Entry
	if len(buf) > 0 {
		out = make([]Entry, len(buf))
		// In steps: one copy is a runtime routine that cannot be
		// preempted, and the first touch of a fresh batch (megabytes)
		// costs milliseconds of page faults, during which a collection
		// waiting to stop the world stops the watcher too.
		for i := 0; i < len(buf); i += copyStep {
			j := min(i+copyStep, len(buf))
			copy(out[i:j], buf[i:j])
			clear(buf[i:j]) // drop references to what the caller now owns
		}
	}
	if buf != nil {
		s.batch = buf[:0]
	}
	if s.opts.hist != nil && len(out) > 0 {
		s.opts.hist.Append(out)
	}
	return out, err
}

// gather appends to out what is available now, up to max entries in all.
// s.mu is held.
func (s *Stream) gather(out []Entry, max int) ([]Entry, error) {
	if s.closed {
		return nil, s.closeErr
	}
	if s.err != nil {
		return nil, s.err
	}
	// Whether the directory is gone is taken before reading: once it is,
	// what the held files have is all there will be, and when this drain
	// hands over nothing the follow is over.
	removed := s.w != nil && s.w.removed.Load()
	for progress := true; progress && len(out) < max; {
		progress = false
		for k := 0; k < len(s.tracks) && len(out) < max; k++ {
			t := s.tracks[(s.rr+k)%len(s.tracks)]
			if t.ph == len(t.pending) {
				changed, err := t.advance(s.follow)
				if err != nil {
					s.err = err
					return out, nil
				}
				progress = progress || changed
				t.filter(s.opts)
				if changed && s.w != nil {
					if now := time.Now(); now.Sub(s.lastLook) >= consumerLookEvery {
						s.lastLook = now
						s.w.tryLook()
					}
				}
			}
			if t.ph < len(t.pending) {
				progress = true
				out = s.handOver(t, out, max)
			}
			if t.err != nil && t.ph == len(t.pending) {
				s.err = s.finalError(t.err)
				return out, nil
			}
		}
		s.rr++
	}
	if len(out) == 0 && removed && !s.finished() {
		s.err = s.w.removedError()
		return nil, s.err
	}
	if len(out) == 0 && s.finished() {
		s.err = io.EOF
		if !s.follow {
			// Nothing more will be read: release the descriptors now, in
			// case the caller forgets Close.
			closeChains(s.chains)
		}
		return nil, io.EOF
	}
	return out, nil
}

// finalError completes a track's terminal error with the cursor reached.
func (s *Stream) finalError(err error) error {
	var mr *MissedRotationError
	if errors.As(err, &mr) {
		mr.Last = s.cur
	}
	return err
}

// finished reports whether nothing more can come: every track is done, or a
// follow with Until has read everything now on disk and the clock passed
// Until (whatever is written later has a later time).
func (s *Stream) finished() bool {
	all := true
	for _, t := range s.tracks {
		if !t.done || t.ph < len(t.pending) {
			all = false
		}
	}
	if all {
		return true
	}
	return s.follow && !s.opts.Until.IsZero() && !time.Now().Before(s.opts.Until)
}

// handOver moves pending entries of t to out, giving each the cursor of
// the whole stream just after it.
func (s *Stream) handOver(t *track, out []Entry, max int) []Entry {
	n := min(len(t.pending)-t.ph, max-len(out))
	for _, e := range t.pending[t.ph : t.ph+n] {
		s.cur = s.cur.with(t.idx, e.Cursor.pos[t.idx])
		e.Cursor = s.cur
		out = append(out, e)
	}
	t.ph += n
	if t.ph == len(t.pending) {
		clear(t.pending) // drop references to blocks handed over
		t.pending, t.ph = t.pending[:0], 0
	}
	return out
}

// filter applies Since and Until to freshly parsed entries: entries before
// Since are dropped; the first entry at or after Until ends the track.
// Notices are never filtered.
func (t *track) filter(opts Options) {
	since := opts.Start.Kind == StartSince && !opts.Start.Since.IsZero()
	until := !opts.Until.IsZero()
	if !since && !until {
		return
	}
	kept := t.pending[:t.ph]
	for i := t.ph; i < len(t.pending); i++ {
		e := t.pending[i]
		if e.Mark == MarkNone {
			if until && !e.Time.Before(opts.Until) {
				t.done = true
				break
			}
			if since && e.Time.Before(opts.Start.Since) {
				continue
			}
		}
		kept = append(kept, e)
	}
	clear(t.pending[len(kept):])
	t.pending = kept
}

// pauseWatcher stops the stream from looking at its directory until the
// returned function is called: tests use it to let rotations go by unseen.
func (s *Stream) pauseWatcher() (resume func()) {
	if s.w == nil {
		return func() {}
	}
	s.w.gate.Lock()
	return s.w.gate.Unlock
}
