package sanitize

import (
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Limits that keep hostile text from blowing up one cell.
const (
	// maxMarks caps the combining marks kept in one grapheme (Zalgo text).
	maxMarks = 4
	// maxClusterRunes caps the runes kept in one grapheme. The longest real
	// emoji sequences have about ten.
	maxClusterRunes = 16
	// visLimit caps how much of an uninterpreted sequence the normal view
	// shows (a clipboard write can carry megabytes of base64).
	visLimit = 48
	// maxTabWidth bounds Options.TabWidth, and so what one tab can add.
	maxTabWidth = 32
	// maxAttach is the longest grapheme (in bytes) a stray mark is still
	// attached to; longer ones are already past every cap.
	maxAttach = 64
)

// Style indices every builder starts with.
const (
	plainIdx uint32 = 0 // the default style
	visIdx   uint32 = 1 // visible escapes
)

// run marks where a style starts in the append-mode text.
type run struct {
	off int
	st  uint32 // index into builder.styles
}

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

// builder lays out one line. It starts in append mode, where text only ever
// goes at the end (almost every line); the first write that lands before the
// end (after \r, \b or an erase) switches it to a column grid that is
// overwritten cell by cell, as a terminal would.
type builder struct {
	opt    Options
	tab    int
	styles []style // index plainIdx and visIdx are fixed
	sgr    style   // the program's SGR state, as a terminal would hold it
	stIdx  uint32  // the style text is drawn with now (sgr.drawn())
	params []sgrParam

	pos int // cursor column
	// resegment says the text must be split into graphemes again at the
	// end: pieces that were measured apart may join (a mark after a colour
	// change, a grapheme changed by a cap, any overstrike). Otherwise the
	// columns counted while laying out are the width.
	resegment bool
	seam      bool   // the next text appended was measured apart from the text before it
	vis       []byte // scratch for visible forms
	out       []byte // scratch for Styled
	norm      []byte // scratch for normalize

	// Append mode.
	buf       []byte
	runs      []run
	col       int // columns in buf
	lastMarks int // marks in the last grapheme of buf
	lastRunes int // runes in the last grapheme of buf

	// Overstrike mode.
	cellMode   bool
	cells      []cell
	arena      []byte
	blanks     int // cells[:blanks] are known to be erased, so erasing them again is free
	overstruck bool
}

func (b *builder) reset(opt Options) {
	b.opt = opt
	b.tab = opt.TabWidth
	if b.tab <= 0 {
		b.tab = 8
	}
	b.tab = min(b.tab, maxTabWidth)
	vs := style{}
	if opt.MarkStyle && opt.Color {
		vs.attrs = attrDim
	}
	b.styles = append(b.styles[:0], style{}, vs)
	b.sgr, b.stIdx = style{}, plainIdx
	b.pos, b.resegment, b.seam = 0, false, false
	b.buf, b.runs, b.col, b.lastMarks, b.lastRunes = b.buf[:0], b.runs[:0], 0, 0, 0
	b.cellMode, b.cells, b.arena, b.blanks, b.overstruck = false, b.cells[:0], b.arena[:0], 0, false
}

// process lays out text.
func (b *builder) process(text []byte) {
	for i := 0; i < len(text); {
		if j := textRun(text, i); j > i {
			b.putText(text[i:j], b.stIdx)
			i = j
			continue
		}
		c := text[i]
		switch {
		case c == ansi.ESC:
			seq, _, n, state := ansi.DecodeSequence(text[i:], ansi.NormalState, nil)
			if n <= 0 {
				seq, n = text[i:i+1], 1
			}
			b.escape(seq, state != ansi.NormalState)
			i += n
		case c < 0x20 || c == 0x7f:
			b.control(c)
			i++
		default:
			r, n := utf8.DecodeRune(text[i:])
			switch {
			case r == utf8.RuneError && n <= 1 && c >= 0xa0:
				b.putText([]byte("\uFFFD"), b.stIdx) // invalid UTF-8 is ordinary text
				n = 1
			case r == utf8.RuneError && n <= 1:
				b.vis = appendRawByte(b.vis[:0], c)
				b.putText(b.vis, visIdx)
				n = 1
			default:
				b.vis = appendRuneEscape(b.vis[:0], r)
				b.putText(b.vis, visIdx)
			}
			i += n
		}
	}
}

// textRun returns the end of the run of drawable text starting at i: valid
// UTF-8 without controls, escapes or dangerous runes.
func textRun(text []byte, i int) int {
	var prev rune
	for i < len(text) {
		c := text[i]
		if c >= 0x20 && c < 0x7f {
			i++
			prev = rune(c)
			continue
		}
		if c < 0x80 {
			return i
		}
		r, n := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && n <= 1 || dangerous(r, prev) {
			return i
		}
		i += n
		prev = r
	}
	return i
}

// control handles a C0 control or DEL.
func (b *builder) control(c byte) {
	if !b.opt.Raw {
		switch c {
		case '\t':
			b.pos = (b.pos/b.tab + 1) * b.tab
			return
		case '\r':
			b.pos = 0
			return
		case '\b':
			if b.pos > 0 {
				b.pos--
			}
			return
		}
	}
	b.putText([]byte(picture(c)), visIdx)
}

// escape handles one escape sequence starting with ESC.
func (b *builder) escape(seq []byte, unterminated bool) {
	if !unterminated && len(seq) >= 3 {
		switch seq[1] {
		case '[':
			if b.csi(seq) {
				return
			}
		case ']':
			// OSC 8 hyperlinks are dropped: the link text stays, as plain
			// text, and its target never reaches the terminal.
			if !b.opt.Raw && oscNumber(seq[2:]) == 8 {
				return
			}
		case '(', ')', '*', '+', '-', '.', '/':
			// Character set designations (ESC ( B follows every tput sgr0)
			// are dropped: text is always shown as it is.
			if !b.opt.Raw && len(seq) == 3 {
				return
			}
		}
	}
	limit := visLimit
	if b.opt.Raw {
		limit = 0
	}
	b.vis = appendVisibleSeq(b.vis[:0], seq, limit)
	b.putText(b.vis, visIdx)
}

// csi handles a complete CSI sequence and reports whether it was consumed;
// false means it is to be shown.
func (b *builder) csi(seq []byte) bool {
	params, final := seq[2:len(seq)-1], seq[len(seq)-1]
	if final == 'm' && isSGRParams(params) {
		if b.opt.Color {
			b.params = splitSGR(params, b.params)
			b.sgr = applySGR(b.sgr, b.params)
			b.setStyle(b.sgr.drawn())
		}
		return !b.opt.Raw
	}
	if b.opt.Raw {
		return false
	}
	p := string(params) // does not allocate for the comparisons below
	switch final {
	case 'K': // erase in line
		switch p {
		case "", "0":
			b.erase(0)
			return true
		case "1":
			b.erase(1)
			return true
		case "2":
			b.erase(2)
			return true
		}
	case 'G': // cursor to column 1 is a carriage return
		if p == "" || p == "0" || p == "1" {
			b.pos = 0
			return true
		}
	case 'h', 'l': // cursor visibility, cursor blink and bracketed paste
		if p == "?25" || p == "?12" || p == "?2004" {
			return true
		}
	}
	return false
}

// oscNumber returns the command number of an OSC payload, or -1.
func oscNumber(p []byte) int {
	n := -1
	for _, c := range p {
		if c < '0' || c > '9' {
			break
		}
		if n < 0 {
			n = 0
		}
		if n < maxParamValue {
			n = n*10 + int(c-'0')
		}
	}
	return n
}

// setStyle makes st the program's current style.
func (b *builder) setStyle(st style) {
	if b.styles[b.stIdx] == st {
		return
	}
	if st == (style{}) {
		b.sgr, b.stIdx = style{}, plainIdx
		return
	}
	b.styles = append(b.styles, st)
	b.stIdx = uint32(len(b.styles) - 1)
}

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
