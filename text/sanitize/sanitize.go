// Package sanitize makes untrusted log text safe to draw in a terminal (see
// docs/untrusted-text.md). Both front-ends use it: the viewer for every line
// it draws, print mode for every line it writes to a terminal and for every
// message on stderr.
//
// Sandboxes run untrusted code and its output reaches the user's terminal
// through sandtail, so every byte is treated as hostile. Escape sequences are
// found with a real VT parser (charmbracelet/x/ansi's DecodeSequence), and
// its state is reset on every call, so an unterminated sequence never leaks
// into the next line. What survives:
//
//   - SGR colours and attributes (basic, 256 and 24-bit colours; bold, dim,
//     italic, underline, reverse, strike), only with Options.Color, parsed
//     into bounded values and re-encoded. Blink, conceal and underline colour
//     are dropped, and a background too close to the foreground to read
//     text on (a contrast ratio under 1.5:1, with palette colours taken from
//     xterm's default palette; see contrast.go) is dropped so text cannot
//     hide in its own colour or nearly its own.
//
// What is resolved the way a terminal draws it: \r, \b, erase in line
// (CSI K) and cursor to column 1 (CSI G) overwrite the line cell by cell,
// and Result.Overstruck reports that visible text was hidden; \t expands to
// the next tab stop.
//
// What is dropped without a trace, because shells and progress bars emit it
// constantly and it cannot harm: cursor show/hide and blink (CSI ?25, ?12),
// bracketed paste (CSI ?2004), character set designations (ESC ( B), and
// OSC 8 hyperlinks, whose text stays as plain text while the target never
// reaches the terminal.
//
// Everything else is shown as a visible escape (dimmed with
// Options.MarkStyle): other sequences as ␛ followed by their bytes, cut after
// 48 bytes (␛]52;c;…, ␛[2J, ␛[?1049h, ␛P…); C0 controls as control pictures
// (␇, ␀, ␤ for a newline); raw C1 bytes as \x9b; C1 code points, bidi
// overrides, embeddings, isolates and marks, line separators and stray tag
// characters as <U+202E>. Invalid UTF-8 becomes U+FFFD. The raw view
// (Options.Raw) shows every control and sequence, SGR included, and resolves
// nothing.
//
// Widths are measured as ansi.StringWidth measures them. Graphemes keep at
// most four combining marks (Zalgo text), and emoji sequences that
// ansi.StringWidthWc would measure differently are taken apart (see
// width.go), so the layout and Bubble Tea's renderer agree even in tmux.
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
	// TabWidth is the distance between tab stops; 0 means 8, and it is at
	// most 32.
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

// OverstrikeMarker goes in front of a line whose Result.Overstruck is set,
// wherever the line is shown (the viewer, print mode on a terminal), so that
// "rm -rf /\rls -la" cannot pass for "ls -la".
const OverstrikeMarker = "⟲ "

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
	if cap(b.buf) <= maxPooled && cap(b.arena) <= maxPooled && cap(b.out) <= maxPooled &&
		cap(b.norm) <= maxPooled && cap(b.vis) <= maxPooled && cap(b.cells) <= maxPooled/16 &&
		cap(b.runs) <= maxPooled/16 && cap(b.styles) <= maxPooled/16 {
		builders.Put(b)
	}
	return res
}

// LineString is Line for text held as a string. For the common line of
// printable ASCII (with at most a trailing \r) it returns text itself, or a
// substring of it, without allocating.
func LineString(text string, opt Options) Result {
	trimmed := text
	if !opt.Raw {
		for len(trimmed) > 0 && trimmed[len(trimmed)-1] == '\r' {
			trimmed = trimmed[:len(trimmed)-1]
		}
	}
	for i := 0; i < len(trimmed); i++ {
		if c := trimmed[i]; c < 0x20 || c >= 0x7f {
			return Line([]byte(text), opt)
		}
	}
	return Result{Styled: trimmed, Plain: trimmed, Width: len(trimmed)}
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
			return LineString(s, Options{Raw: true}).Plain
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
