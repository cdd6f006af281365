package tui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/text/sanitize"
	"sandtail/tui/dialog"
)

// startMode says how a generation begins.
type startMode uint8

const (
	// startInitial reads a screenful first for an immediate first paint,
	// replaces it with a whole buffer's worth, then follows.
	startInitial startMode = iota
	// startSnapshot appends a whole buffer's worth after what is held,
	// then follows (reload from the beginning).
	startSnapshot
	// startStream opens a follow stream at the start directly (resume,
	// jump to now).
	startStream
)

// startGeneration cancels the running generation, if any, and starts a new
// one at start. Each snapshot's end cursor is where the next step reads
// from, so nothing is lost or repeated between the steps.
func (m *Model) startGeneration(start engine.Start, mode startMode) tea.Cmd {
	m.genSeq++
	id := m.genSeq
	var closeOld tea.Cmd
	if g := m.gen; g != nil {
		// The old generation's pending command sees the cancellation and
		// closes its stream; its late messages are dropped by number. A
		// stream that stopped at a missed rotation has no command pending:
		// close it here.
		g.cancel()
		closeOld = closeCmd(g.stream)
		m.skippedBase += m.skippedLive
		m.skippedLive = 0
	}
	m.closeWindow()
	ctx, cancel := context.WithCancel(m.ctx)
	m.gen = &generation{id: id, ctx: ctx, cancel: cancel}
	m.snapStart = start
	m.streamErr = ""
	if mode == startInitial && m.vp.Len() == 0 {
		m.state = stateLoading
	} else {
		m.state = stateLive
	}
	switch {
	case m.isLiveOnly():
		// No history to snapshot: the stream is all there is. A cursor
		// start selects the first line after it, as a snapshot would.
		m.atCursor = mode == startInitial && opensAtCursor(start)
		if mode == startInitial && !m.atCursor {
			m.setStatus(liveNote, false)
		}
		return tea.Batch(closeOld, openCmd(m.backend, m.gen, m.cfg.Dir, m.streamOptions(start)))
	case mode == startStream || start.Kind == engine.StartEnd:
		return tea.Batch(closeOld, openCmd(m.backend, m.gen, m.cfg.Dir, m.streamOptions(start)))
	case mode == startInitial && opensAtCursor(start):
		// Everything after the cursor, in one snapshot: the line it names
		// comes first, and a tail would cut it off.
		m.atCursor = true
		if hb, ok := m.backend.(historyBackend); ok && m.multi == nil {
			return tea.Batch(closeOld, historyCmd(hb, m.gen, m.cfg.Dir, m.snapshotOptions(start, 0), firstWindow(m.cfg.Buffer), true, m.show))
		}
		return tea.Batch(closeOld, snapshotCmd(m.backend, m.gen, m.cfg.Dir, m.snapshotOptions(start, 0), phaseFull))
	case mode == startSnapshot, m.multi != nil:
		// Several sandboxes: a screenful costs reading every file
		// whole, as the full snapshot does, so it would only read them
		// twice.
		return tea.Batch(closeOld, snapshotCmd(m.backend, m.gen, m.cfg.Dir, m.bufferOptions(start), phaseFull))
	default:
		// The fast snapshot only paints the first screen, and its end
		// cursor is never used, so it reads just the sources shown: a
		// screenful of hidden system lines would paint an empty screen.
		fast := m.snapshotOptions(start, min(fastTail, m.cfg.Buffer))
		if m.show&m.readSources != 0 {
			fast.Sources = m.show & m.readSources
		}
		m.fastSources = fast.Sources
		// The History is read after it, not beside it: on two cores its
		// indexing slowed the first screen by a third (measured).
		return tea.Batch(closeOld, snapshotCmd(m.backend, m.gen, m.cfg.Dir, fast, phaseFast))
	}
}

// snapshotOptions are the options of a snapshot of the last tail entries.
func (m *Model) snapshotOptions(start engine.Start, tail int) engine.Options {
	// The follow a full snapshot or the History hands over to takes the
	// stream's settings with it: the holder's and the disk budget.
	return engine.Options{Sources: m.readSources, Start: start, Until: m.cfg.Until, Tail: tail,
		Holder: m.cfg.Holder, HolderRealtime: m.cfg.HolderRealtime, HoldBudget: m.cfg.HoldBudget}
}

