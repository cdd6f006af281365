package tui

import (
	"context"
	"errors"
	"io"
	"runtime/debug"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/settings"
)

// batchMax is the most entries one message carries. Big enough that a
// burst of output costs a handful of messages rather than one per entry,
// small enough that one Update stays well under a frame.
const batchMax = settings.Batch

// batchInterval is the pause before asking for more after a batch that
// did not fill up. Entries arriving one by one would otherwise cost one
// message and one frame each; waiting about a frame (60 fps) lets them
// gather into one batch, and a full batch is followed at once, so a burst
// is never slowed. The engine keeps reading into its own buffers (and
// holds its files open) meanwhile, so nothing is lost by waiting.
const batchInterval = 16 * time.Millisecond

// fastTail is how many entries the first, quick snapshot reads: about a
// screenful, so the first paint is immediate even with a large log.
const fastTail = 300

// phase is a step of starting a stream generation.
type phase uint8

const (
	phaseFast phase = iota // a screenful, for the first paint
	phaseFull              // the whole buffer's worth
)

// snapshotMsg delivers a snapshot read for stream generation gen.
type snapshotMsg struct {
	gen   int
	phase phase
	snap  *engine.Snapshot
	// stream continues exactly at snap.End (full snapshots only).
	stream entryStream
	// win, when set, says where snap's entries sit in the History the
	// stream appends to (window.go), and ords are their ordinals.
	win  *window
	ords []int
	err  error
}

// openedMsg delivers a stream opened for generation gen.
type openedMsg struct {
	gen    int
	stream entryStream
	err    error
}

// batchMsg delivers one batch of entries (or the error that ended the
// stream) from generation gen. stream is carried so a stale message can
// still close its stream.
type batchMsg struct {
	gen     int
	stream  *guardedStream
	entries []engine.Entry
	skipped int64
	err     error
}

// bootErrorMsg delivers boot-error.json's content, read once at start.
type bootErrorMsg struct {
	boot *engine.BootError
	err  error
}

// generation is one run of the engine: the snapshots and the stream that
// follows them. A restart (the missed-rotation dialog) starts a new one and
// cancels the old one, whose late messages are then dropped by number.
type generation struct {
	id     int
	ctx    context.Context
	cancel context.CancelFunc
	stream *guardedStream // nil until opened
	// stopped is set while the stream is stopped at a missed rotation:
	// kept open, with no read pending, for the dialog's Resume.
	stopped bool
}

// stopWait bounds how long quitting waits for the stream to close: the
// read in flight returns promptly once its context is cancelled, but a
// stuck filesystem must not keep the terminal from being given back.
const stopWait = 2 * time.Second

// stop cancels the generation and closes its stream, waiting (at most
// stopWait) for a read in flight to return first.
func (g *generation) stop() {
	g.cancel()
	if g.stream == nil {
		return
	}
	done := make(chan struct{})
	go func() {
		g.stream.close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(stopWait):
	}
}

// guardedStream lets the model close a stream that a command may be
// reading: a stream is used by one goroutine at a time, so Close waits for
// Next, and closing twice is harmless.
type guardedStream struct {
	mu     sync.Mutex
	s      entryStream
	closed bool
}

func (g *guardedStream) next(ctx context.Context) ([]engine.Entry, int64, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return nil, 0, context.Canceled
	}
	entries, err := g.s.Next(ctx, batchMax)
	return entries, g.s.Skipped(), err
}

// resume goes on past a missed rotation; the stream stopped, so no read is
// in flight.
func (g *guardedStream) resume() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return context.Canceled
	}
	return g.s.Resume()
}

func (g *guardedStream) close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.closed {
		g.closed = true
		g.s.Close()
	}
}

