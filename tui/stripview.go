package tui

import (
	"fmt"
	"sort"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/text/level"
	"sandtail/tui/strip"
)

// maxStripZoom bounds zooming in: 2^12 narrower than the whole history.
const maxStripZoom = 12

// sparkCells is the width of a source's sparkline in the header.
const sparkCells = 6

// stripState is the activity strip (H): counts per time bucket of every
// line held, kept as lines arrive and leave, and where the strip is.
type stripState struct {
	hist    strip.Hist
	rates   [strip.Sources]strip.Rate // lines per second, per source, for the header
	shown   bool
	focused bool // ←/→ move along the strip, Enter goes back to the lines
	col     int  // the focused strip's column
	zoom    int  // 0: the whole history; each step halves the span
	centre  int64
	// tickEvery is how often the header's sparklines move on while
	// following (0: never; tests step time themselves).
	tickEvery time.Duration
	ticking   bool
	clock     func() time.Time
	// loc is the zone of the strip's times (nil: local, as the lines'
	// timestamps are).
	loc *time.Location
}

// sparkTickMsg moves the sparklines on as time passes.
type sparkTickMsg struct{}

// sample is how the strip counts l.
func stripSample(l *line) (strip.Sample, bool) {
	if l.mark != engine.MarkNone || int(l.source) >= strip.Sources {
		return strip.Sample{}, false
	}
	s := strip.Sample{
		UnixNano: l.unixNano, Source: int(l.source),
		Err: l.source == engine.Stderr || l.lvl == level.Error,
	}
	if is, started := lifecycleOf(l); is {
		s.Start, s.Stop = started, !started
	}
	return s, true
}

// stripAdd counts a line just pushed.
func (m *Model) stripAdd(l *line) {
	if s, ok := stripSample(l); ok {
		m.strip.hist.Add(s)
		m.strip.rates[s.Source].Add(s.UnixNano)
	}
}

// stripRemove uncounts a line leaving the buffer.
func (m *Model) stripRemove(l *line) {
	if s, ok := stripSample(l); ok {
		m.strip.hist.Remove(s)
	}
}

// resetStrip forgets every count (the buffer was emptied; the lines that
// fill it again are counted as they come, rates included).
func (m *Model) resetStrip() {
	m.strip.hist = strip.Hist{}
	m.strip.rates = [strip.Sources]strip.Rate{}
}

// sharpenStrip counts the buffer again when the buckets grew much coarser
// than what is held needs (old lines with a long time span left). It is
// O(buffer), and happens only after most of the history was replaced.
func (m *Model) sharpenStrip() {
	if !m.strip.shown || !m.strip.hist.Coarse() {
		return
	}
	m.strip.hist = strip.Hist{}
	for seq := m.vp.First(); seq < m.vp.End(); seq++ {
		if l := m.vp.Line(seq); l != nil {
			if s, ok := stripSample(l); ok {
				m.strip.hist.Add(s)
			}
		}
	}
}

// now is the wall clock (the tests' clock when set).
func (m *Model) now() time.Time {
	if m.strip.clock != nil {
		return m.strip.clock()
	}
	return time.Now()
}

// stripBars is how many rows of bars the strip draws on this pane.
func (m *Model) stripBars() int {
	if m.height >= 20 {
		return 3
	}
	return 1
}

// stripRows is the rows the strip takes: a label, the bars and the axis,
// or none when it is off or the pane is too short for it.
func (m *Model) stripRows() int {
	if !m.strip.shown || m.height < 8 {
		return 0
	}
	return 1 + m.stripBars() + 1
}

// stripWidth is the strip's columns: the pane less a margin each side.
func (m *Model) stripWidth() int { return max(m.width-2, 1) }

// stripRange is the time range the strip spans: the whole history, or
// a part of it around the centre when zoomed.
func (m *Model) stripRange() (from, to int64, ok bool) {
	from, to, ok = m.strip.hist.Range()
	if !ok || m.strip.zoom == 0 {
		return from, to, ok
	}
	span := max((to-from)>>m.strip.zoom, 1)
	lo := m.strip.centre - span/2
	lo = min(max(lo, from), to-span)
	return lo, lo + span, true
}

