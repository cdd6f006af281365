package tui

// This file holds the viewer's sense of time: the zone times are shown in
// (local, or UTC after T), the footer's full date and time of the selected
// line with its position, and where each line's record lies for marks.

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/marks"
)

// timeline is the model's state for restarts, times and marks.
type timeline struct {
	utc bool // T: every time in the view is UTC instead of local

	// dividers are the restart lines held, oldest first; runs counts the
	// "started" records ingested, numbering the runs.
	dividers []divider
	runs     uint32

	gotoBox *gotoBox // the open @ box, or nil

	// info is the footer's date, time and position of the selected line,
	// worked out once per event in Update (View only reads it).
	info string

	// The marks of the open sandbox: the store (nil until opened, or when
	// the state directory is unusable), its directory, and the marked
	// lines by key for the gutter.
	store    *marks.Store
	storeErr error // why marks cannot be read or kept, said when they are used
	storeDir string
	marked   map[marks.Key]bool
	// listed is the marks the open list (M) shows, in its order.
	listed []marks.Mark
}

// forgetLines drops what refers to held lines: the viewport was emptied.
func (t *timeline) forgetLines() {
	t.dividers = t.dividers[:0]
	t.runs = 0
}

// zone is where the view shows times.
func (m *Model) zone() *time.Location {
	if m.tl.utc {
		return time.UTC
	}
	return time.Local
}

// inZone is t in the view's zone.
func (m *Model) inZone(t time.Time) time.Time { return t.In(m.zone()) }

// fullTimeLayout is the footer's date and time of the selected line.
const fullTimeLayout = "2006-01-02 15:04:05.000 MST"

// toggleUTC switches every time shown between local time and UTC.
func (m *Model) toggleUTC() {
	m.tl.utc = !m.tl.utc
	if m.tl.utc {
		m.setStatus("times in UTC (T: local time)", false)
	} else {
		m.setStatus("times in local time, "+time.Now().In(time.Local).Format("MST")+" (T: UTC)", false)
	}
	m.vp.Relayout()
}

// positionInfo is the footer's note on the selected line: its full date
// and time in the view's zone and "line X of Y" among the lines shown.
func (m *Model) positionInfo() string {
	n := m.vp.VisibleLen()
	if n == 0 {
		return ""
	}
	sel := m.vp.Selected()
	if m.vp.Following() {
		if last, ok := m.vp.LastVisible(); ok {
			sel = last
		}
	}
	l := m.vp.Line(sel)
	if l == nil {
		return ""
	}
	i := sort.Search(n, func(k int) bool { return m.vp.VisibleAt(k) >= sel })
	pos := fmt.Sprintf("line %s of %s", groupDigits(i+1), groupDigits(n))
	if m.state == stateLoading || m.fastShown {
		pos += " so far"
	}
	if w := m.win; w != nil && l.ord >= 0 && (w.lo > 0 || !w.attached()) {
		// The lines held are a window on a longer log: say where it is
		// in everything on disk, counted in entries (hidden sources
		// included).
		i, n = l.ord, w.live
		pos = fmt.Sprintf("entry %s of %s", groupDigits(i+1), groupDigits(n))
	}
	full := m.inZone(l.time()).Format(fullTimeLayout) + " · " + pos
	if len(full)+2 <= m.width {
		return full
	}
	// A narrow pane: the date without its year, the position as X/Y.
	return m.inZone(l.time()).Format("01-02 15:04:05.000 MST") + fmt.Sprintf(" · %d/%d", i+1, n)
}

// groupDigits writes n with thousands separated: 1,234,567.
func groupDigits(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// The files a line's record can come from, as line.file holds them.
const (
	fileUnknown uint8 = iota
	fileExec
	fileRuntime
	fileKernel
)

var fileNames = [...]string{fileExec: "exec.log", fileRuntime: "runtime.log", fileKernel: "kernel.log"}

// ownPlace is where e's record ends in its own file, and which file.
func ownPlace(e *engine.Entry) (engine.Position, uint8) {
	p, ok := e.OwnPosition()
	if !ok {
		return engine.Position{}, fileUnknown
	}
	for i, name := range fileNames {
		if name != "" && name == e.File {
			return p, uint8(i)
		}
	}
	return engine.Position{}, fileUnknown
}

// onTimelineKey handles the keys of restarts, times and marks.
func (m *Model) onTimelineKey(msg tea.KeyPressMsg) {
	k := m.keys.Timeline
	switch {
	case key.Matches(msg, k.PrevRestart):
		m.jumpDivider(-1)
	case key.Matches(msg, k.NextRestart):
		m.jumpDivider(1)
	case key.Matches(msg, k.GoToTime):
		m.openGoto()
	case key.Matches(msg, k.UTC):
		m.toggleUTC()
	case key.Matches(msg, k.Mark):
		m.toggleMark()
	case key.Matches(msg, k.NextMark):
		m.jumpMark(1)
	case key.Matches(msg, k.PrevMark):
		m.jumpMark(-1)
	case key.Matches(msg, k.Marks):
		m.openMarksList()
	}
}

// withPositionInfo puts the selected line's date, time and position at the
// right of the footer's key row, or on a row of its own above it when both
// do not fit: the keys are never cut for it.
func (m *Model) withPositionInfo(keys string) []string {
	info := m.tl.info
	if info == "" {
		return []string{keys}
	}
	kw, iw := ansi.StringWidth(keys), ansi.StringWidth(info)
	if kw+2+iw <= m.width && !strings.HasSuffix(ansi.Strip(keys), "…") {
		return []string{strings.TrimSuffix(keys, reset) + strings.Repeat(" ", m.width-kw-iw) + m.styles.Footer.Render(info) + reset}
	}
	if m.height < minInfoRowHeight {
		return []string{keys}
	}
	row := strings.Repeat(" ", max(m.width-iw, 1)) + m.styles.Footer.Render(ansi.Truncate(info, max(m.width-1, 0), "…"))
	return []string{row + reset, keys}
}

// minInfoRowHeight is the least pane height that gives the date and
// position a row of their own: a shorter pane keeps its rows for lines.
const minInfoRowHeight = 12

// infoAbove puts the selected line's date, time and position on a row
// above the status rows, so a message never hides where the user is.
func (m *Model) infoAbove(rows []string) []string {
	info := m.tl.info
	if info == "" || m.height < minInfoRowHeight {
		return rows
	}
	iw := ansi.StringWidth(info)
	row := strings.Repeat(" ", max(m.width-iw, 1)) + m.styles.Footer.Render(ansi.Truncate(info, max(m.width-1, 0), "…"))
	return append([]string{row + reset}, rows...)
}
