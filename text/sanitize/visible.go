package sanitize

import (
	"unicode/utf8"
)

// The visible forms of what must not reach a terminal. Control characters
// become Unicode control pictures (␛, ␇, ␍ …), bytes that are not UTF-8
// but would be C1 controls to an 8-bit terminal become \x9b, and invisible
// characters that reorder or hide text become <U+202E>.

// pictures holds the control picture of every C0 control.
var pictures = func() (p [0x20]string) {
	for c := range p {
		p[c] = string(rune(0x2400 + c))
	}
	return p
}()

// picture returns the visible form of a C0 control or DEL.
func picture(c byte) string {
	switch c {
	case 0x7f:
		return "␡"
	case '\n':
		return "␤" // clearer than the picture for LF, ␊
	}
	return pictures[c]
}

const hexDigits = "0123456789ABCDEF"

// appendRawByte appends the visible form of a byte that is not valid UTF-8:
// \x9b for the range a terminal could take as a C1 control, U+FFFD for any
// other.
func appendRawByte(out []byte, c byte) []byte {
	if c >= 0x80 && c <= 0x9f {
		return append(out, '\\', 'x', hexDigits[c>>4]|0x20, hexDigits[c&0xf]|0x20)
	}
	return append(out, "\uFFFD"...)
}

// appendRuneEscape appends <U+XXXX>, the visible form of a dangerous rune.
func appendRuneEscape(out []byte, r rune) []byte {
	out = append(out, "<U+"...)
	digits := 4
	for v := r >> 16; v > 0; v >>= 4 {
		digits++
	}
	for i := digits - 1; i >= 0; i-- {
		out = append(out, hexDigits[(r>>(4*i))&0xf])
	}
	return append(out, '>')
}

// dangerous reports whether r must be shown as <U+XXXX> rather than drawn:
// C1 controls, bidi overrides, embeddings, isolates and marks (they reorder
// what is displayed, e.g. to make "txt.exe" look like "exe.txt"), line and
// paragraph separators, interlinear annotations, and Unicode tags (invisible
// text) outside an emoji flag sequence. prev is the rune before r in the
// same run of text, or 0.
func dangerous(r, prev rune) bool {
	switch {
	case r < 0x80:
		return false
	case r <= 0x9f:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	case r >= 0xfff9 && r <= 0xfffb:
		return true
	case r == 0xe0001:
		return true
	case r >= 0xe0020 && r <= 0xe007f:
		// Tags only belong after a black flag (🏴) or another tag.
		return prev != 0x1f3f4 && (prev < 0xe0020 || prev > 0xe007f)
	}
	return false
}

// appendVisibleSeq appends the visible form of an escape sequence that is
// not interpreted: ESC becomes ␛, other controls their picture, and the rest
// is treated as text that is itself made safe. When limit > 0, at most limit
// bytes of seq are shown, followed by "…".
func appendVisibleSeq(out []byte, seq []byte, limit int) []byte {
	for i := 0; i < len(seq); {
		if limit > 0 && i >= limit {
			return append(out, "…"...)
		}
		c := seq[i]
		switch {
		case c < 0x20 || c == 0x7f:
			out = append(out, picture(c)...)
			i++
		case c < 0x80:
			out = append(out, c)
			i++
		default:
			r, n := utf8.DecodeRune(seq[i:])
			switch {
			case r == utf8.RuneError && n <= 1:
				out = appendRawByte(out, c)
				n = 1
			case dangerous(r, 0):
				out = appendRuneEscape(out, r)
			default:
				out = append(out, seq[i:i+n]...)
			}
			i += n
		}
	}
	return out
}
