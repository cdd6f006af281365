// Package sanitize makes untrusted log text safe to draw in a terminal
// (SPEC §7).
//
// Sandboxes run untrusted code and its output reaches the user's terminal
// through sandtail, so every byte is treated as hostile: escape sequences are
// parsed with a real VT parser (charmbracelet/x/ansi), state is reset on
// every call so an unterminated sequence never leaks into the next line, and
// only SGR colours and attributes survive, re-encoded from parsed and bounded
// values. Everything else (titles, clipboard writes, hyperlinks, device
// queries, cursor movement, mode sets, raw C1 bytes, bidi overrides) is
// dropped or shown as a visible escape such as ␛[2J, \x9b or <U+202E>.
//
// A \r or \b inside a line is resolved the way a terminal would draw it,
// cell by cell, and reported in Result.Overstruck so the viewer can show that
// something was overwritten; the raw view shows every control instead.
package sanitize

import (
	"sync"

	"github.com/charmbracelet/x/ansi"
)

// Options say how a line is made safe.
type Options struct {
	// Color keeps the program's SGR colours and attributes.
	Color bool
	// Raw shows every control character and escape sequence visibly
	// (including SGR, which is still applied when Color is on) and does not
	// resolve \r, \b or \t.
	Raw bool
	// TabWidth is the distance between tab stops; 0 means 8.
	TabWidth int
	// MarkStyle dims visible escapes with SGR 2. It only applies with Color.
	MarkStyle bool
}

// Result is one line made safe.
type Result struct {
	// Styled is the text with re-encoded SGR sequences (only when
	// Options.Color) and nothing else that a terminal would interpret. Each
	// sequence names only what changes (never a full reset, so a style drawn
	// around the line survives where the program set none), and the last one
	// returns everything the line set to the default. Without colour, or when
	// the line sets no style, it equals Plain.
	Styled string
	// Plain is the same visible text with no escape sequence at all: for
	// search, copy and measuring.
	Plain string
	// Width is the display width of Plain in cells, as ansi.StringWidth
	// measures it; ansi.StringWidth(Styled) is the same. Emoji sequences
	// that ansi.StringWidthWc (Bubble Tea's renderer in a terminal without
	// grapheme support, such as tmux) would measure differently are taken
	// apart first, so the two agree except for a few scripts (see width.go).
	Width int
	// Overstruck reports that a \r, \b or erase hid text that was already
	// drawn, so the view can mark the line.
	Overstruck bool
}

var builders = sync.Pool{New: func() any { return new(builder) }}

// maxPooled bounds the buffers a pooled builder keeps, so one huge line does
// not pin its memory for the rest of the program.
const maxPooled = 64 << 10

// Line makes one display line safe. text should not hold '\n'; if it does,
// each is shown as ␤. Line is safe for concurrent use.
func Line(text []byte, opt Options) Result {
	if !opt.Raw {
		// A trailing \r (CRLF output from a PTY) changes nothing on screen.
		trimmed := text
		for len(trimmed) > 0 && trimmed[len(trimmed)-1] == '\r' {
			trimmed = trimmed[:len(trimmed)-1]
		}
		if printableASCII(trimmed) {
			s := string(trimmed)
			return Result{Styled: s, Plain: s, Width: len(s)}
		}
	} else if printableASCII(text) {
		s := string(text)
		return Result{Styled: s, Plain: s, Width: len(s)}
	}
	b := builders.Get().(*builder)
	b.reset(opt)
	b.process(text)
	res := b.result()
	if cap(b.buf) <= maxPooled && cap(b.arena) <= maxPooled && cap(b.out) <= maxPooled && cap(b.norm) <= maxPooled && cap(b.cells) <= maxPooled/16 {
		builders.Put(b)
	}
	return res
}

// printableASCII reports whether text is only printable ASCII, the common
// case that needs no work at all.
func printableASCII(text []byte) bool {
	for _, c := range text {
		if c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// Plain makes text from outside a log line safe for a status line, a window
// title or an error message: no colour, every control character and escape
// shown visibly (a newline as ␤, a tab as ␉), nothing resolved.
func Plain(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return Line([]byte(s), Options{Raw: true}).Plain
		}
	}
	return s
}

// PlainLimit is Plain cut to at most width cells, ending in "…" when cut.
func PlainLimit(s string, width int) string {
	p := Plain(s)
	if ansi.StringWidth(p) <= width {
		return p
	}
	return ansi.Truncate(p, width, "…")
}

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
	if b.resegment {
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