// bufferOptions are the options of a snapshot that fills the buffer
// (where there is no History: several sandboxes): the last --buffer
// entries, and no more bytes from the end than half what the buffer may
// hold (held.go): a line held costs more than its bytes in the file
// (fields, sanitised text), and 20,000 records of 150 bytes still fit.
func (m *Model) bufferOptions(start engine.Start) engine.Options {
	opts := m.snapshotOptions(start, m.cfg.Buffer)
	opts.TailBytes = maxHeldBytes / 2
	return opts
}

// streamOptions are the options of the follow stream.
func (m *Model) streamOptions(start engine.Start) engine.Options {
	return engine.Options{Sources: m.readSources, Start: start, Until: m.cfg.Until, Follow: true,
		Holder: m.cfg.Holder, HolderRealtime: m.cfg.HolderRealtime,
		HoldBudget: m.cfg.HoldBudget}
}

// current reports whether a message belongs to the running generation.
func (m *Model) current(gen int) bool { return m.gen != nil && gen == m.gen.id }

// onSnapshot handles a snapshot: the fast one is drawn at once and then
// replaced by the full one, after which the stream follows from the full
// snapshot's end cursor, so nothing is lost or repeated in between.
func (m *Model) onSnapshot(msg snapshotMsg) tea.Cmd {
	if !m.current(msg.gen) {
		if msg.win != nil {
			msg.win.h.Close()
		}
		if msg.stream != nil {
			return closeCmd(&guardedStream{s: msg.stream})
		}
		return nil
	}
	if msg.err != nil {
		return m.fail(msg.err)
	}
	snap := msg.snap
	m.openMarks()
	if msg.phase == phaseFast {
		m.ingest(snap.Entries)
		m.fastShown = true
		m.state = stateLive
		if len(snap.Entries) < fastTail && m.fastSources == m.readSources && m.multi == nil {
			// The fast snapshot already holds everything on disk, and its
			// end cursor fits the stream (same sources).
			return m.afterFullSnapshot(snap, nil)
		}
		full := m.bufferOptions(m.snapStart)
		if hb, ok := m.backend.(historyBackend); ok && m.multi == nil {
			// Everything on disk, as an index: the buffer holds the
			// newest of it and the rest is read again on demand.
			return historyCmd(hb, m.gen, m.cfg.Dir, full, firstWindow(m.cfg.Buffer), false, m.show)
		}
		return snapshotCmd(m.backend, m.gen, m.cfg.Dir, full, phaseFull)
	}
	replaced := m.fastShown
	if replaced {
		m.dropFastSnapshot()
	}
	if msg.win != nil {
		m.win = msg.win
		m.winOrds = msg.ords
		m.prevCursor = msg.win.prev
		m.timing.note("history")
	}
	if m.atCursor {
		m.ingestAtCursor(snap.Entries)
		return m.afterFullSnapshot(snap, msg.stream)
	}
	if m.win != nil {
		m.ingestWindow(snap.Entries)
		m.syncWindow()
	} else {
		m.ingest(snap.Entries)
	}
	m.findPendingSel()
	if replaced {
		// Line numbers changed: what refers to a line finds it again.
		m.relandAfterReplace()
		// The whole buffer is what was read, not lines that arrived
		// while the view was paused.
		m.vp.MarkRead()
	}
	return m.afterFullSnapshot(snap, msg.stream)
}

// afterFullSnapshot counts the snapshot's skipped records and follows from
// exactly its end: with the stream handed over with the snapshot, or one
// opened at its end cursor.
func (m *Model) afterFullSnapshot(snap *engine.Snapshot, s entryStream) tea.Cmd {
	m.fastShown = false
	m.skippedBase += snap.Skipped
	m.skippedLive = 0
	m.state = stateLive
	if s != nil {
		m.gen.stream = &guardedStream{s: s}
		if m.multi != nil {
			return tea.Batch(nextCmd(m.gen, 0), releaseLoadCmd)
		}
		return nextCmd(m.gen, 0)
	}
	return openCmd(m.backend, m.gen, m.cfg.Dir, m.streamOptions(engine.FromCursor(snap.End)))
}

// onOpened arms the first read of a new stream.
func (m *Model) onOpened(msg openedMsg) tea.Cmd {
	var gs *guardedStream
	if msg.stream != nil {
		gs = &guardedStream{s: msg.stream}
	}
	if !m.current(msg.gen) {
		return closeCmd(gs)
	}
	if msg.err != nil {
		return m.fail(msg.err)
	}
	m.gen.stream = gs
	m.state = stateLive
	return nextCmd(m.gen, 0)
}

