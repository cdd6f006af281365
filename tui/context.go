package tui

import (
	"fmt"
	"strings"

	"sandtail/engine"
)

// maxContext bounds the context lines around a match (+): more than a
// screenful either side shows nothing a filter is for.
const maxContext = 100

// contextState is what showing context around filter matches needs: the
// width of the context, and while lines are walked or arrive in order, the
// lines just before the next match that may still become its leading
// context.
type contextState struct {
	n int // context lines each side of a match; 0 shows matches alone
	// matches counts the shown lines that match the filter: the header's
	// count stays a count of matches, whatever context is shown.
	matches int

	recent []uint64 // the last ≤n hidden candidate lines, oldest first
	after  int      // lines of trailing context still due after a match
	// hidden says a candidate line was hidden since the last shown one:
	// the next group gets a divider.
	hidden   bool
	anyShown bool
	// cachedHits is set while the viewport walks the buffer right after
	// refilter: the filter's verdict is then the aidHit flag.
	cachedHits bool
}

// contextOn reports whether context lines are shown: a filter is on and
// the context is wider than zero.
func (m *Model) contextOn() bool { return m.filter != nil && m.around.n > 0 }

// filterHit reports whether l passes the filter itself (a match, or a
// non-match when the filter excludes).
func (m *Model) filterHit(l *line) bool {
	return m.filter == nil || m.filter.Match(l.plain) != m.filterInvert
}

// refilter works out again which lines are context and shows what passes
// the sources, solo, level and filter. It walks the whole buffer: once
// per change of one of those, never per frame.
func (m *Model) refilter() {
	c := &m.around
	c.reset()
	on := m.contextOn()
	for seq := m.vp.First(); seq < m.vp.End(); seq++ {
		l := m.vp.Line(seq)
		l.aid &^= aidContext | aidGroup | aidHit
		if on {
			m.contextNote(seq, l)
		}
	}
	c.cachedHits = on
	m.vp.Refilter()
	c.cachedHits = false
}

// reset forgets the walk, keeping the width.
func (c *contextState) reset() {
	c.matches, c.after, c.hidden, c.anyShown = 0, 0, false, false
	c.recent = c.recent[:0]
}

// contextAdded notes a line just pushed (and refreshed): it may be a
// match that shows lines before it as context, or context after one.
func (m *Model) contextAdded(seq uint64) {
	if !m.contextOn() {
		return
	}
	l := m.vp.Line(seq)
	if l == nil {
		return
	}
	for _, s := range m.contextNote(seq, l) {
		m.vp.Refresh(s)
	}
	if l.aid&aidContext != 0 {
		m.vp.Refresh(seq)
	}
}

// contextNote takes the next line in order: it flags it and the lines
// before it as context or group start, and returns the earlier lines it
// turned into context (the caller refreshes them when they were already
// pushed).
func (m *Model) contextNote(seq uint64, l *line) []uint64 {
	c := &m.around
	if l.mark != engine.MarkNone || !m.baseVisible(l) {
		return nil
	}
	if m.filterHit(l) {
		l.aid |= aidHit
		c.matches++
		first := seq
		var lead []uint64
		for _, s := range c.recent {
			if pl := m.vp.Line(s); pl != nil {
				pl.aid |= aidContext
				lead = append(lead, s)
			}
		}
		if len(lead) > 0 {
			first = lead[0]
		}
		if fl := m.vp.Line(first); fl != nil && c.anyShown && c.hidden {
			fl.aid |= aidGroup
		}
		c.recent, c.after, c.hidden, c.anyShown = c.recent[:0], c.n, false, true
		return lead
	}
	if c.after > 0 {
		l.aid |= aidContext
		c.after--
		return nil
	}
	if len(c.recent) == c.n {
		c.recent = append(c.recent[:0], c.recent[1:]...)
		c.hidden = true
	}
	if c.n > 0 {
		c.recent = append(c.recent, seq)
	} else {
		c.hidden = true
	}
	return nil
}

// forgetContext keeps the match count right when a line leaves the buffer.
func (m *Model) forgetContext(l *line) {
	if m.contextOn() && l.mark == engine.MarkNone && m.baseVisible(l) && m.filterHit(l) && m.around.matches > 0 {
		m.around.matches--
	}
}

// changeContext widens (+1) or narrows (-1) the context around matches.
func (m *Model) changeContext(delta int) {
	n := min(max(m.around.n+delta, 0), maxContext)
	if n == m.around.n {
		if delta < 0 {
			m.setStatus("no context lines to take away", false)
		} else {
			m.setStatus(fmt.Sprintf("context is at most %d lines", maxContext), false)
		}
		return
	}
	m.around.n = n
	if m.filter == nil {
		m.setStatus(fmt.Sprintf("context: %d lines around each match of a filter (& sets one)", n), false)
		return
	}
	m.refilter()
	m.setStatus(fmt.Sprintf("context: %d lines around each match", n), false)
}

// contextLabel is the header's note on context after the filter: its
// width and the count of matches, "" when no context is shown.
func (m *Model) contextLabel() string {
	if !m.contextOn() {
		return ""
	}
	word := "matches"
	if m.around.matches == 1 {
		word = "match"
	}
	return fmt.Sprintf(" ±%d %d %s", m.around.n, m.around.matches, word)
}

// dividerRow is the row between two groups of context lines.
func (m *Model) dividerRow() string {
	return " " + m.styles.Aids.Divider.Render(strings.Repeat("┄", max(m.width-1, 0))) + reset
}

// aidRows is how many rows the aids draw above l's text: a divider above
// the first line of a group of context.
func (m *Model) aidRows(l *line) int {
	if m.contextOn() && l.aid&aidGroup != 0 {
		return 1
	}
	return 0
}
