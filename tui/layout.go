package tui

import "github.com/charmbracelet/x/ansi"

// bodyHeight is the number of rows the log lines get: the screen minus the
// header, the boot error banner and the footer.
func (m *Model) bodyHeight() int {
	h := m.height - 1 - len(m.bootRows()) - m.stripRows() - len(m.footerRows())
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

// bodyLayout answers the viewport's questions about the lines: the body's
// size, each line's rows and cells, drawing, visibility, search and
// eviction. It holds the model by pointer, so the answers follow the
// model's modes as they change.
type bodyLayout struct{ m *Model }

// Size is the pane's width and the body's rows.
func (b bodyLayout) Size() (int, int) { return b.m.width, b.m.bodyHeight() }

// Rows is how many body rows l takes: one, or more when wrapping.
func (b bodyLayout) Rows(l *line) int {
	return b.m.aidRows(l) + b.m.lineRowCount(l)
}

// lineRowCount is how many rows l's own text takes.
func (m *Model) lineRowCount(l *line) int {
	if m.isExpanded(l) {
		return m.expandedRowCount(l)
	}
	if is, _ := lifecycleOf(l); is || !m.wrap {
		return 1
	}
	tw := m.textWidth(m.prefixWidth(l))
	if m.lineWidth(l) <= tw {
		return 1
	}
	return len(wrapStarts(m.drawnPlain(l), tw)) + 1
}

// Cells is the width of l on one row, prefix included.
func (b bodyLayout) Cells(l *line) int { return b.m.lineWidth(l) + b.m.prefixWidth(l) }

// Draw draws rows skip … skip+limit-1 of line seq.
func (b bodyLayout) Draw(seq uint64, l *line, selected bool, skip, limit int) []string {
	m := b.m
	var out []string
	if extra := m.aidRows(l); extra > 0 {
		if skip < extra {
			out = append(out, m.dividerRow())
			limit--
		}
		skip = max(skip-extra, 0)
	}
	if limit <= 0 {
		return out
	}
	if m.isExpanded(l) {
		return append(out, m.expandedRows(l, selected, skip, limit)...)
	}
	return append(out, m.lineRows(seq, l, selected, skip, limit)...)
}

// Visible reports whether l passes the sources, solo and filter.
func (b bodyLayout) Visible(l *line) bool { return b.m.isVisible(l) }

// Match reports whether l matches the search.
func (b bodyLayout) Match(l *line) bool { return b.m.search.Match(l.plain) }

// Evict forgets the line about to leave the buffer.
func (b bodyLayout) Evict(seq uint64, l *line) { b.m.forget(seq, l) }

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