// onBatch adds a batch and re-arms the read; an error ends the stream.
func (m *Model) onBatch(msg batchMsg) tea.Cmd {
	if !m.current(msg.gen) {
		// A replaced stream: its data must not mix with the new one.
		return closeCmd(msg.stream)
	}
	m.skippedLive = msg.skipped
	m.reconnecting = connState(msg.stream)
	switch {
	case len(msg.entries) > 0 && m.atCursor:
		m.ingestAtCursor(msg.entries)
	case len(msg.entries) > 0 && m.win != nil:
		m.windowLive(msg.entries)
		m.prune()
	case len(msg.entries) > 0:
		m.ingest(msg.entries)
	}
	if msg.err == nil {
		delay := batchInterval
		if len(msg.entries) >= batchMax {
			delay = 0 // a burst: keep up
		}
		return nextCmd(m.gen, delay)
	}
	cmd := closeCmd(msg.stream)
	var missed *engine.MissedRotationError
	switch {
	case isEnd(msg.err):
		m.state = stateEnded
		if m.isLiveOnly() && m.cfg.Until.IsZero() {
			m.setStatus("the stream ended: the cloud sent its end (the sandbox stopped)", false)
		}
	case errors.As(msg.err, &missed):
		m.state = stateError
		m.streamErr = "missed rotation: log data was lost"
		m.overlay.Open(dialog.NewRotation(missed, m.rotationKeys, m.dialogStyles))
		// Kept open for Resume, which goes on with the files it holds.
		m.gen.stopped = true
		return nil
	case errors.Is(msg.err, context.Canceled):
		// The program is quitting.
	default:
		return tea.Batch(cmd, m.fail(msg.err))
	}
	return cmd
}

// fail shows an error that stopped the stream; the buffer stays. Before
// anything was shown, an error the user must fix on the command line (no
// such sandbox, a cursor that does not fit) quits and Run returns it.
func (m *Model) fail(err error) tea.Cmd {
	if errors.Is(err, context.Canceled) {
		return nil
	}
	if m.gen.id == 1 && m.vp.Len() == 0 &&
		(errors.Is(err, engine.ErrNotFound) || errors.Is(err, engine.ErrInvalidCursor) || errors.Is(err, engine.ErrInvalidName) || isCloudRefusal(err)) {
		m.fatal = err
		return m.quit()
	}
	m.state = stateError
	m.streamErr = sanitize.Plain(fmt.Sprintf("stream stopped: %v", err))
	return nil
}

// onRestart applies a choice of the missed-rotation dialog: the stream
// restarts as a new generation and the buffer keeps what it had.
func (m *Model) onRestart(a dialog.ActionRestart) tea.Cmd {
	m.setStatus(a.Choice.String(), false)
	switch a.Choice {
	case dialog.ChoiceResume:
		// The engine inserts the gap line itself. The stopped stream goes
		// on past the gap with the files it still holds, and says what the
		// dialog said was lost; a new one from the last good cursor could
		// only start at the oldest file still on disk, losing more, and
		// could not know how much.
		if g := m.gen; g != nil && g.stopped && g.stream.resume() == nil {
			g.stopped = false
			m.state, m.streamErr = stateLive, ""
			return nextCmd(g, 0)
		}
		return m.startGeneration(a.Start, startStream)
	case dialog.ChoiceReload:
		m.addNote(engine.MarkRestart, "reloaded from the beginning: the lines below repeat what was read before")
		return m.startGeneration(a.Start, startSnapshot)
	default:
		m.addNote(engine.MarkGap, "jumped to now: lines written before this point were skipped")
		return m.startGeneration(a.Start, startStream)
	}
}

// dropFastSnapshot removes the fast snapshot's lines before the full
// snapshot, which holds them too, is added. The selection is carried over
// by cursor when the user already moved away from the bottom.
func (m *Model) dropFastSnapshot() {
	m.fastShown = false
	var keep *line
	if !m.vp.Following() {
		if l := m.vp.Line(m.vp.Selected()); l != nil {
			c := *l
			keep = &c
		}
	}
	m.clearLines()
	if m.multi != nil {
		m.multi.prev = nil
	}
	m.pendingSel = keep
}

// findPendingSel selects again, in the full snapshot, the line the user
// selected in the fast one; if it cannot be found the view follows.
func (m *Model) findPendingSel() {
	want := m.pendingSel
	m.pendingSel = nil
	if want == nil {
		return
	}
	if seq, ok := m.findLike(want); ok {
		m.vp.Goto(seq)
		m.vp.SetPaused(false)
		return
	}
	m.vp.Follow()
}
