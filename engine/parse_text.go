package engine

import (
	"bytes"
	"time"
	"unicode/utf8"
)

// parseText turns one runtime.log or kernel.log line into a System entry.
// line is the line without its '\n'; when withNL is set, the byte after it
// is the '\n' and Data may alias line and that byte (the "trailing \n" the
// body gets), so nothing is copied for a plain line.
//
// ANSI escapes are stripped first. If the first whitespace-separated token
// is at least 20 bytes, ends in 'Z' and parses as RFC 3339, it is the
// timestamp and the body is the rest with leading whitespace trimmed;
// otherwise the timestamp is mtime and the body is the whole line. Invalid
// UTF-8 becomes U+FFFD.
func parseText(line []byte, withNL bool, mtime time.Time, e *Entry) {
	copied := false
	if hasEscape(line) {
		line = stripANSI(line)
		copied = true
	}
	e.Time = mtime
	body := line
	tokStart := 0
	for tokStart < len(line) && isSpace(line[tokStart]) {
		tokStart++
	}
	tokEnd := tokStart
	for tokEnd < len(line) && !isSpace(line[tokEnd]) {
		tokEnd++
	}
	if tok := line[tokStart:tokEnd]; len(tok) >= 20 && tok[len(tok)-1] == 'Z' {
		if t, ok := parseTime(tok); ok {
			e.Time = t
			rest := tokEnd
			for rest < len(line) && isSpace(line[rest]) {
				rest++
			}
			body = line[rest:]
		}
	}
	e.Source = System
	e.Session, e.HasSession = 0, false
	if !utf8.Valid(body) {
		fixed := bytes.ToValidUTF8(body, []byte("\uFFFD"))
		e.Data = append(fixed, '\n')
		return
	}
	if withNL && !copied {
		// body is a suffix of line, and line is followed by its '\n'.
		e.Data = body[: len(body)+1 : len(body)+1]
		return
	}
	data := make([]byte, len(body)+1)
	copy(data, body)
	data[len(body)] = '\n'
	e.Data = data
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

// hasEscape reports whether line holds an ESC or a C1 CSI byte that could
// start an ANSI sequence.
func hasEscape(line []byte) bool {
	return bytes.IndexByte(line, 0x1b) >= 0
}

// stripANSI returns line without ANSI escape sequences: CSI (ESC [ … final),
// OSC/DCS/SOS/PM/APC strings (ended by BEL or ESC \, or by the end of the
// line), and two-byte ESC sequences. It returns a copy.
func stripANSI(line []byte) []byte {
	out := make([]byte, 0, len(line))
	for i := 0; i < len(line); {
		c := line[i]
		if c != 0x1b {
			out = append(out, c)
			i++
			continue
		}
		if i+1 >= len(line) {
			break // a lone ESC at the end
		}
		switch line[i+1] {
		case '[':
			j := i + 2
			for j < len(line) && (line[j] < 0x40 || line[j] > 0x7e) {
				j++
			}
			i = j + 1
		case ']', 'P', 'X', '^', '_':
			j := i + 2
			for j < len(line) {
				if line[j] == 0x07 {
					j++
					break
				}
				if line[j] == 0x1b && j+1 < len(line) && line[j+1] == '\\' {
					j += 2
					break
				}
				j++
			}
			i = j
		default:
			i += 2
		}
	}
	return out
}
