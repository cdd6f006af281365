package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/text/human"
	"sandtail/text/sanitize"
)

// timeLayout is the timestamp in front of a line, local time.
const timeLayout = "15:04:05.000"

// maxMatchesPerLine bounds the highlights drawn on one line.
const maxMatchesPerLine = 256

// reset ends every row, so no style leaks into the next one.
const reset = "\x1b[m"

// sanitized runs the line's bytes through the sanitiser with the view's
// options. It is called only for lines being drawn.
func (m *Model) sanitized(l *line, color bool) sanitize.Result {
	return sanitize.Line([]byte(l.text), sanitize.Options{
		Color:     color,
		Raw:       m.raw,
		TabWidth:  8,
		MarkStyle: !m.styles.Mono,
	})
}

// badge is the three-letter source tag of a line.
func (m *Model) badge(l *line) (string, lipgloss.Style) {
	switch {
	case l.mark == engine.MarkGap:
		return "gap", m.styles.Mark
	case l.mark == engine.MarkNotice:
		return "wrn", m.styles.Mark
	case l.mark != engine.MarkNone:
		return "new", m.styles.Mark
	}
	switch l.source {
	case engine.Stdout:
		return "out", m.styles.BadgeStdout
	case engine.Stderr:
		return "err", m.styles.BadgeStderr
	case engine.Output:
		return "pty", m.styles.BadgeOutput
	default:
		return "sys", m.styles.BadgeSystem
	}
}

// sessionTag is the "[7] " tag of a line, or "" when ids are off.
func (m *Model) sessionTag(l *line) string {
	if !m.ids || !l.hasSession {
		return ""
	}
	return fmt.Sprintf("[%d] ", l.session)
}

// prefixWidth is the width of everything drawn before a line's text.
func (m *Model) prefixWidth(l *line) int {
	w := 1 + 4 // gutter, badge and its space
	if m.multi != nil {
		w += m.multi.columnWidth() + 1
	}
	if m.timestamps {
		w += len(timeLayout) + 1
	}
	return w + len(m.sessionTag(l)) + len(levelMarker(l)) + ansi.StringWidth(m.markers(l))
}

// markers are the notes in front of a line's text that must stay visible
// however the line is wrapped or scrolled: text hidden by \r or \b, and
// bytes cut at the length cap.
func (m *Model) markers(l *line) string {
	s := ""
	if l.overstruck && !m.raw {
		s += overstrikeMarker
	}
	if l.truncated > 0 {
		s += truncMarker(l.truncated)
	}
	return s
}

// prefix draws the gutter, timestamp, badge and session tag.
func (m *Model) prefix(l *line, selected bool) string {
	var b strings.Builder
	switch mk := m.markGlyph(l); {
	case mk != "":
		b.WriteString(mk)
	case selected:
		b.WriteString(m.styles.Gutter.Render("▌"))
	default:
		b.WriteByte(' ')
	}
	if m.multi != nil {
		b.WriteString(m.sandboxTag(l))
		b.WriteByte(' ')
	}
	if m.timestamps {
		b.WriteString(m.styles.Timestamp.Render(m.inZone(l.time()).Format(timeLayout)))
		b.WriteByte(' ')
	}
	name, st := m.badge(l)
	b.WriteString(st.Render(name))
	b.WriteByte(' ')
	if tag := m.sessionTag(l); tag != "" {
		b.WriteString(m.styles.Session(l.session).Render(strings.TrimSuffix(tag, " ")))
		b.WriteByte(' ')
	}
	if lm := levelMarker(l); lm != "" {
		b.WriteString(m.levelStyle(l.lvl).Render(lm[:1]))
		b.WriteByte(' ')
	}
	if mk := m.markers(l); mk != "" {
		b.WriteString(m.styles.Truncated.Render(mk))
	}
	return b.String()
}

// cutRightMarker ends a row whose line goes on past the right edge (wrap
// off); → or l scrolls to the rest.
const cutRightMarker = "›"

// overstrikeMarker is shown in front of a line where a \r or \b hid text,
// so "rm -rf /\rls -la" cannot pass for "ls -la"; r shows the raw bytes.
const overstrikeMarker = sanitize.OverstrikeMarker

// truncMarker is shown in front of a line that was cut.
func truncMarker(n int64) string {
	return fmt.Sprintf("✂ %s cut ", human.Bytes(n))
}

