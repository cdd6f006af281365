package tui

import (
	"fmt"

	"sandtail/engine"
)

// opensAtCursor reports whether a read starting at start opens at the line
// its cursor names: the viewer started with --from, typically by a partner
// running a command copied with Y.
func opensAtCursor(start engine.Start) bool {
	return start.Kind == engine.StartCursor || start.Kind == engine.StartLenient
}

// ingestAtCursor adds the first snapshot of a cursor start and selects the
// line the command asked for, with following off until the user goes to
// the newest line (G): the partner came to look at that line, not at the
// tail. The first entry read is the one just after the cursor, so its
// lines carry the cursor as their from, as they did in the viewer that
// copied it.
func (m *Model) ingestAtCursor(entries []engine.Entry) {
	m.atCursor = false
	m.vp.StartPaused()
	m.prevCursor = m.snapStart.Cursor
	base := m.vp.End()
	if m.win != nil {
		m.ingestWindow(entries)
	} else {
		m.ingest(entries)
	}
	m.vp.MarkRead()
	m.selectCursorLine(base)
}

// selectCursorLine selects the cfg.Line-th line from base, the first line
// read after the cursor, and says why when that is not possible.
func (m *Model) selectCursorLine(base uint64) {
	if base >= m.vp.End() {
		m.setStatus("nothing after the --from cursor yet: new lines will appear here (G follows them)", false)
		return
	}
	want := base + uint64(max(m.cfg.Line, 1)-1)
	switch first := m.vp.Line(base); {
	case first != nil && first.mark == engine.MarkGap:
		// A lenient start: the cursor's file rotated out of the logs,
		// and with it the line; the read goes on after the gap.
		want = base
		m.setStatus("the line of the --from cursor has rotated out of the logs: showing the oldest data kept, after the gap", true)
	case want < m.vp.First():
		want = m.vp.First()
		m.setStatus(fmt.Sprintf("the line of the --from cursor is no longer held: more than --buffer (%d) lines follow it; showing the oldest held", m.cfg.Buffer), true)
	case want >= m.vp.End():
		want = m.vp.End() - 1
	}
	l := m.vp.Line(want)
	if !m.isVisible(l) && m.readSources.Has(l.source) {
		// The partner's sources default to the usual set; the line they
		// were sent to is shown whatever its source.
		m.show = m.show.With(l.source)
		m.refilter()
	}
	if !m.isVisible(l) {
		m.vp.Reselect()
		return
	}
	m.vp.Goto(want)
}
