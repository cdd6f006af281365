package printmode

import (
	"encoding/base64"
	"strconv"
	"unicode/utf8"

	"sandtail/engine"
)

// refAppendEntryJSON is the JSON writer as it was before the encoder
// remembered anything between entries or scanned eight bytes at a time: the
// reference the fast one must match byte for byte.
func refAppendEntryJSON(b []byte, e *engine.Entry, sandbox string) []byte {
	b = append(b, `{"t":"`...)
	b = appendTime(b, e.Time)
	b = append(b, '"')
	if sandbox != "" {
		b = append(b, `,"sandbox":`...)
		b = refAppendJSONString(b, []byte(sandbox))
	}
	if e.Mark != engine.MarkNone {
		name, ok := markNames[e.Mark]
		if !ok {
			name = "notice"
		}
		b = append(b, `,"mark":"`...)
		b = append(b, name...)
		b = append(b, `","file":`...)
		b = refAppendJSONString(b, []byte(e.File))
		b = append(b, `,"d":`...)
		b = refAppendJSONString(b, e.Data)
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
			b = refAppendJSONString(b, e.Data)
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

// refAppendJSONString is appendJSONString as it was: one byte at a time.
func refAppendJSONString(b, s []byte) []byte {
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
