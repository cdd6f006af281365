package tui

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/theme"
	"sandtail/tui/keytest"
)

// fakeBackend is a scripted engine: a fixed log for snapshots and streams
// the test feeds by hand.
type fakeBackend struct {
	mu      sync.Mutex
	log     []engine.Entry // what is "on disk" for snapshots
	boot    *engine.BootError
	snapErr error
	snaps   []engine.Options // every snapshot asked for
	// holdFull, when set, keeps every snapshot larger than the fast one
	// waiting until it is closed: a test can act while only the fast
	// snapshot is on screen.
	holdFull chan struct{}
	held     atomic.Int64 // snapshots waiting on holdFull
	// waiting counts commands blocked in this backend's Snapshot or a
	// stream's Next, so the harness knows when everything else has
	// finished. It is per backend: a goroutine of an earlier test still
	// leaving a Next it was cancelled in must not count for this one.
	waiting atomic.Int64
	opens   []engine.Options // every stream opened
	streams []*fakeStream
}

func (b *fakeBackend) Snapshot(ctx context.Context, dir string, opts engine.Options) (*engine.Snapshot, error) {
	if hold := b.holdFull; hold != nil && opts.Tail != fastTail {
		// Counted as waiting until releaseFull takes the count back, so
		// settle cannot return between the release and the result.
		b.held.Add(1)
		b.waiting.Add(1)
		select {
		case <-hold:
		case <-ctx.Done():
			b.waiting.Add(-b.held.Swap(0))
		}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.snaps = append(b.snaps, opts)
	if b.snapErr != nil {
		return nil, b.snapErr
	}
	entries := b.log
	if opts.Tail > 0 && len(entries) > opts.Tail {
		entries = entries[len(entries)-opts.Tail:]
	}
	snap := &engine.Snapshot{Entries: append([]engine.Entry(nil), entries...)}
	if opts.Tail == fastTail && opts.Sources != engine.AllSources {
		// As in the engine, a read of fewer sources makes cursors of
		// fewer files: the first screenful's lines have other cursors
		// than the same lines in the whole buffer.
		for i := range snap.Entries {
			if c := snap.Entries[i].Cursor; c.Len() > 1 {
				snap.Entries[i].Cursor = engine.NewCursor(c.At(0))
			}
		}
	}
	if n := len(b.log); n > 0 {
		snap.End = b.log[n-1].Cursor
	}
	return snap, nil
}

func (b *fakeBackend) Open(ctx context.Context, dir string, opts engine.Options) (entryStream, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.opens = append(b.opens, opts)
	s := &fakeStream{ch: make(chan fakeBatch, 16), waiting: &b.waiting}
	b.streams = append(b.streams, s)
	return s, nil
}

// SnapshotFollow is Snapshot, then Open at its end cursor, both recorded.
func (b *fakeBackend) SnapshotFollow(ctx context.Context, dir string, opts engine.Options) (*engine.Snapshot, entryStream, error) {
	snap, err := b.Snapshot(ctx, dir, opts)
	if err != nil {
		return nil, nil, err
	}
	fopts := opts
	fopts.Start, fopts.Tail, fopts.Follow = engine.FromCursor(snap.End), 0, true
	s, err := b.Open(ctx, dir, fopts)
	return snap, s, err
}

func (b *fakeBackend) BootError(dir string) (*engine.BootError, error) { return b.boot, nil }

// releaseFull lets the held snapshots go and waits for their results.
func (h *harness) releaseFull() {
	h.b.waiting.Add(-h.b.held.Swap(0))
	close(h.b.holdFull)
	h.settle()
}

// stream returns the i-th opened stream.
func (b *fakeBackend) stream(t *testing.T, i int) *fakeStream {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	if i >= len(b.streams) {
		t.Fatalf("stream %d was never opened (%d opened)", i, len(b.streams))
	}
	return b.streams[i]
}

type fakeBatch struct {
	entries []engine.Entry
	err     error
}

// fakeStream hands out what the test sends on ch.
type fakeStream struct {
	ch      chan fakeBatch
	mu      sync.Mutex
	closed  bool
	skipped int64
	waiting *atomic.Int64 // the backend's count of blocked commands
	readers atomic.Int32  // commands blocked in this stream's Next
	unread  atomic.Int32  // batches sent and not yet taken by Next
	// resumes counts Resume calls; resumeErr is what they return.
	resumes   int
	resumeErr error
}

func (s *fakeStream) Next(ctx context.Context, max int) ([]engine.Entry, error) {
	s.waiting.Add(1)
	s.readers.Add(1)
	// Blocked no more: waiting first, so the harness sees a running
	// command before the batch stops counting as unread.
	unblock := func() {
		s.waiting.Add(-1)
		s.readers.Add(-1)
	}
	select {
	case b := <-s.ch:
		unblock()
		s.unread.Add(-1)
		return b.entries, b.err
	case <-ctx.Done():
		unblock()
		return nil, ctx.Err()
	}
}

// put hands b to the stream's next Next, counted as unread until taken.
func (s *fakeStream) put(b fakeBatch) {
	s.unread.Add(1)
	s.ch <- b
}

func (s *fakeStream) Skipped() int64 { return s.skipped }

func (s *fakeStream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return nil
}

func (s *fakeStream) Resume() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resumes++
	return s.resumeErr
}

func (s *fakeStream) resumed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.resumes
}

