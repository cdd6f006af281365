package sanitize

import (
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// putText draws text, which holds no controls, grapheme by grapheme.
func (b *builder) putText(text []byte, st uint32) {
	b.seam = true
	for i := 0; i < len(text); {
		c := text[i]
		if c < 0x80 && !b.cellMode && b.pos == b.col {
			// A span of ASCII goes in whole; its last byte is left for the
			// grapheme path when a non-ASCII byte (maybe a combining mark)
			// follows it.
			j := i + 1
			for j < len(text) && text[j] < 0x80 {
				j++
			}
			if j < len(text) {
				j--
			}
			if j > i {
				b.appendASCII(text[i:j], st)
				i = j
				continue
			}
		}
		if c < 0x80 && (i+1 == len(text) || text[i+1] < 0x80) {
			b.put(text[i:i+1], 1, 0, 1, st)
			i++
			continue
		}
		g, w := ansi.FirstGraphemeCluster(text[i:], ansi.GraphemeWidth)
		if len(g) == 0 {
			g = text[i : i+1]
		}
		i += len(g)
		if loneRegional(g) {
			// Half a flag: measured 2 cells or 1 depending on the method.
			r, _ := utf8.DecodeRune(g)
			b.putText(appendRuneEscape(nil, r), visIdx)
			b.seam = true
			continue
		}
		if len(g) > 4 && hasJoiner(g) && ansi.StringWidthWc(string(g)) != w {
			// An emoji sequence the two width methods disagree on is
			// taken apart (see width.go).
			b.putText(stripJoiners(g), st)
			b.seam = true
			continue
		}
		g, marks, runes := b.capCluster(g)
		if w > 2 {
			w = 2
			b.resegment = true
		}
		b.put(g, w, marks, runes, st)
	}
}

// appendASCII appends printable ASCII at the end of the text in append mode.
func (b *builder) appendASCII(text []byte, st uint32) {
	b.checkSeam(text[0])
	if len(b.runs) == 0 || b.styles[b.runs[len(b.runs)-1].st] != b.styles[st] {
		b.runs = append(b.runs, run{off: len(b.buf), st: st})
	}
	b.buf = append(b.buf, text...)
	b.col += len(text)
	b.pos = b.col
	b.lastMarks, b.lastRunes = 0, 1
}

// capCluster drops combining marks beyond maxMarks and runes beyond
// maxClusterRunes from one grapheme, returning the grapheme and how many
// marks and runes it keeps.
func (b *builder) capCluster(g []byte) ([]byte, int, int) {
	marks, runes, over := 0, 0, false
	for i := 0; i < len(g); {
		r, n := utf8.DecodeRune(g[i:])
		i += n
		runes++
		if isMark(r) {
			marks++
		}
		if marks > maxMarks || runes > maxClusterRunes {
			over = true
			break
		}
	}
	if !over {
		return g, marks, runes
	}
	b.resegment = true
	return limitCluster(nil, g, 0, 0)
}

// limitCluster appends to out the runes of g that fit once marks and runes
// are already taken, returning the new counts.
func limitCluster(out, g []byte, marks, runes int) ([]byte, int, int) {
	for i := 0; i < len(g); {
		r, n := utf8.DecodeRune(g[i:])
		mark := isMark(r)
		if runes < maxClusterRunes && (!mark || marks < maxMarks) {
			out = append(out, g[i:i+n]...)
			runes++
			if mark {
				marks++
			}
		}
		i += n
	}
	return out, marks, runes
}

func isMark(r rune) bool {
	return r >= 0x300 && (unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r))
}

// put writes one grapheme of width w (0, 1 or 2) at the cursor.
func (b *builder) put(g []byte, w, marks, runes int, st uint32) {
	if w == 0 {
		b.attach(g)
		return
	}
	if !b.cellMode {
		if b.pos >= b.col {
			b.pad()
			b.checkSeam(g[0])
			if len(b.runs) == 0 || b.styles[b.runs[len(b.runs)-1].st] != b.styles[st] {
				b.runs = append(b.runs, run{off: len(b.buf), st: st})
			}
			b.buf = append(b.buf, g...)
			b.col += w
			b.pos += w
			b.lastMarks, b.lastRunes = marks, runes
			return
		}
		b.toCells()
	}
	b.cellPut(g, w, st)
}

// pad fills the columns a tab skipped past the end of the text with spaces.
func (b *builder) pad() {
	if b.cellMode {
		for len(b.cells) < b.pos {
			b.cells = append(b.cells, cell{w: 1})
		}
		return
	}
	if b.pos <= b.col {
		return
	}
	if len(b.runs) == 0 || b.styles[b.runs[len(b.runs)-1].st] != (style{}) {
		b.runs = append(b.runs, run{off: len(b.buf), st: plainIdx})
	}
	b.checkSeam(' ')
	for ; b.col < b.pos; b.col++ {
		b.buf = append(b.buf, ' ')
	}
	b.lastMarks, b.lastRunes = 0, 1
	b.seam = true
}

// checkSeam notes, when text starting with byte c is appended at a seam,
// whether it might join the grapheme before it. Printable ASCII next to
// printable ASCII never does; anything else might.
func (b *builder) checkSeam(c byte) {
	if b.seam && len(b.buf) > 0 && (c >= 0x80 || b.buf[len(b.buf)-1] >= 0x80) {
		b.resegment = true
	}
	b.seam = false
}

// attach adds a zero-width grapheme (a stray combining mark, a zero-width
// space) to the grapheme left of the cursor, as a terminal does. With
// nothing to its left it is dropped.
func (b *builder) attach(g []byte) {
	if !b.cellMode {
		if b.pos != b.col {
			if b.pos < b.col {
				b.toCells()
				b.attach(g)
			}
			return
		}
		if b.col == 0 {
			return
		}
		// Joined to the grapheme before, a mark may change its width (a
		// variation selector can widen an emoji).
		b.resegment = true
		b.buf, b.lastMarks, b.lastRunes = limitCluster(b.buf, g, b.lastMarks, b.lastRunes)
		return
	}
	k := b.pos - 1
	if k >= len(b.cells) || k < 0 {
		return
	}
	if b.cells[k].w == 0 && k > 0 {
		k--
	}
	c := &b.cells[k]
	if c.n > maxAttach {
		return
	}
	old := b.text(*c)
	marks, runes := 0, 0
	for i := 0; i < len(old); {
		r, n := utf8.DecodeRune(old[i:])
		i += n
		runes++
		if isMark(r) {
			marks++
		}
	}
	if marks >= maxMarks || runes >= maxClusterRunes {
		return
	}
	off := len(b.arena)
	b.arena = append(b.arena, old...)
	b.arena, _, _ = limitCluster(b.arena, g, marks, runes)
	c.off, c.n, c.erased = uint32(off), uint32(len(b.arena)-off), false
	b.blanks = min(b.blanks, k)
}
