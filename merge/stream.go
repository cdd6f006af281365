package merge

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"sandtail/engine"
)

// Incident is something that happened to one sandbox of a follow without
// ending the others.
type Incident struct {
	Origin uint16
	// Missed is set when the sandbox fell behind its log rotation; its
	// stream went on past the gap (engine.Stream.Resume), which is marked.
	Missed *engine.MissedRotationError
	// Err is set when the sandbox's stream ended (its directory was
	// removed, a read failed); the others go on.
	Err error
}

// maxIncidents bounds the incidents a stream remembers; past it they are
// counted only (see Stream.Incidents).
const maxIncidents = 1024

// memberQueue is how many batches the members may have waiting for Next:
// enough that a burst in one sandbox does not hold up the others' reads
// for long, few enough to bound what is held.
const memberQueue = 16

// memberBatchMax is the most entries one member reads at a time. Besides the
// queue, every member may hold one batch it is waiting to queue, so what a
// burst in all of 200 sandboxes can hold is 200 of them: a quarter of the
// engine's default batch keeps that near 200k entries, while one Next of
// the merged stream still gathers a full batch from several members.
const memberBatchMax = engine.DefaultBatch / 4

// Stream follows every sandbox of a set at once. Each sandbox is read by
// its own engine stream in its own goroutine; Next hands over what all of
// them have, merged by time. A sandbox's entries are never reordered
// among themselves. Use it from one goroutine at a time, as an
// engine.Stream.
type Stream struct {
	set    *Set
	opts   engine.Options
	hub    *engine.WatchHub
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	batches chan memberBatch
	live    atomic.Int64  // members (and the discoverer) still running
	allDone chan struct{} // closed when live reaches 0

	mu        sync.Mutex // guards members, incidents, dropped, closed
	members   []*member
	incidents []Incident
	dropped   int // incidents past maxIncidents
	closed    bool

	pending []memberBatch // received, not yet handed over (Next only)
}

// member is one sandbox's engine stream.
type member struct {
	origin uint16
	s      *engine.Stream
}

// memberBatch is what one member read in one Next.
type memberBatch struct {
	origin uint16
	es     []engine.Entry
}

// SnapshotFollow reads every sandbox's snapshot, merged as ReadSnapshot
// does, and returns with it a stream that goes on in each sandbox exactly
// at its snapshot's end (engine.ReadSnapshotFollow). opts.Follow set, the
// stream follows; with home not empty it also follows sandboxes created
// under home from now on, from their beginning. A sandbox that cannot be
// read is in the snapshot's Failed; the call fails only when none can be
// read and there is no home to watch.
func SnapshotFollow(ctx context.Context, set *Set, opts engine.Options, home string) (*Snapshot, *Stream, error) {
	s := newStream(ctx, set, opts)
	sopts := s.opts
	snap, err := readSnapshots(ctx, set.All(), sopts, func(origin uint16, sb Sandbox, o engine.Options) (*engine.Snapshot, error) {
		es, st, err := engine.ReadSnapshotFollow(s.ctx, sb.Dir, o)
		if err != nil {
			return nil, err
		}
		s.members = append(s.members, &member{origin: origin, s: st})
		return es, nil
	})
	if err == nil && len(s.members) == 0 && home == "" && set.Len() > 0 {
		err = snap.Failed[0].Err
	}
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	s.start(home)
	return snap, s, nil
}

// Open opens every sandbox at opts.Start without a snapshot, as
// engine.Open; the failures are returned beside the stream.
func Open(ctx context.Context, set *Set, opts engine.Options, home string) (*Stream, []Failure, error) {
	s := newStream(ctx, set, opts)
	var failed []Failure
	for i, sb := range set.All() {
		st, err := engine.Open(s.ctx, sb.Dir, s.opts)
		if err != nil {
			failed = append(failed, Failure{Origin: uint16(i), Err: fmt.Errorf("%s: %w", sb.Name, err)})
			continue
		}
		s.members = append(s.members, &member{origin: uint16(i), s: st})
	}
	if len(s.members) == 0 && home == "" && len(failed) > 0 {
		s.Close()
		return nil, nil, failed[0].Err
	}
	s.start(home)
	return s, failed, nil
}

func newStream(ctx context.Context, set *Set, opts engine.Options) *Stream {
	s := &Stream{set: set, opts: opts, batches: make(chan memberBatch, memberQueue), allDone: make(chan struct{})}
	s.ctx, s.cancel = context.WithCancel(ctx)
	if opts.Follow {
		// One inotify instance for all of them; the holder process
		// would take one per sandbox, so it is not started.
		s.hub = engine.NewWatchHub()
		s.opts.Watch, s.opts.Holder = s.hub, false
	}
	return s
}

// start launches a goroutine per member, and the discoverer with a home.
func (s *Stream) start(home string) {
	n := len(s.members)
	if home != "" && s.opts.Follow {
		n++
	}
	s.live.Store(int64(n))
	if n == 0 {
		close(s.allDone)
		return
	}
	for _, m := range s.members {
		s.wg.Add(1)
		go s.run(m)
	}
	if home != "" && s.opts.Follow {
		s.wg.Add(1)
		go s.discover(home)
	}
}

