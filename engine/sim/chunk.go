package sim

// This file cuts a program's output into exec.log records the way a relay
// reading a pipe does: mostly whole lines, sometimes anywhere in a line.

import (
	"bytes"
	"unicode/utf8"
)

// Record shape: most records end at a line boundary; the rest cut a line
// anywhere, as a relay reading a pipe does. A record's "d" is kept within
// maxEscaped bytes as written, so records stay within ~300 bytes like the
// realistic entries benchmarks expect; a line longer than that is spread
// over several records.
const (
	maxEscaped = 232
	wholeLines = 75 // percent of records that end at a line boundary
)

// b64Fit is how many raw bytes fit in budget once written as base64 with
// the "e" field beside them.
func b64Fit(budget int) int { return (budget - 16) * 3 / 4 }

// cut chooses how many bytes of p the next record carries: whole lines most
// of the time, else anywhere (a PTY relay favours a \r), never more than
// fits in maxEscaped.
func (g *generator) cut(p []byte, pty bool) int {
	n := g.cutAt(p, pty)
	if !utf8.Valid(p[:n]) {
		// A cut through a character makes the record base64.
		n = min(n, b64Fit(maxEscaped))
	}
	return n
}

// cutAt is cut before the base64 bound.
func (g *generator) cutAt(p []byte, pty bool) int {
	limit := escapedFit(p, maxEscaped)
	if g.rng.IntN(100) < wholeLines {
		end := bytes.IndexByte(p[:limit], '\n') + 1
		for end > 0 && end < limit {
			next := bytes.IndexByte(p[end:limit], '\n')
			if next < 0 || g.rng.IntN(6) == 0 {
				break
			}
			end += next + 1
		}
		if end > 0 {
			return end
		}
	}
	if pty && g.rng.IntN(2) == 0 {
		if i := bytes.IndexByte(p[:limit], '\r'); i >= 0 {
			return i + 1
		}
	}
	// Pipe reads return what the program wrote since the last read:
	// rarely a sliver, usually a good part of a line.
	return 1 + limit/4 + g.rng.IntN(limit-limit/4)
}

// escapedFit returns how many leading bytes of p fit in budget bytes once
// written into a record: JSON-escaped, or base64 when they are not UTF-8.
// At least one byte always fits.
func escapedFit(p []byte, budget int) int {
	end := min(len(p), budget)
	n, extra := 0, 0 // bytes that fit, and what escapes cost beyond one each
	high := false
	for n < end {
		n += plainRun(p[n:end])
		if n+extra > budget {
			n = budget - extra
			break
		}
		if n == end {
			break
		}
		if byteClass[p[n]] == escClass {
			// \u00XX; the short escapes cost less, so this is safe.
			if n+extra+6 > budget {
				break
			}
			extra += 5
		} else {
			if n+extra+1 > budget {
				break
			}
			high = true
		}
		n++
	}
	if high && !utf8.Valid(p[:n]) {
		n = min(n, b64Fit(budget))
	}
	return max(n, 1)
}

// emit writes the first n pending bytes of st as one record.
func (g *generator) emit(se *session, st *stream, n int) error {
	if err := g.s.Exec(st.source, se.id, st.pending()[:n]); err != nil {
		return err
	}
	g.records++
	st.consume(n)
	if len(st.pending()) == 0 && se.cur == st {
		se.cur = nil
	}
	return nil
}