func (s *fakeStream) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// harness runs a model the way the program does: commands run in their
// own goroutines and their messages come back through Update, but the test
// decides when to wait for them.
type harness struct {
	inflight atomic.Int64 // commands started and not yet returned
	t        *testing.T
	m        *Model
	b        *fakeBackend
	results  chan tea.Msg
	cancel   context.CancelFunc
	// clipboard is the text of the last OSC 52 copy the model asked for.
	clipboard string
}

// newHarness builds a model over a fake backend with the NoColor theme and
// an 80×24 screen, and runs its start-up until it waits for the stream.
func newHarness(t *testing.T, cfg Config, b *fakeBackend) *harness {
	t.Helper()
	if cfg.Name == "" && cfg.Dir == "" && cfg.Home == "" {
		cfg.Name, cfg.Dir = "devbox", "/logs/devbox"
	}
	if cfg.StateDir == "" {
		cfg.StateDir = t.TempDir() // marks never reach the user's state directory
	}
	ctx, cancel := context.WithCancel(context.Background())
	st := theme.NoColor()
	m := newModel(ctx, cfg, options{backend: b, styles: &st})
	h := &harness{t: t, m: m, b: b, results: make(chan tea.Msg, 64), cancel: cancel}
	t.Cleanup(func() { m.shutdown(); cancel() })
	h.update(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.do(m.Init())
	h.settle()
	return h
}

// do runs cmd in the background, like the program would.
func (h *harness) do(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	h.inflight.Add(1)
	go func() {
		// Delivered before it stops counting as in flight, so that
		// settle never sees neither.
		h.results <- cmd()
		h.inflight.Add(-1)
	}()
}

// update gives msg to the model and runs the command it returns.
func (h *harness) update(msg tea.Msg) {
	_, cmd := h.m.Update(msg)
	h.do(cmd)
}

// settle delivers command results until every command still running is
// blocked in a stream's Next, waiting for the test to feed it.
func (h *harness) settle() {
	if h.b == nil {
		// Over the real engine nothing waits for the test: take what
		// is ready; until waits for the rest.
		h.drainReady()
		return
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		select {
		case msg := <-h.results:
			switch msg := msg.(type) {
			case nil:
			case tea.BatchMsg:
				for _, c := range msg {
					h.do(c)
				}
			default:
				switch fmt.Sprintf("%T", msg) {
				case "tea.backgroundColorMsg":
					continue
				case "tea.setClipboardMsg":
					h.clipboard = fmt.Sprint(msg)
					continue
				}
				h.update(msg)
			}
		case <-time.After(2 * time.Millisecond):
			if h.inflight.Load() <= h.b.waiting.Load() && len(h.results) == 0 && !h.b.batchUntaken() {
				return
			}
			if time.Now().After(deadline) {
				h.t.Fatalf("commands still running after 10s")
			}
		}
	}
}

// batchUntaken reports whether a batch was sent to a stream that a command
// is blocked reading: that command is waking, though it still counts as
// waiting, so the harness is not idle yet.
func (b *fakeBackend) batchUntaken() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, s := range b.streams {
		if s.unread.Load() > 0 && s.readers.Load() > 0 {
			return true
		}
	}
	return false
}

// send feeds a batch to stream i and lets the model take it.
func (h *harness) send(i int, entries ...engine.Entry) {
	h.b.stream(h.t, i).put(fakeBatch{entries: entries})
	h.settle()
}

// fail ends stream i with err.
func (h *harness) fail(i int, err error) {
	h.b.stream(h.t, i).put(fakeBatch{err: err})
	h.settle()
}

// key presses a key given as msg.String() would spell it.
func (h *harness) key(keys ...string) {
	for _, k := range keys {
		h.press(keytest.Press(k))
	}
}

// press gives a key press to the model, waiting for its command only when
// it returned one.
func (h *harness) press(msg tea.KeyPressMsg) {
	_, cmd := h.m.Update(msg)
	if cmd != nil {
		h.do(cmd)
		h.settle()
	}
}

// typeText types s into whatever has focus, one key per character.
func (h *harness) typeText(s string) {
	for _, r := range s {
		h.press(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

// t0 is the time of the first test entry.
var t0 = time.Date(2026, 4, 30, 20, 32, 59, 0, time.UTC)

// offset numbers test entries so each has its own cursor.
var offset uint64

// ent builds an exec.log entry with its own cursor.
func ent(src engine.Source, session uint64, data string) engine.Entry {
	offset += uint64(len(data)) + 40
	e := engine.Entry{
		Time: t0.Add(time.Duration(offset) * time.Millisecond), Source: src,
		Data: []byte(data), File: "exec.log",
		Cursor: engine.NewCursor(engine.Position{Inode: 7, Offset: offset}, engine.Position{}, engine.Position{}),
	}
	if src != engine.System {
		e.Session, e.HasSession = session, true
	}
	return e
}

// outLines builds n stdout lines "line 0" … of session 1.
func outLines(from, n int) []engine.Entry {
	var out []engine.Entry
	for i := from; i < from+n; i++ {
		out = append(out, ent(engine.Stdout, 1, fmt.Sprintf("line %d\n", i)))
	}
	return out
}

// tea_WindowSize is a resize message.
func tea_WindowSize(w, h int) tea.WindowSizeMsg { return tea.WindowSizeMsg{Width: w, Height: h} }