// historyCmd opens the History of a local sandbox and its follow stream
// in the background, and reads the window of size entries of the sources
// shown at its end, or at its start when fromStart is set (a cursor
// start).
func historyCmd(hb historyBackend, g *generation, dir string, opts engine.Options, size int, fromStart bool, shown engine.Sources) tea.Cmd {
	ctx, id := g.ctx, g.id
	opts.Follow = true
	return func() tea.Msg {
		h, s, err := hb.History(ctx, dir, opts)
		if err != nil {
			return snapshotMsg{gen: id, phase: phaseFull, err: err}
		}
		lo, anchor := h.Len()-size, h.Len()
		if fromStart {
			lo, anchor = 0, 0
		}
		w, es, ords, err := readWindow(h, lo, size, anchor, shown)
		if err == nil {
			err = ctx.Err() // replaced while reading: nobody will read this stream
		}
		if err != nil {
			s.Close()
			h.Close()
			return snapshotMsg{gen: id, phase: phaseFull, err: err}
		}
		// Building the index left its working lists behind: give their
		// memory back soon rather than whenever the collector gets to
		// it, but after the window is on its way.
		go debug.FreeOSMemory()
		snap := &engine.Snapshot{Entries: es, End: h.End(), Skipped: h.Skipped()}
		return snapshotMsg{gen: id, phase: phaseFull, snap: snap, stream: s, win: w, ords: ords}
	}
}

// snapshotCmd reads a snapshot in the background.
func snapshotCmd(b backend, g *generation, dir string, opts engine.Options, ph phase) tea.Cmd {
	ctx, id := g.ctx, g.id
	if ph == phaseFull {
		// The full snapshot hands over to the follow stream without a gap.
		opts.Follow = true
		return func() tea.Msg {
			snap, s, err := b.SnapshotFollow(ctx, dir, opts)
			if err == nil && ctx.Err() != nil {
				// Replaced while reading: nobody will read this stream.
				s.Close()
				return snapshotMsg{gen: id, phase: ph, err: ctx.Err()}
			}
			return snapshotMsg{gen: id, phase: ph, snap: snap, stream: s, err: err}
		}
	}
	return func() tea.Msg {
		snap, err := b.Snapshot(ctx, dir, opts)
		return snapshotMsg{gen: id, phase: ph, snap: snap, err: err}
	}
}

// openCmd opens a stream in the background.
func openCmd(b backend, g *generation, dir string, opts engine.Options) tea.Cmd {
	ctx, id := g.ctx, g.id
	return func() tea.Msg {
		s, err := b.Open(ctx, dir, opts)
		if err == nil && ctx.Err() != nil {
			// Replaced while opening: nobody will read this stream.
			s.Close()
			return openedMsg{gen: id, err: ctx.Err()}
		}
		return openedMsg{gen: id, stream: s, err: err}
	}
}

// nextCmd waits for the stream's next batch. It blocks in the command's
// goroutine, never in Update, and the model re-arms it after each batch,
// so the engine reads at its own pace while the screen draws at its own.
// When the generation is cancelled the command closes the stream itself.
func nextCmd(g *generation, delay time.Duration) tea.Cmd {
	ctx, id, s := g.ctx, g.id, g.stream
	return func() tea.Msg {
		if delay > 0 {
			t := time.NewTimer(delay)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
		entries, skipped, err := s.next(ctx)
		if ctx.Err() != nil {
			s.close()
			return batchMsg{gen: id, err: ctx.Err()}
		}
		return batchMsg{gen: id, stream: s, entries: entries, skipped: skipped, err: err}
	}
}

// closeCmd closes a stream off the Update goroutine.
func closeCmd(s *guardedStream) tea.Cmd {
	if s == nil {
		return nil
	}
	return func() tea.Msg {
		s.close()
		return nil
	}
}

// bootErrorCmd reads boot-error.json in the background.
func bootErrorCmd(b backend, dir string) tea.Cmd {
	return func() tea.Msg {
		boot, err := b.BootError(dir)
		return bootErrorMsg{boot: boot, err: err}
	}
}

// isEnd reports whether err is the normal end of a bounded read.
func isEnd(err error) bool { return errors.Is(err, io.EOF) }
