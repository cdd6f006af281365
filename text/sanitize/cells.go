package sanitize

import "github.com/charmbracelet/x/ansi"

// cell is one screen column in overstrike mode. A wide grapheme takes two:
// its head (w == 2) and a right half (w == 0, no text). A blank cell (w == 1,
// no text) shows a space.
type cell struct {
	off    uint32 // text in builder.arena
	n      uint32
	w      uint8
	erased bool // blanked by an erase; trailing erased cells are dropped
	st     uint32
}

// space is the text of a blank cell.
var space = []byte{' '}

// text returns the text a cell shows.
func (b *builder) text(c cell) []byte {
	if c.n == 0 {
		if c.w == 0 {
			return nil
		}
		return space
	}
	return b.arena[c.off : c.off+c.n]
}

// toCells switches to overstrike mode, turning the text so far into cells.
func (b *builder) toCells() {
	b.cellMode, b.resegment = true, true
	b.blanks = 0
	b.arena = append(b.arena[:0], b.buf...)
	b.cells = b.cells[:0]
	ri := 0
	for i := 0; i < len(b.arena); {
		for ri+1 < len(b.runs) && b.runs[ri+1].off <= i {
			ri++
		}
		st := plainIdx
		if ri < len(b.runs) {
			st = b.runs[ri].st
		}
		if b.arena[i] < 0x80 && (i+1 == len(b.arena) || b.arena[i+1] < 0x80) {
			b.cells = append(b.cells, cell{off: uint32(i), n: 1, w: 1, st: st})
			i++
			continue
		}
		g, w := ansi.FirstGraphemeCluster(b.arena[i:], ansi.GraphemeWidth)
		if len(g) == 0 {
			g = b.arena[i : i+1]
		}
		if w == 0 && len(b.cells) > 0 {
			last := &b.cells[len(b.cells)-1]
			if last.w == 0 {
				last = &b.cells[len(b.cells)-2]
			}
			if int(last.off)+int(last.n) == i {
				last.n += uint32(len(g))
			}
		} else if w > 0 {
			if w > 2 {
				w = 2
			}
			b.cells = append(b.cells, cell{off: uint32(i), n: uint32(len(g)), w: uint8(w), st: st})
			if w == 2 {
				b.cells = append(b.cells, cell{w: 0, st: st})
			}
		}
		i += len(g)
	}
}

// cellPut writes a grapheme of width 1 or 2 at the cursor in overstrike mode.
func (b *builder) cellPut(g []byte, w int, st uint32) {
	b.pad()
	end := b.pos + w
	// A wide grapheme that is half overwritten leaves a blank in its other half.
	if b.pos < len(b.cells) && b.cells[b.pos].w == 0 && b.pos > 0 {
		b.overwrite(b.pos-1, cell{w: 1})
	}
	if end < len(b.cells) && b.cells[end].w == 0 {
		b.overwrite(end, cell{w: 1})
	}
	off := uint32(len(b.arena))
	b.arena = append(b.arena, g...)
	head := cell{off: off, n: uint32(len(g)), w: uint8(w), st: st}
	b.overwrite(b.pos, head)
	if w == 2 {
		b.overwrite(b.pos+1, cell{w: 0, st: st})
	}
	b.pos = end
}

// overwrite sets column i to c, noting when visible text is replaced.
func (b *builder) overwrite(i int, c cell) {
	if i == len(b.cells) {
		b.cells = append(b.cells, c)
		return
	}
	old := b.cells[i]
	if !b.blank(old) && (old.w != c.w || b.styles[old.st] != b.styles[c.st] ||
		string(b.text(old)) != string(b.text(c))) {
		b.overstruck = true
	}
	b.cells[i] = c
	b.blanks = min(b.blanks, i)
}

// blank reports whether a cell shows nothing that could be hidden.
func (b *builder) blank(c cell) bool {
	return c.erased || c.w == 1 && (c.n == 0 || c.n == 1 && b.arena[c.off] == ' ')
}

// erase handles erase in line: 0 from the cursor to the end, 1 from the
// start to the cursor, 2 the whole line. The cursor does not move.
func (b *builder) erase(mode int) {
	if !b.cellMode {
		if b.col == 0 || mode == 0 && b.pos >= b.col {
			return
		}
		b.toCells()
	}
	from, to := 0, len(b.cells) // columns [from, to) are erased
	switch mode {
	case 0:
		from = b.pos
	case 1:
		to = min(b.pos+1, len(b.cells))
	}
	if to == len(b.cells) {
		b.blanks = min(b.blanks, from)
	}
	from = max(from, b.blanks)
	if from >= to {
		return
	}
	if from > 0 && b.cells[from].w == 0 {
		from-- // the head of a wide grapheme whose right half is erased
	}
	if to < len(b.cells) && b.cells[to].w == 0 {
		to++ // the right half of a wide grapheme whose head is erased
	}
	for i := from; i < to; i++ {
		if !b.blank(b.cells[i]) && b.cells[i].w != 0 {
			b.overstruck = true
		}
	}
	if to == len(b.cells) {
		b.cells = b.cells[:from]
		return
	}
	for i := from; i < to; i++ {
		b.cells[i] = cell{w: 1, erased: true}
	}
	if from <= b.blanks {
		b.blanks = to
	}
}