// toggleStrip shows and focuses the strip; on a focused strip it hides it.
func (m *Model) toggleStrip() tea.Cmd {
	s := &m.strip
	switch {
	case s.shown && s.focused:
		s.shown, s.focused, s.zoom = false, false, 0
		m.vp.Resized()
		return nil
	case s.shown:
		s.focused = true
	default:
		if m.height < 8 {
			m.setStatus("the pane is too short for the activity strip", true)
			return nil
		}
		s.shown, s.focused = true, true
		m.sharpenStrip()
	}
	s.col = m.selectedCol()
	m.vp.Resized()
	return m.startSparkTick()
}

// selectedCol is the strip column of the selected line's time.
func (m *Model) selectedCol() int {
	from, to, ok := m.stripRange()
	l := m.vp.Line(m.vp.Selected())
	if !ok || l == nil {
		return m.stripWidth() - 1
	}
	return strip.Col(l.unixNano, from, to, m.stripWidth())
}

// onStripKey handles the keys of a focused strip; ok is false for a key
// it leaves to the viewer.
func (m *Model) onStripKey(msg tea.KeyPressMsg) (tea.Cmd, bool) {
	s := &m.strip
	if !s.shown || !s.focused {
		return nil, false
	}
	k, w := m.keys, m.stripWidth()
	switch {
	case key.Matches(msg, k.StripLeft):
		m.stripMove(s.col - 1)
	case key.Matches(msg, k.StripRight):
		m.stripMove(s.col + 1)
	case key.Matches(msg, k.StripPageLeft):
		m.stripMove(s.col - max(w/8, 1))
	case key.Matches(msg, k.StripPageRight):
		m.stripMove(s.col + max(w/8, 1))
	case key.Matches(msg, k.StripStart):
		m.stripMove(0)
	case key.Matches(msg, k.StripEnd):
		m.stripMove(w - 1)
	case key.Matches(msg, k.StripZoomIn), key.Matches(msg, k.StripZoomOut):
		m.stripZoom(key.Matches(msg, k.StripZoomIn))
	case key.Matches(msg, k.StripBack):
		s.focused = false
	default:
		return nil, false
	}
	return nil, true
}

// stripMove puts the strip's cursor on column col and selects the first
// shown line at or after the time the column starts.
func (m *Model) stripMove(col int) {
	w := m.stripWidth()
	m.strip.col = min(max(col, 0), w-1)
	from, to, ok := m.stripRange()
	if !ok {
		return
	}
	t := strip.ColStart(m.strip.col, from, to, w)
	if seq, ok := m.lineAtTime(t); ok {
		m.vp.Goto(seq)
	}
}

// lineAtTime finds the first shown line at or after t (the last shown
// line when none is), by binary search: lines are held in the order they
// were read, which is time order but for the odd clock step back.
func (m *Model) lineAtTime(t int64) (uint64, bool) {
	n := m.vp.VisibleLen()
	if n == 0 {
		return 0, false
	}
	i := sort.Search(n, func(i int) bool {
		l := m.vp.Line(m.vp.VisibleAt(i))
		return l != nil && l.unixNano >= t
	})
	return m.vp.VisibleAt(min(i, n-1)), true
}

// stripZoom halves (in) or doubles the span the strip shows, around its
// cursor.
func (m *Model) stripZoom(in bool) {
	s := &m.strip
	from, to, ok := m.stripRange()
	if !ok {
		return
	}
	w := m.stripWidth()
	s.centre = strip.ColStart(s.col, from, to, w)
	if in && s.zoom < maxStripZoom && (to-from)/2 >= int64(w)*m.strip.hist.Span()/4 {
		s.zoom++
	} else if !in && s.zoom > 0 {
		s.zoom--
	} else {
		m.setStatus("the strip cannot zoom further that way", false)
		return
	}
	from, to, _ = m.stripRange()
	s.col = strip.Col(s.centre, from, to, w)
}

