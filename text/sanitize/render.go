package sanitize

import "github.com/charmbracelet/x/ansi"

// result renders the laid-out line.
func (b *builder) result() Result {
	var text []byte
	var runs []run
	if b.cellMode {
		// The cursor may have stopped past the text (after an erase or a
		// tab); a terminal shows nothing there.
		text, runs = b.flatten()
	} else {
		b.pad() // a trailing tab expands to spaces
		text, runs = b.buf, b.runs
	}
	if b.resegment && mayHaveJoiner(text) {
		text = b.normalize(text, runs)
	}
	var res Result
	res.Overstruck = b.overstruck
	res.Plain = string(text)
	styled := b.opt.Color && hasStyle(b.styles, runs)
	out := b.out[:0]
	cur := plainIdx
	if !b.resegment {
		// The graphemes measured while laying out are the final ones.
		res.Width = b.col
		if styled {
			for i, r := range runs {
				end := len(text)
				if i+1 < len(runs) {
					end = runs[i+1].off
				}
				out, cur = b.emitStyle(out, cur, r.st)
				out = append(out, text[r.off:end]...)
			}
		}
	} else {
		// Measure and style whole graphemes of the final text, exactly as
		// ansi.StringWidth splits it, so a style change never splits one.
		ri := 0
		for i := 0; i < len(res.Plain); {
			g, w := ansi.FirstGraphemeCluster(res.Plain[i:], ansi.GraphemeWidth)
			if len(g) == 0 {
				g = res.Plain[i : i+1]
			}
			res.Width += w
			if styled {
				for ri+1 < len(runs) && runs[ri+1].off <= i {
					ri++
				}
				if ri < len(runs) {
					out, cur = b.emitStyle(out, cur, runs[ri].st)
				}
				out = append(out, g...)
			}
			i += len(g)
		}
	}
	if !styled {
		res.Styled = res.Plain
		return res
	}
	out = appendSGR(out, b.styles[cur], style{})
	res.Styled = string(out)
	b.out = out
	return res
}

// emitStyle appends the SGR that changes the style from cur to st, if they
// differ, and returns the new current style.
func (b *builder) emitStyle(out []byte, cur, st uint32) ([]byte, uint32) {
	if b.styles[st] == b.styles[cur] {
		return out, cur
	}
	return appendSGR(out, b.styles[cur], b.styles[st]), st
}

// hasStyle reports whether any run is drawn with a non-default style.
func hasStyle(styles []style, runs []run) bool {
	for _, r := range runs {
		if styles[r.st] != (style{}) {
			return true
		}
	}
	return false
}

// flatten turns the cells of overstrike mode back into text and style runs,
// dropping trailing erased cells.
func (b *builder) flatten() ([]byte, []run) {
	end := len(b.cells)
	for end > 0 && b.cells[end-1].erased {
		end--
	}
	text := b.buf[:0]
	runs := b.runs[:0]
	for _, c := range b.cells[:end] {
		if c.w == 0 {
			continue
		}
		if len(runs) == 0 || b.styles[runs[len(runs)-1].st] != b.styles[c.st] {
			runs = append(runs, run{off: len(text), st: c.st})
		}
		text = append(text, b.text(c)...)
	}
	b.buf, b.runs = text, runs
	return text, runs
}
