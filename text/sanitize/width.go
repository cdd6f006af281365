package sanitize

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Two ways of measuring text are in play: lipgloss and ansi.StringWidth
// split text into graphemes, while Bubble Tea's renderer counts rune by rune
// (wcwidth) unless the terminal reports grapheme support (mode 2027), which
// tmux does not. For most text they agree. Emoji sequences are where they
// do not: "⚠️" (with VS16) is 2 cells as a grapheme and 1 by runes; a ZWJ
// family is 2 against 6; a skin tone 2 against 4. A line holding one would
// be laid out at one width and drawn at another, pushing the frame's border
// out of place. So such sequences are taken apart into their plain emoji:
// the joiners, presentation selectors, skin tones and keycap marks are
// dropped, after which both ways agree. Scripts whose clusters the two ways
// measure differently for other reasons (some Indic and Thai vowel signs,
// decomposed Hangul) are left alone: no edit would keep them readable.

// joiner reports whether r only serves to join or restyle an emoji sequence.
func joiner(r rune) bool {
	switch {
	case r == 0x200d, r == 0xfe0e, r == 0xfe0f, r == 0x20e3:
		return true
	case r >= 0x1f3fb && r <= 0x1f3ff: // skin tone modifiers
		return true
	}
	return false
}

// loneRegional reports whether g is a single regional indicator: half a
// flag, 2 cells as a grapheme and 1 by runes.
func loneRegional(g []byte) bool {
	if len(g) != 4 {
		return false
	}
	r, _ := utf8.DecodeRune(g)
	return r >= 0x1f1e6 && r <= 0x1f1ff
}

// putText takes such sequences apart as it lays text out; normalize catches
// the ones that only form when the final text is put together (an emoji and
// its selector split by a colour change, or joined by an overstrike).

// normalize drops the joiners from every grapheme of text that the two ways
// of measuring disagree on, and moves each style run that starts inside a
// grapheme to that grapheme's end (a grapheme is drawn in the style of its
// first byte either way). It returns the new text and runs, reusing runs.
func (b *builder) normalize(text []byte, runs []run) []byte {
	var out []byte
	changed := false // out holds the text so far
	ri := 0
	for i := 0; i < len(text); {
		g, w := ansi.FirstGraphemeCluster(text[i:], ansi.GraphemeWidth)
		if len(g) == 0 {
			g = text[i : i+1]
		}
		end := i + len(g)
		keep := g
		if len(g) > 4 && hasJoiner(g) && ansi.StringWidthWc(string(g)) != w {
			keep = stripJoiners(g)
			if !changed {
				out, changed = append(b.norm[:0], text[:i]...), true
			}
		}
		newStart, newEnd := i, end
		if changed {
			newStart = len(out)
			out = append(out, keep...)
			newEnd = len(out)
		}
		for ; ri < len(runs) && runs[ri].off < end; ri++ {
			if runs[ri].off <= i {
				runs[ri].off = newStart
			} else {
				runs[ri].off = newEnd
			}
		}
		i = end
	}
	if !changed {
		return text
	}
	b.norm = out
	return out
}

// mayHaveJoiner reports whether text holds a joiner, from the UTF-8
// encodings of each: a quick test before the work of normalize.
func mayHaveJoiner(text []byte) bool {
	for i := 0; i+2 < len(text); i++ {
		switch text[i] {
		case 0xe2: // U+200D, U+20E3
			if text[i+1] == 0x80 && text[i+2] == 0x8d || text[i+1] == 0x83 && text[i+2] == 0xa3 {
				return true
			}
		case 0xef: // U+FE0E, U+FE0F
			if text[i+1] == 0xb8 && (text[i+2] == 0x8e || text[i+2] == 0x8f) {
				return true
			}
		case 0xf0: // U+1F3FB–U+1F3FF
			if i+3 < len(text) && text[i+1] == 0x9f && text[i+2] == 0x8f && text[i+3] >= 0xbb && text[i+3] <= 0xbf {
				return true
			}
		}
	}
	return false
}

func hasJoiner(g []byte) bool {
	for i := 0; i < len(g); {
		r, n := utf8.DecodeRune(g[i:])
		if joiner(r) {
			return true
		}
		i += n
	}
	return false
}

// stripJoiners returns g without its joiners. If nothing would be left, it
// keeps g's first rune.
func stripJoiners(g []byte) []byte {
	out := make([]byte, 0, len(g))
	for i := 0; i < len(g); {
		r, n := utf8.DecodeRune(g[i:])
		if !joiner(r) {
			out = append(out, g[i:i+n]...)
		}
		i += n
	}
	if len(out) == 0 {
		_, n := utf8.DecodeRune(g)
		out = append(out, g[:n]...)
	}
	return out
}
