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
// may follow it, else in as few pieces as it takes, each leaving that same
// room (the last piece may share its row with the next argument). Each
// piece is quoted by itself: written one after the other they are the same
// word.
func split(a string, width int) []string {
	q := Quote(a)
	if ansi.StringWidth(q)+len(" \\") <= width || a == "" {
		return []string{q}
	}
	var pieces []string
	for a != "" {
		n := fit(a, width-len(" \\"))
		pieces = append(pieces, Quote(a[:n]))
		a = a[n:]
	}
	return pieces
}

// fit is how many bytes of a, at least one rune, make a piece whose quoted
// form is at most width cells. It searches by halves, since the form is
// quoted whole and a long path would otherwise be quoted once per rune. A
// cut goes at the start of a rune where there is one; a cut inside a rune
// still gives back the same bytes, each half spelled as \xHH escapes.
func fit(a string, width int) int {
	_, first := utf8.DecodeRuneInString(a)
	lo, hi := first, len(a)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		cut := mid
		for cut > lo && cut < len(a) && !utf8.RuneStart(a[cut]) {
			cut--
		}
		if cut == lo {
			cut = mid
		}
		if ansi.StringWidth(Quote(a[:cut])) <= width {
			lo = cut
		} else {
			hi = cut - 1
		}
	}
	return lo
}