// lineText draws the text of l: the program's colours when it is an
// ordinary line, plain text with highlights when it is selected or holds a
// search match, and the mark style for the engine's notices.
func (m *Model) lineText(seq uint64, l *line, selected bool) string {
	colorOn := m.color && m.colorOK
	res := m.sanitized(l, colorOn && !selected && l.mark == engine.MarkNone)
	var text string
	base := lipgloss.NewStyle()
	if l.source == engine.System {
		base = m.styles.SystemText
	}
	if l.mark != engine.MarkNone {
		base = m.styles.Mark
	}
	context := m.contextOn() && l.aid&aidContext != 0
	if context {
		base = m.styles.Aids.Context
	}
	if selected {
		base = m.styles.Selected
	}
	var hits [][2]int
	if m.search != nil && m.vp.IsMatch(seq) {
		hits = m.search.Find(res.Plain, maxMatchesPerLine)
	}
	switch {
	case len(hits) > 0:
		hl := m.styles.Match
		if selected {
			hl = m.styles.CurrentMatch
		}
		var b strings.Builder
		at := 0
		for _, h := range hits {
			b.WriteString(renderNonEmpty(base, res.Plain[at:h[0]]))
			b.WriteString(hl.Render(res.Plain[h[0]:h[1]]))
			at = h[1]
		}
		b.WriteString(renderNonEmpty(base, res.Plain[at:]))
		text = b.String()
	case selected || context || l.mark != engine.MarkNone || l.source == engine.System || !colorOn:
		text = renderNonEmpty(base, res.Plain)
	default:
		text = res.Styled
	}
	return text
}

// renderNonEmpty renders s, or nothing for an empty s (lipgloss would
// still emit a style sequence).
func renderNonEmpty(st lipgloss.Style, s string) string {
	if s == "" {
		return ""
	}
	return st.Render(s)
}

// lineRows draws rows skip … skip+limit-1 of line seq, l (one row, or
// several when wrapping). Only those rows are cut, so a line of thousands
// of rows costs a screenful. Every row is at most m.width cells and ends
// with a reset.
func (m *Model) lineRows(seq uint64, l *line, selected bool, skip, limit int) []string {
	if is, _ := lifecycleOf(l); is {
		return m.dividerRows(seq, l, selected)
	}
	pre := m.prefix(l, selected)
	pw := m.prefixWidth(l)
	if pw >= m.width {
		// Too narrow for the prefix: show the text alone.
		pre, pw = "", 0
	}
	tw := m.textWidth(pw)
	text := m.lineText(seq, l, selected)
	var rows []string
	if !m.wrap {
		xOff := m.vp.XOffset()
		if m.lineWidth(l) > xOff+tw && tw > 1 {
			// More of the line is to the right: its last cell says so,
			// at the edge even when a wide character left a gap.
			cut := ansi.Cut(text, xOff, xOff+tw-1)
			if pad := tw - 1 - ansi.StringWidth(cut); pad > 0 && !selected {
				cut += strings.Repeat(" ", pad)
			}
			cut = m.row("", cut, tw-1, selected)
			return []string{pre + cut + m.styles.Truncated.Render(cutRightMarker) + reset}
		}
		return []string{m.row(pre, ansi.Cut(text, xOff, xOff+tw), tw, selected)}
	}
	starts := []int{0}
	if m.lineWidth(l) > tw {
		starts = append(starts, wrapStarts(m.drawnPlain(l), tw)...)
	}
	indent := strings.Repeat(" ", pw)
	if selected && pw > 0 {
		indent = m.styles.Gutter.Render("▌") + strings.Repeat(" ", pw-1)
	}
	for i := skip; i < len(starts) && i < skip+limit; i++ {
		p := pre
		if i > 0 {
			p = indent
		}
		end := m.lineWidth(l)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		rows = append(rows, m.row(p, ansi.Cut(text, starts[i], end), tw, selected))
	}
	return rows
}

// row joins a prefix and a cut of text; the selected row is padded so its
// highlight spans the pane.
func (m *Model) row(pre, cut string, tw int, selected bool) string {
	if ansi.StringWidth(cut) > tw {
		// Only a character wider than the whole text column gets here.
		cut = ansi.Truncate(cut, tw, "")
	}
	if selected {
		if pad := tw - ansi.StringWidth(cut); pad > 0 {
			cut += m.styles.Selected.Render(strings.Repeat(" ", pad))
		}
	}
	s := pre + cut
	if strings.Contains(s, "\x1b[") {
		s += reset
	}
	return s
}

// bodyRows draws the visible part of the buffer: only the lines on screen
// are sanitised and styled, so a frame costs the same with a thousand
// lines buffered or a million.
func (m *Model) bodyRows() []string {
	if m.vp.VisibleLen() == 0 {
		return m.emptyBody(m.bodyHeight())
	}
	return m.vp.View()
}

// emptyBody says why nothing is shown.
func (m *Model) emptyBody(h int) []string {
	var msg string
	switch {
	case m.state == stateLoading:
		msg = "reading logs…"
	case m.vp.Len() == 0:
		msg = "no log lines yet"
	default:
		msg = "no line matches the sources, solo or filter shown in the header"
	}
	return []string{" " + m.styles.Footer.Render(ansi.Truncate(msg, max(m.width-1, 0), "…"))}
}

// humanCount shortens a count for the header: 310, 12.1k, 1.2M.
func humanCount(n int) string {
	switch {
	case n < 1000:
		return fmt.Sprint(n)
	case n < 1000000:
		return fmt.Sprintf("%.1fk", float64(n)/1e3)
	default:
		return fmt.Sprintf("%.1fM", float64(n)/1e6)
	}
}
