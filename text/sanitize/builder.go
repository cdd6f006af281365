package sanitize

import (
	"strings"
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
			if state != ansi.NormalState {
				// Unterminated: a terminal would swallow the rest of the
				// line. Show the introducer and read on as text, so nothing
				// after it is hidden (or cut short with the sequence).
				n = 1
				if len(seq) > 1 && strings.IndexByte("[]PX^_", seq[1]) >= 0 {
					n = 2
				}
				seq = seq[:n]
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
