package tui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/text/human"
	"sandtail/text/jsonview"
)

// maxPrettyCache bounds the pretty forms kept for drawing expanded lines;
// one that is not kept is made again from the line (at most its 16 KiB).
const maxPrettyCache = 64

// pretty returns the pretty-printed rows of l, or false when its text is
// not one JSON object. The forms are cached by text, so a frame that draws
// an expanded line does not parse it again.
func (m *Model) pretty(l *line) ([]jsonview.Row, bool) {
	if rows, ok := m.prettyCache[l.plain]; ok {
		return rows, rows != nil
	}
	rows, ok := jsonview.Pretty(l.plain)
	if m.prettyCache == nil || len(m.prettyCache) >= maxPrettyCache {
		m.prettyCache = map[string][]jsonview.Row{}
	}
	if !ok {
		rows = nil
	}
	m.prettyCache[l.plain] = rows
	return rows, ok
}

// isExpanded reports whether l is drawn as pretty-printed JSON.
func (m *Model) isExpanded(l *line) bool {
	if l.aid&aidExpanded == 0 || m.raw {
		return false
	}
	_, ok := m.pretty(l)
	return ok
}

// toggleExpand shows the selected line as pretty-printed JSON, or as it
// was written again.
func (m *Model) toggleExpand() {
	l := m.vp.Line(m.vp.Selected())
	if l == nil || m.vp.VisibleLen() == 0 {
		m.setStatus("nothing selected", true)
		return
	}
	if l.aid&aidExpanded != 0 {
		l.aid &^= aidExpanded
		m.vp.Relayout()
		return
	}
	switch _, ok := m.pretty(l); {
	case l.mark != engine.MarkNone || !jsonview.IsObject(l.plain) && l.truncated == 0:
		m.setStatus("J expands a line whose text is a JSON object; this one is not", true)
		return
	case !ok && l.truncated > 0:
		m.setStatus("this line was cut at "+human.Bytes(maxLineBytes)+", so its JSON is incomplete", true)
		return
	case !ok:
		m.setStatus("this line is not valid JSON", true)
		return
	}
	l.aid |= aidExpanded
	if m.raw {
		m.setStatus("expanded: shown once the raw view is off (r)", false)
	}
	m.vp.Relayout()
}

// expandedText is the pretty form of l as text, for y.
func (m *Model) expandedText(l *line) (string, bool) {
	if !m.isExpanded(l) {
		return "", false
	}
	rows, _ := m.pretty(l)
	return jsonview.Plain(rows), true
}

// copyExpanded copies the pretty form of an expanded selected line.
func (m *Model) copyExpanded(l *line) (tea.Cmd, bool) {
	text, ok := m.expandedText(l)
	if !ok {
		return nil, false
	}
	m.setStatus("copied the expanded JSON ("+countRows(text)+")", false)
	return tea.SetClipboard(text), true
}

// countRows says how many rows text has, in words.
func countRows(text string) string {
	n := strings.Count(text, "\n") + 1
	if n == 1 {
		return "1 row"
	}
	return strconv.Itoa(n) + " rows"
}

// styledRow draws one pretty row with the theme's JSON colours.
func (m *Model) styledRow(r jsonview.Row) string {
	a := m.styles.Aids
	var b strings.Builder
	for _, s := range r {
		switch s.Kind {
		case jsonview.Indent:
			b.WriteString(s.Text)
		case jsonview.Key:
			b.WriteString(a.JSONKey.Render(s.Text))
		case jsonview.String:
			b.WriteString(a.JSONString.Render(s.Text))
		case jsonview.Literal:
			b.WriteString(a.JSONNumber.Render(s.Text))
		default:
			b.WriteString(a.JSONPunct.Render(s.Text))
		}
	}
	return b.String()
}

// expandedRowCount is how many body rows an expanded line takes.
func (m *Model) expandedRowCount(l *line) int {
	rows, _ := m.pretty(l)
	if !m.wrap {
		return len(rows)
	}
	tw := m.textWidth(m.prefixWidth(l))
	n := 0
	for _, r := range rows {
		n += 1 + len(wrapStarts(r.Plain(), tw))
	}
	return n
}

// expandedRows draws rows skip … skip+limit-1 of an expanded line: the
// prefix on the first, the gutter on the others, and the pretty form
// wrapped (or cut, with wrap off) at the text's width.
func (m *Model) expandedRows(l *line, selected bool, skip, limit int) []string {
	rows, _ := m.pretty(l)
	pre := m.prefix(l, selected)
	pw := m.prefixWidth(l)
	if pw >= m.width {
		pre, pw = "", 0
	}
	tw := m.textWidth(pw)
	indent := strings.Repeat(" ", pw)
	if selected && pw > 0 {
		indent = m.styles.Gutter.Render("▌") + strings.Repeat(" ", pw-1)
	}
	var out []string
	n := 0
	for _, r := range rows {
		text, plain := m.styledRow(r), r.Plain()
		cuts := [][2]int{{m.vp.XOffset(), m.vp.XOffset() + tw}}
		if m.wrap {
			starts := append([]int{0}, wrapStarts(plain, tw)...)
			cuts = cuts[:0]
			for i, s := range starts {
				end := ansi.StringWidth(plain)
				if i+1 < len(starts) {
					end = starts[i+1]
				}
				cuts = append(cuts, [2]int{s, end})
			}
		}
		for _, c := range cuts {
			if n >= skip && len(out) < limit {
				p := indent
				if n == 0 {
					p = pre
				}
				out = append(out, m.row(p, ansi.Cut(text, c[0], c[1]), tw, false))
			}
			n++
		}
		if len(out) >= limit {
			break
		}
	}
	return out
}