// onStripClick jumps to the time of the clicked column (--mouse).
func (m *Model) onStripClick(msg tea.MouseClickMsg) bool {
	rows := m.stripRows()
	mouse := msg.Mouse()
	top := 1 + len(m.bootRows())
	if rows == 0 || mouse.Y < top+1 || mouse.Y >= top+rows || mouse.X < 1 || mouse.X > m.stripWidth() {
		return false
	}
	m.strip.focused = true
	m.stripMove(mouse.X - 1)
	return true
}

// stripView draws the strip's rows: a label with the range and the keys,
// the bars, and the axis with restarts and the cursor.
func (m *Model) stripView() []string {
	n := m.stripRows()
	if n == 0 {
		return nil
	}
	a := m.styles.Aids
	w := m.stripWidth()
	from, to, ok := m.stripRange()
	label := " activity"
	st := a.StripLabel
	if m.strip.focused {
		st = a.StripFocus
	}
	var cols []strip.Column
	cursor := -1
	if ok {
		label += "  " + m.stripTime(from, to-from) + " … " + m.stripTime(to, to-from)
		if m.strip.zoom > 0 {
			label += fmt.Sprintf("  zoom ×%d", 1<<m.strip.zoom)
		}
		cols = m.strip.hist.Columns(from, to, w, m.shownMask())
		cursor = m.selectedCol()
		if m.strip.focused {
			cursor = m.strip.col
		}
	} else {
		cols = make([]strip.Column, w)
		label += "  no lines yet"
	}
	hint := "  H focus"
	if m.strip.focused {
		hint = "  ←/→ move · +/- zoom · enter lines · H hide"
	}
	rows := []string{st.Render(ansi.Truncate(label+hint, m.width, "…")) + reset}
	bars := strip.Bars(cols, m.stripBars(), cursor, strip.Styles{
		Bar: a.StripBar, Err: a.StripErr, Restart: a.StripRestart, Cursor: a.StripCursor, Mono: m.styles.Mono,
	})
	for _, b := range bars {
		rows = append(rows, " "+b+reset)
	}
	return rows
}

// stripTime formats a strip end: the time of day, with the date when
// the strip spans more than a day.
func (m *Model) stripTime(unixNano, span int64) string {
	loc := m.strip.loc
	if loc == nil {
		loc = time.Local
	}
	t := time.Unix(0, unixNano).In(loc)
	if span > int64(24*time.Hour) {
		return t.Format("01-02 15:04")
	}
	return t.Format("15:04:05")
}

// shownMask is the shown sources as the strip's bit mask.
func (m *Model) shownMask() uint8 {
	var mask uint8
	for _, src := range engine.AllSourceList() {
		if m.show.Has(src) && int(src) < strip.Sources {
			mask |= 1 << uint(src)
		}
	}
	return mask
}

// sparkPart is a source's sparkline for the header: the last minute's
// lines, shown while the strip is on and the view follows.
func (m *Model) sparkPart(src engine.Source) []part {
	if !m.strip.shown || !m.vp.Following() || int(src) >= strip.Sources {
		return nil
	}
	return []part{{" " + m.strip.rates[src].Spark(m.now().Unix(), sparkCells), m.styles.Aids.Spark}}
}

// startSparkTick starts the clock that moves the sparklines on, once.
func (m *Model) startSparkTick() tea.Cmd {
	s := &m.strip
	if s.tickEvery <= 0 || s.ticking || !s.shown {
		return nil
	}
	s.ticking = true
	return tea.Tick(s.tickEvery, func(time.Time) tea.Msg { return sparkTickMsg{} })
}

// onSparkTick redraws (the message itself does) and ticks on while the
// strip is shown.
func (m *Model) onSparkTick() tea.Cmd {
	m.strip.ticking = false
	return m.startSparkTick()
}
