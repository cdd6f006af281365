package strip

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Styles are what the strip is drawn with.
type Styles struct {
	Bar, Err, Restart, Cursor lipgloss.Style
	// Mono is set when there is no colour: the error part of a bar is
	// then drawn with its own glyph instead.
	Mono bool
}

// eighths are the partial block glyphs, from empty to a full cell.
var eighths = []string{" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// Glyphs of the axis row under the bars.
const (
	axisGlyph   = "─"
	startGlyph  = "↻" // a sandbox started
	stopGlyph   = "∎" // a sandbox stopped
	cursorGlyph = "▲" // the selected line's time
	monoErr     = "▓" // the error part of a bar without colour
)

// Bars draws cols as height rows of bars and one axis row, each row
// exactly len(cols) cells. Bar height is the column's lines against the
// tallest column; the error part is drawn from the bottom in the error
// style. cursor is the column to mark (-1: none).
func Bars(cols []Column, height, cursor int, st Styles) []string {
	peak := 0
	for _, c := range cols {
		peak = max(peak, c.N)
	}
	levels := height * 8
	scale := func(n int) int {
		if n <= 0 || peak == 0 {
			return 0
		}
		// Round up, so a bucket of one line among thousands still shows.
		return max((n*levels+peak-1)/peak, 1)
	}
	rows := make([]string, 0, height+1)
	for r := 0; r < height; r++ {
		var run runs
		floor := (height - 1 - r) * 8
		for _, c := range cols {
			total, errH := scale(c.N), scale(c.Err)
			cell := min(max(total-floor, 0), 8)
			switch {
			case cell == 0:
				run.add(nil, " ")
			case errH > floor:
				glyph := eighths[cell]
				if st.Mono && cell == 8 {
					glyph = monoErr
				}
				run.add(&st.Err, glyph)
			default:
				run.add(&st.Bar, eighths[cell])
			}
		}
		rows = append(rows, run.String())
	}
	var axis runs
	for i, c := range cols {
		switch {
		case i == cursor:
			axis.add(&st.Cursor, cursorGlyph)
		case c.Start:
			axis.add(&st.Restart, startGlyph)
		case c.Stop:
			axis.add(&st.Restart, stopGlyph)
		default:
			axis.add(&st.Bar, axisGlyph)
		}
	}
	return append(rows, axis.String())
}

// runs builds a row from cells, rendering each run of cells of one style
// at once: a style per cell would cost a frame more than all the lines.
type runs struct {
	out strings.Builder
	cur *lipgloss.Style
	buf strings.Builder
}

func (r *runs) add(st *lipgloss.Style, glyph string) {
	if st != r.cur {
		r.flush()
		r.cur = st
	}
	r.buf.WriteString(glyph)
}

func (r *runs) flush() {
	if r.buf.Len() == 0 {
		return
	}
	if r.cur == nil {
		r.out.WriteString(r.buf.String())
	} else {
		r.out.WriteString(r.cur.Render(r.buf.String()))
	}
	r.buf.Reset()
}

func (r *runs) String() string {
	r.flush()
	return r.out.String()
}

// Col returns the column of time t in width columns spanning [from, to),
// clamped to the strip.
func Col(t, from, to int64, width int) int {
	if to <= from || width <= 0 {
		return 0
	}
	c := int(float64(t-from) / float64(to-from) * float64(width))
	return min(max(c, 0), width-1)
}

// ColStart returns the time at which column c of width columns spanning
// [from, to) starts.
func ColStart(c int, from, to int64, width int) int64 {
	if width <= 0 {
		return from
	}
	return from + int64(float64(to-from)*float64(c)/float64(width))
}
