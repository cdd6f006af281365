package resumecmd

import (
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Rows lays the command out in rows of at most width cells for showing on
// screen, continued from row to row with a trailing backslash, so that a
// mouse selection across the rows (which ends each row with a newline, and
// drops trailing blanks in tmux) pastes as one working command. Rows break
// between arguments; an argument too long for a row is cut into pieces,
// each quoted on its own, which the shell joins back into one word. Only a
// pane too narrow for a single quoted character gets rows wider than width.
func (c Command) Rows(width int) []string {
	var rows []string
	cur := ""
	for _, a := range c.args {
		pieces := split(a, width)
		if len(pieces) == 1 {
			word := pieces[0]
			switch {
			case cur == "":
				cur = word
			case ansi.StringWidth(cur)+1+ansi.StringWidth(word)+len(" \\") <= width:
				cur += " " + word
			default:
				rows = append(rows, cur+" \\")
				cur = word
			}
			continue
		}
		if cur != "" {
			rows = append(rows, cur+" \\")
		}
		for _, p := range pieces[:len(pieces)-1] {
			rows = append(rows, p+"\\")
		}
		cur = pieces[len(pieces)-1]
	}
	return append(rows, cur)
}

// split quotes a in one piece when that fits in a row with the " \" that
// may follow it, else in as few pieces as it takes, each leaving room for
// the "\" that continues it. Pieces are cut between runes (or invalid
// bytes) and each is quoted by itself: written one after the other they
// are the same word.
func split(a string, width int) []string {
	q := Quote(a)
	if ansi.StringWidth(q)+len(" \\") <= width || a == "" {
		return []string{q}
	}
	var pieces []string
	for a != "" {
		n := fit(a, width-len("\\"))
		pieces = append(pieces, Quote(a[:n]))
		a = a[n:]
	}
	return pieces
}

// fit is how many bytes of a, at least one rune, make a piece whose quoted
// form is at most width cells.
func fit(a string, width int) int {
	_, n := utf8.DecodeRuneInString(a)
	for n < len(a) {
		_, size := utf8.DecodeRuneInString(a[n:])
		if ansi.StringWidth(Quote(a[:n+size])) > width {
			break
		}
		n += size
	}
	return n
}