// done counts a member (or the discoverer) out.
func (s *Stream) done() {
	if s.live.Add(-1) == 0 {
		close(s.allDone)
	}
}

// run reads one member until its stream ends. A missed rotation is noted
// and read past (the gap is marked), so one sandbox falling behind does
// not end it, nor the others.
func (s *Stream) run(m *member) {
	defer s.wg.Done()
	defer s.done()
	for {
		es, err := m.s.Next(s.ctx, memberBatchMax)
		for i := range es {
			es[i].Origin = m.origin
		}
		var mr *engine.MissedRotationError
		switch {
		case err == nil:
		case errors.As(err, &mr):
			s.note(Incident{Origin: m.origin, Missed: mr})
			es = append(es, s.notice(m.origin, mr.File, mr.Last,
				fmt.Sprintf("%v; reading goes on after the gap", mr)))
			if rerr := m.s.Resume(); rerr != nil {
				err = rerr
			} else {
				err = nil
			}
		case errors.Is(err, io.EOF), s.ctx.Err() != nil, errors.Is(err, engine.ErrClosed):
		default:
			s.note(Incident{Origin: m.origin, Err: err})
			es = append(es, s.notice(m.origin, "", engine.Cursor{}, fmt.Sprintf("stopped: %v", err)))
		}
		if len(es) > 0 && !s.send(memberBatch{origin: m.origin, es: es}) {
			return
		}
		if err != nil {
			return
		}
	}
}

// send queues a batch for Next, unless the stream is closing.
func (s *Stream) send(b memberBatch) bool {
	select {
	case s.batches <- b:
		return true
	case <-s.ctx.Done():
		return false
	}
}

// notice makes a MarkNotice entry of a sandbox's own (its cursor is that
// sandbox's, when known).
func (s *Stream) notice(origin uint16, file string, cur engine.Cursor, text string) engine.Entry {
	return engine.Entry{Time: time.Now().UTC(), Source: engine.System, Mark: engine.MarkNotice,
		File: file, Origin: origin, Cursor: cur, Data: []byte(text)}
}

// note records an incident.
func (s *Stream) note(in Incident) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.incidents) < maxIncidents {
		s.incidents = append(s.incidents, in)
	} else {
		s.dropped++
	}
}

// Incidents returns the incidents so far, and how many more were counted
// but not kept.
func (s *Stream) Incidents() ([]Incident, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Incident(nil), s.incidents...), s.dropped
}

// Next blocks until some sandbox has entries (or ctx is done), then
// returns what all of them have now, merged by time: max entries, or up
// to one member's batch more (a sandbox's batch is not split). It returns io.EOF
// once every sandbox's stream has ended (a bounded read, or Until), and
// engine.ErrClosed after Close.
func (s *Stream) Next(ctx context.Context, max int) ([]engine.Entry, error) {
	if max <= 0 {
		max = engine.DefaultBatch
	}
	n := 0
	for _, b := range s.pending {
		n += len(b.es)
	}
	if n == 0 {
		select {
		case b := <-s.batches:
			s.pending = append(s.pending, b)
			n += len(b.es)
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-s.ctx.Done():
			return nil, engine.ErrClosed
		case <-s.allDone:
		}
	}
	for n < max {
		select {
		case b := <-s.batches:
			s.pending = append(s.pending, b)
			n += len(b.es)
			continue
		default:
		}
		break
	}
	if n == 0 {
		return nil, io.EOF // allDone, and nothing queued
	}
	out := mergeBatches(s.pending)
	clear(s.pending)
	s.pending = s.pending[:0]
	return out, nil
}

// mergeBatches merges batches by time, each sandbox's batches joined
// first in the order they came, so that its entries keep their order.
func mergeBatches(bs []memberBatch) []engine.Entry {
	if len(bs) == 1 {
		return bs[0].es
	}
	var runs [][]engine.Entry
	at := map[uint16]int{}
	for _, b := range bs {
		if i, ok := at[b.origin]; ok {
			runs[i] = append(runs[i], b.es...)
			continue
		}
		at[b.origin] = len(runs)
		runs = append(runs, b.es)
	}
	if len(runs) == 1 {
		return runs[0]
	}
	return mergeTail(runs, 0)
}

// Skipped counts malformed records passed over so far in every sandbox.
func (s *Stream) Skipped() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, m := range s.members {
		n += m.s.Skipped()
	}
	return n
}

// Resume is there for the viewer's interface: a merged stream never stops
// at a missed rotation, each sandbox goes on past its gap by itself.
func (s *Stream) Resume() error {
	return errors.New("merge: nothing to resume: each sandbox goes on past its own gaps")
}

// Close stops every member and the shared watcher, and waits for them.
func (s *Stream) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	s.cancel()
	members := append([]*member(nil), s.members...)
	s.mu.Unlock()
	for _, m := range members {
		m.s.Close()
	}
	s.wg.Wait()
	if s.hub != nil {
		s.hub.Close()
	}
	return nil
}

// addMember starts reading a sandbox that joined while the stream runs.
func (s *Stream) addMember(origin uint16, st *engine.Stream) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	m := &member{origin: origin, s: st}
	s.members = append(s.members, m)
	s.live.Add(1)
	s.wg.Add(1)
	go s.run(m)
	return true
}
