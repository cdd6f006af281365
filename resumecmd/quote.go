package resumecmd

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quote quotes s as one shell word. Words of characters that mean nothing
// to the shell stay bare; other printable text goes in single quotes, which
// POSIX shells take literally; text with anything unprintable (control
// characters, invalid UTF-8, bidi and other format characters) is written
// in bash's $'…' form, every such byte as \xHH, so the result is printable
// and shows what the bytes are.
func Quote(s string) string {
	switch {
	case s == "":
		return "''"
	case isBare(s):
		return s
	case isPrintable(s):
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return ansiC(s)
}

// isBare reports whether s needs no quoting: ASCII letters, digits and
// punctuation that no shell treats specially anywhere in a word.
func isBare(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-_./:=+,@%", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// isPrintable reports whether s is valid UTF-8 of printable runes only
// (unicode.IsPrint: no controls, no format characters, ASCII space only).
func isPrintable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			// A literal U+FFFD in s is printable, but telling it from an
			// invalid byte costs more than escaping it.
			return false
		}
	}
	return true
}

// ansiC writes s in $'…' form. Printable runes stay as they are except the
// backslash and the quote, which are escaped; '!' is escaped too, since an
// interactive bash may expand history inside $'…'; newline and tab are \n
// and \t; every other byte is \xHH, always two digits, so a following hex
// digit is never read into it.
func ansiC(s string) string {
	var b strings.Builder
	b.WriteString("$'")
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '\\' || r == '\'':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '!':
			b.WriteString(`\x21`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r != utf8.RuneError && unicode.IsPrint(r):
			b.WriteString(s[i : i+n])
		default:
			for _, c := range []byte(s[i : i+n]) {
				b.WriteString(`\x`)
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&15])
			}
		}
		i += n
	}
	b.WriteByte('\'')
	return b.String()
}

const hexDigits = "0123456789abcdef"
