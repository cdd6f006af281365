package tui

import "github.com/charmbracelet/x/ansi"

// bodyHeight is the number of rows the log lines get: the screen minus the
// header, the boot error banner and the footer.
func (m *Model) bodyHeight() int {
	h := m.height - 1 - len(m.bootRows()) - len(m.footerRows())
	if h < 1 {
		h = 1
	}
	return h
}

// textWidth is the cells left for a line's text after its prefix.
func (m *Model) textWidth(prefix int) int {
	w := m.width - prefix
	if w < 1 {
		w = 1
	}
	return w
}

// rowsOf is how many body rows line seq takes: one, or more when wrapping.
func (m *Model) rowsOf(seq uint64) int {
	l := m.ring.At(seq)
	if l == nil || !m.wrap {
		return 1
	}
	tw := m.textWidth(m.prefixWidth(l))
	if m.lineWidth(l) <= tw {
		return 1
	}
	return len(wrapStarts(m.drawnPlain(l), tw)) + 1
}

// lineWidth is the width of l's text as drawn: the sanitised text, or its
// raw view.
func (m *Model) lineWidth(l *line) int {
	if m.raw {
		return ansi.StringWidth(m.drawnPlain(l))
	}
	return int(l.width)
}

// drawnPlain is l's text as drawn, without styles: the sanitised text, or
// its raw view.
func (m *Model) drawnPlain(l *line) string {
	if m.raw {
		return m.sanitized(l, false).Plain
	}
	return l.plain
}

// wrapStarts returns the cells at which rows 1, 2, … of plain start when
// it is wrapped at tw cells. A wide character that does not fit at the end
// of a row moves whole to the next one, so no row is wider than tw and no
// character is split or lost.
func wrapStarts(plain string, tw int) []int {
	var starts []int
	col, rowStart := 0, 0
	for s := plain; s != ""; {
		g, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		if g == "" {
			break
		}
		s = s[len(g):]
		if col+w-rowStart > tw && col > rowStart {
			starts = append(starts, col)
			rowStart = col
		}
		col += w
	}
	return starts
}

// visibleIndex returns the index in the visible list of seq, or of the
// nearest visible line after it.
func (m *Model) visibleIndex(seq uint64) int {
	i, _ := m.visible.Find(seq)
	if i >= m.visible.Len() {
		i = m.visible.Len() - 1
	}
	return max(i, 0)
}

// bottomTop returns the top position that shows the newest visible line on
// the last body row: the layout while following.
func (m *Model) bottomTop() (uint64, int) {
	n := m.visible.Len()
	if n == 0 {
		return m.ring.End(), 0
	}
	return m.topEndingAt(n - 1)
}

// topEndingAt returns the top position whose view ends with the last row
// of the i-th visible line. It walks back at most a screenful of lines.
func (m *Model) topEndingAt(i int) (uint64, int) {
	h := m.bodyHeight()
	rows := 0
	for ; i >= 0; i-- {
		seq := m.visible.At(i)
		r := m.rowsOf(seq)
		if rows+r >= h {
			return seq, rows + r - h
		}
		rows += r
	}
	return m.visible.At(0), 0
}

// ensureSelVisible scrolls the least needed to show the whole selected line
// (its first row when it is taller than the body).
func (m *Model) ensureSelVisible() {
	if m.visible.Len() == 0 || m.follow {
		return
	}
	if m.sel < m.top || (m.sel == m.top && m.topRow > 0) {
		m.top, m.topRow = m.sel, 0
		return
	}
	h := m.bodyHeight()
	ti, si := m.visibleIndex(m.top), m.visibleIndex(m.sel)
	rows := -m.topRow
	for i := ti; i <= si; i++ {
		rows += m.rowsOf(m.visible.At(i))
		if rows > h {
			top, row := m.topEndingAt(si)
			if top > m.sel || (top == m.sel && row > 0) {
				top, row = m.sel, 0
			}
			m.top, m.topRow = top, row
			return
		}
	}
}

// atBottom reports whether the selection is on the newest visible line.
func (m *Model) atBottom() bool {
	last, ok := m.visible.Last()
	return !ok || m.sel >= last
}

// unfollow stops following, pinning the view where following left it.
func (m *Model) unfollow() {
	if !m.follow {
		return
	}
	m.top, m.topRow = m.bottomTop()
	m.follow = false
	m.newFrom = m.ring.End()
}

// newBelow counts the lines that arrived since following stopped and that
// the view shows under the current sources, solo and filter: the lines G
// would scroll past.
func (m *Model) newBelow() int {
	if m.follow {
		return 0
	}
	i, _ := m.visible.Find(m.newFrom)
	return m.visible.Len() - i
}

// resumeFollow jumps to the newest line and follows again.
func (m *Model) resumeFollow() {
	m.follow, m.paused = true, false
	if last, ok := m.visible.Last(); ok {
		m.sel = last
	}
}

// moveSel moves the selection by delta visible lines. Reaching the newest
// line resumes following unless the user paused explicitly.
func (m *Model) moveSel(delta int) {
	if m.visible.Len() == 0 {
		return
	}
	if delta < 0 {
		m.unfollow()
	}
	i := m.visibleIndex(m.sel) + delta
	i = min(max(i, 0), m.visible.Len()-1)
	m.sel = m.visible.At(i)
	if !m.follow && !m.paused && m.atBottom() && delta > 0 {
		m.resumeFollow()
		return
	}
	m.ensureSelVisible()
}

// scrollPage moves the view and the selection by delta lines together, so
// the selection keeps its row, like a pager's page keys.
func (m *Model) scrollPage(delta int) {
	if m.visible.Len() == 0 {
		return
	}
	if delta < 0 {
		m.unfollow()
	} else if m.follow {
		return
	}
	ti := m.visibleIndex(m.top) + delta
	ti = min(max(ti, 0), m.visible.Len()-1)
	m.top, m.topRow = m.visible.At(ti), 0
	m.moveSel(delta)
}

// gotoTop selects the oldest kept line.
func (m *Model) gotoTop() {
	if m.visible.Len() == 0 {
		return
	}
	m.unfollow()
	m.sel = m.visible.At(0)
	m.top, m.topRow = m.sel, 0
}

// gotoSeq selects seq (a search match), scrolling to it; it centres the
// line when it was off screen, so what surrounds a match is visible too.
func (m *Model) gotoSeq(seq uint64) {
	m.unfollow()
	m.paused = true
	m.sel = seq
	if m.onScreen(seq) {
		return
	}
	i := m.visibleIndex(seq)
	half := m.bodyHeight() / 2
	rows := 0
	for i > 0 && rows+m.rowsOf(m.visible.At(i-1)) <= half {
		i--
		rows += m.rowsOf(m.visible.At(i))
	}
	m.top, m.topRow = m.visible.At(i), 0
	m.ensureSelVisible()
}

// onScreen reports whether line seq is fully drawn in the body.
func (m *Model) onScreen(seq uint64) bool {
	top, row := m.top, m.topRow
	if m.follow {
		top, row = m.bottomTop()
	}
	if seq < top || (seq == top && row > 0) {
		return false
	}
	h := m.bodyHeight()
	rows := -row
	for i := m.visibleIndex(top); i < m.visible.Len(); i++ {
		s := m.visible.At(i)
		rows += m.rowsOf(s)
		if rows > h {
			return false
		}
		if s == seq {
			return true
		}
	}
	return false
}
