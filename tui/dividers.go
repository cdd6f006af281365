package tui

// Restarts are places: microsandbox writes "--- sandbox started ---" when
// a guest's agent reports ready and "--- sandbox stopped ---" when it
// stops, as system records in exec.log. The viewer draws each as a divider
// across the view, whatever sources, solo or filter are on, labelled with
// its time and the run's number, and { and } jump between them.

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/text/lifecycle"
)

// divider is one restart line held.
type divider struct {
	seq     uint64
	started bool
	// run numbers the runs from the oldest "started" record read: 0 when
	// not known (a "stopped" with no "started" before it in the history).
	run uint32
}

// lifecycleOf reports whether l is a lifecycle record, and which.
func lifecycleOf(l *line) (isDivider, started bool) {
	if l == nil || l.source != engine.System || l.mark != engine.MarkNone || l.file > fileExec {
		return false, false
	}
	switch lifecycle.Detect(l.plain) {
	case lifecycle.Started:
		return true, true
	case lifecycle.Stopped:
		return true, false
	}
	return false, false
}

// noteDivider records line seq when it is a lifecycle record, numbering
// its run.
func (m *Model) noteDivider(seq uint64, l *line) {
	is, started := lifecycleOf(l)
	if !is {
		return
	}
	t := &m.tl
	t.trimDividers(m.vp.First())
	if started {
		t.runs++
	}
	t.dividers = append(t.dividers, divider{seq: seq, started: started, run: t.runs})
}

// trimDividers forgets the dividers evicted from the buffer.
func (t *timeline) trimDividers(first uint64) {
	k := 0
	for k < len(t.dividers) && t.dividers[k].seq < first {
		k++
	}
	if k > 0 {
		t.dividers = append(t.dividers[:0], t.dividers[k:]...)
	}
}

// dividerOf returns the divider of line seq.
func (m *Model) dividerOf(seq uint64) (divider, bool) {
	d := m.tl.dividers
	lo, hi := 0, len(d)
	for lo < hi {
		mid := (lo + hi) / 2
		if d[mid].seq < seq {
			lo = mid + 1
		} else {
			hi = mid
		}
	}
	if lo < len(d) && d[lo].seq == seq {
		return d[lo], true
	}
	return divider{}, false
}

// dividerLabel is the words of a divider: what happened, when, which run.
func (m *Model) dividerLabel(seq uint64, l *line) string {
	d, _ := m.dividerOf(seq)
	what := "sandbox stopped"
	if d.started {
		what = "sandbox started"
	}
	label := what + " · " + m.inZone(l.time()).Format(fullTimeLayout)
	if d.run > 0 {
		label += fmt.Sprintf(" · run %d", d.run)
	}
	return label
}

// dividerRows draws a restart as one row across the pane:
// "▌── sandbox started · 2026-04-30 22:32:59.688 CEST · run 3 ─────".
func (m *Model) dividerRows(seq uint64, l *line, selected bool) []string {
	gutter := " "
	if selected {
		gutter = m.styles.Gutter.Render("▌")
	}
	if mk := m.markGlyph(l); mk != "" {
		gutter = mk
	}
	label := " " + m.dividerLabel(seq, l) + " "
	room := m.width - 1
	lead := min(2, max(room-ansi.StringWidth(label), 0))
	text := strings.Repeat("─", lead) + label
	if w := ansi.StringWidth(text); w < room {
		text += strings.Repeat("─", room-w)
	}
	text = ansi.Truncate(text, max(room, 0), "")
	st := m.styles.Mark
	if selected {
		st = m.styles.Selected
	}
	return []string{gutter + st.Render(text) + reset}
}

// jumpDivider selects the restart above (dir -1) or below (dir 1) the
// selected line.
func (m *Model) jumpDivider(dir int) {
	m.tl.trimDividers(m.vp.First())
	sel := m.vp.Selected()
	if m.vp.Following() {
		if last, ok := m.vp.LastVisible(); ok {
			sel = last
		}
	}
	d := m.tl.dividers
	if dir < 0 {
		for k := len(d) - 1; k >= 0; k-- {
			if d[k].seq < sel {
				m.vp.Goto(d[k].seq)
				return
			}
		}
		m.setStatus("no restart above: the history held starts after it", false)
		return
	}
	for k := range d {
		if d[k].seq > sel {
			m.vp.Goto(d[k].seq)
			return
		}
	}
	m.setStatus("no restart below", false)
}
