package tui

import (
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"
	"unicode/utf8"
)

// matcher finds a query in a line's plain text. The zero matcher (empty
// query) matches nothing.
type matcher struct {
	query string         // what the user typed, for display
	lit   string         // the literal to find; lowered when fold is set
	fold  bool           // case-insensitive (smart case: no upper-case letter typed)
	re    *regexp.Regexp // non-nil for a regular expression
	// regexFlag is true for a regular expression, so reopening the box
	// restores the mode.
	regexFlag bool
	// lowerRe is the case-sensitive form of a folding regex, matched
	// against ASCII lines lowered into buf: Go's (?i) matching cannot use
	// its fast literal scan, and this keeps a filter over a full buffer
	// interactive. It is nil when the pattern does not allow it.
	lowerRe *regexp.Regexp
	buf     []byte
}

// compileQuery builds a matcher from a query: literal, or a regular
// expression when regex is set. The mode is the box's toggle, shown on
// screen, and never a character of the query: a log is full of text like
// "/api/" or "!" that must be findable as it is. Smart case: any
// upper-case letter makes the search case-sensitive. An invalid regular
// expression is an error the caller shows while keeping its last good
// matcher.
func compileQuery(query string, regex bool) (*matcher, error) {
	m := &matcher{query: query, regexFlag: regex}
	pat := query
	if pat == "" {
		return nil, nil
	}
	m.fold = !hasUpper(pat)
	if regex {
		expr := pat
		if m.fold {
			expr = "(?i)" + expr
		}
		re, err := regexp.Compile(expr)
		if err != nil {
			return nil, fmt.Errorf("invalid regex: %w", unwrapSyntax(err))
		}
		m.re = re
		if m.fold && isASCII(pat) && !byteEscape.MatchString(pat) {
			// The pattern holds no upper-case letter, so on a lowered
			// line it matches exactly where (?i) matches the original.
			m.lowerRe, _ = regexp.Compile(pat)
		}
		return m, nil
	}
	m.lit = pat
	if m.fold {
		m.lit = strings.ToLower(pat)
	}
	return m, nil
}

// unwrapSyntax keeps regexp's message short: "missing closing )" rather
// than the whole "error parsing regexp: …: `…`".
func unwrapSyntax(err error) error {
	var se *syntax.Error
	if errors.As(err, &se) {
		return fmt.Errorf("%s", se.Code)
	}
	return err
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// isRegex reports whether m matches a regular expression.
func (m *matcher) isRegex() bool { return m != nil && m.re != nil }

// Match reports whether s holds the query. It allocates nothing for
// literal queries, so matching a full buffer stays fast.
func (m *matcher) Match(s string) bool {
	if m == nil {
		return false
	}
	if m.lowerRe != nil && isASCII(s) {
		m.buf = appendLowerASCII(m.buf[:0], s)
		return m.lowerRe.Match(m.buf)
	}
	if m.re != nil {
		return m.re.MatchString(s)
	}
	if !m.fold {
		return strings.Contains(s, m.lit)
	}
	return indexFold(s, m.lit, 0) >= 0
}

// Find returns the byte ranges of the matches in s, at most limit of them.
func (m *matcher) Find(s string, limit int) [][2]int {
	if m == nil {
		return nil
	}
	var out [][2]int
	if m.re != nil {
		for _, loc := range m.re.FindAllStringIndex(s, limit) {
			if loc[1] > loc[0] {
				out = append(out, [2]int{loc[0], loc[1]})
			}
		}
		return out
	}
	for from := 0; len(out) < limit; {
		var i int
		if m.fold {
			i = indexFold(s, m.lit, from)
		} else if j := strings.Index(s[from:], m.lit); j >= 0 {
			i = from + j
		} else {
			i = -1
		}
		if i < 0 {
			break
		}
		end := i + foldLen(s[i:], m.lit, m.fold)
		out = append(out, [2]int{i, end})
		from = end
	}
	return out
}

// indexFold finds lower (already lower-cased) in s from byte from,
// ignoring case. An ASCII query jumps between candidate first bytes with
// strings.IndexByte (vectorised) and compares in place, allocating
// nothing; other queries compare rune by rune.
func indexFold(s, lower string, from int) int {
	if lower == "" {
		return -1
	}
	if !isASCII(lower) {
		for i := from; i < len(s); i++ {
			if hasFoldPrefix(s[i:], lower) {
				return i
			}
		}
		return -1
	}
	lo := lower[0]
	up := lo
	if lo >= 'a' && lo <= 'z' {
		up = lo - ('a' - 'A')
	}
	// nextLo and nextUp are the next positions of each case of the first
	// byte, found once each and reused until passed, so every byte of s is
	// scanned at most twice.
	nextLo, nextUp := -2, -2
	for i := from; i+len(lower) <= len(s); {
		if nextLo != -1 && nextLo < i {
			nextLo = indexByteFrom(s, lo, i)
		}
		if up != lo && nextUp != -1 && nextUp < i {
			nextUp = indexByteFrom(s, up, i)
		}
		j := nextLo
		if up != lo && nextUp >= 0 && (j < 0 || nextUp < j) {
			j = nextUp
		}
		if j < 0 {
			return -1
		}
		if j+len(lower) <= len(s) && equalFoldASCII(s[j:j+len(lower)], lower) {
			return j
		}
		i = j + 1
	}
	return -1
}

// indexByteFrom is strings.IndexByte starting at from, as an index into s.
func indexByteFrom(s string, c byte, from int) int {
	if j := strings.IndexByte(s[from:], c); j >= 0 {
		return from + j
	}
	return -1
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func equalFoldASCII(a, lower string) bool {
	for j := 0; j < len(lower); j++ {
		b := a[j]
		if b >= 'A' && b <= 'Z' {
			b += 'a' - 'A'
		}
		if b != lower[j] {
			return false
		}
	}
	return true
}

// hasFoldPrefix reports whether s starts with lower, ignoring case.
func hasFoldPrefix(s, lower string) bool {
	for _, want := range lower {
		if s == "" {
			return false
		}
		r, n := utf8.DecodeRuneInString(s)
		if unicode.ToLower(r) != want {
			return false
		}
		s = s[n:]
	}
	return true
}

// foldLen returns how many bytes of s the match of lit covers: the same
// number of runes as lit (lower-casing can change a rune's byte length).
func foldLen(s, lit string, fold bool) int {
	if !fold {
		return len(lit)
	}
	n := 0
	for range lit {
		if n >= len(s) {
			break
		}
		_, size := utf8.DecodeRuneInString(s[n:])
		n += size
	}
	return n
}

// byteEscape finds escapes that name a byte (\x41, \101): they can name
// an upper-case letter, which a lowered line never holds.
var byteEscape = regexp.MustCompile(`\\[x0-7]`)

// appendLowerASCII appends s, lowered, to b; s is ASCII.
func appendLowerASCII(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b = append(b, c)
	}
	return b
}
