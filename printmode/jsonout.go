package printmode

import (
	"bufio"
	"encoding/base64"
	"strconv"
	"time"
	"unicode/utf8"

	"sandtail/engine"
)

// jsonPrinter writes one JSON object per entry:
//
//	{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"hello\n","id":7,"cursor":"…"}
//
// id is omitted when the entry has no session; "e":"b64" with base64 d when
// the bytes are not valid UTF-8; "truncated":N when N bytes of an oversized
// record were dropped. Engine notices (a gap after a missed rotation, a
// restarted kernel.log) are objects with "mark":"gap"|"restart", "file" and
// a description in d, and no "s", so a consumer that only reads "s" skips
// them; they are also reported on stderr.
//
// Every control character, C1 code point, line/paragraph separator and bidi
// control in d is written as a \u escape, so the output is safe to show on
// a terminal as it is.
type jsonPrinter struct {
	w     *bufio.Writer
	notes *notifier
	// names, when several sandboxes are read, names an entry's sandbox:
	// each object then has "sandbox":"NAME" after "t".
	names func(uint16) string
	buf   []byte
	err   error
}

func newJSONPrinter(w *bufio.Writer, notes *notifier, names func(uint16) string) *jsonPrinter {
	return &jsonPrinter{w: w, notes: notes, names: names}
}

func (p *jsonPrinter) Write(es []engine.Entry) error {
	for i := range es {
		e := &es[i]
		if e.Mark != engine.MarkNone {
			p.notes.mark(e.Origin, e.Mark, e.File, e.Time, e.Data)
		} else if e.Truncated > 0 {
			p.notes.truncated(e)
		}
		sandbox := ""
		if p.names != nil {
			sandbox = p.names(e.Origin)
		}
		p.buf = appendEntryJSON(p.buf[:0], e, sandbox)
		if _, err := p.w.Write(p.buf); err != nil {
			p.err = err
			return err
		}
	}
	return nil
}

func (p *jsonPrinter) Flush() error {
	if p.err != nil {
		return p.err
	}
	return p.w.Flush()
}

func (p *jsonPrinter) Finish() error { return p.Flush() }

// markNames are the "mark" values of notice entries.
var markNames = map[engine.Mark]string{engine.MarkGap: "gap", engine.MarkRestart: "restart", engine.MarkNotice: "notice"}

// appendEntryJSON appends e as one line of JSON, with its sandbox's name
// unless that is empty.
func appendEntryJSON(b []byte, e *engine.Entry, sandbox string) []byte {
	b = append(b, `{"t":"`...)
	b = appendTime(b, e.Time)
	b = append(b, '"')
	if sandbox != "" {
		b = append(b, `,"sandbox":`...)
		b = appendJSONString(b, []byte(sandbox))
	}
	if e.Mark != engine.MarkNone {
		name, ok := markNames[e.Mark]
		if !ok {
			name = "notice"
		}
		b = append(b, `,"mark":"`...)
		b = append(b, name...)
		b = append(b, `","file":`...)
		b = appendJSONString(b, []byte(e.File))
		b = append(b, `,"d":`...)
		b = appendJSONString(b, e.Data)
	} else {
		b = append(b, `,"s":"`...)
		b = append(b, e.Source.String()...)
		b = append(b, `","d":`...)
		binary := !utf8.Valid(e.Data)
		if binary {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, e.Data)
			b = append(b, '"')
		} else {
			b = appendJSONString(b, e.Data)
		}
		if e.HasSession {
			b = append(b, `,"id":`...)
			b = strconv.AppendUint(b, e.Session, 10)
		}
		if binary {
			b = append(b, `,"e":"b64"`...)
		}
		if e.Truncated > 0 {
			b = append(b, `,"truncated":`...)
			b = strconv.AppendInt(b, e.Truncated, 10)
		}
	}
	b = append(b, `,"cursor":"`...)
	b = base64.StdEncoding.AppendEncode(b, e.Cursor.AppendBinary(make([]byte, 0, 64)))
	return append(b, "\"}\n"...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s (valid UTF-8, or replaced where not) as a JSON
// string, escaping everything a terminal could act on.
func appendJSONString(b, s []byte) []byte {
	b = append(b, '"')
	for len(s) > 0 {
		// Most output is printable ASCII that needs no escape: copy a
		// run of it at once.
		k := 0
		for k < len(s) && plainJSON[s[k]] {
			k++
		}
		if k > 0 {
			b = append(b, s[:k]...)
			s = s[k:]
			continue
		}
		c := s[0]
		if c < utf8.RuneSelf {
			s = s[1:]
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20 || c == 0x7f:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			default:
				b = append(b, c)
			}
			continue
		}
		r, size := utf8.DecodeRune(s)
		if needsEscape(r) {
			b = append(b, '\\', 'u',
				hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
		} else if r == utf8.RuneError && size == 1 {
			b = append(b, "\\ufffd"...)
		} else {
			b = append(b, s[:size]...)
		}
		s = s[size:]
	}
	return append(b, '"')
}

// plainJSON marks the bytes that go into a JSON string as they are:
// printable ASCII but the quote and the backslash.
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// appendTime appends t in timeLayout (UTC, milliseconds) without the
// general formatter, which was a sixth of writing a snapshot as JSON.
func appendTime(b []byte, t time.Time) []byte {
	t = t.UTC()
	year, month, day := t.Date()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, timeLayout)
	}
	hour, min, sec := t.Clock()
	ms := t.Nanosecond() / 1e6
	return append(b,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+min/10), byte('0'+min%10), ':',
		byte('0'+sec/10), byte('0'+sec%10), '.',
		byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// needsEscape reports runes that some terminal interprets: C1 controls (0x9b
// is a CSI), line and paragraph separators, and bidi overrides and isolates.
func needsEscape(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x200e || r == 0x200f || r == 0x061c:
		return true
	case r >= 0x2028 && r <= 0x202e:
		return true
	case r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0xfeff:
		return true
	}
	return false
}
