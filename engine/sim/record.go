package sim

import (
	"encoding/base64"
	"strconv"
	"time"
	"unicode/utf8"
)

// timeLayout is the writer's timestamp: RFC 3339, milliseconds, UTC with Z.
const timeLayout = "2006-01-02T15:04:05.000Z"

// stamper formats record timestamps, reusing the text while the millisecond
// is unchanged: a flat-out producer writes many records per millisecond.
type stamper struct {
	ms   int64
	text []byte
}

func (st *stamper) append(dst []byte, t time.Time) []byte {
	ms := t.UnixMilli()
	if st.text == nil || ms != st.ms {
		st.ms = ms
		st.text = t.UTC().AppendFormat(st.text[:0], timeLayout)
	}
	return append(dst, st.text...)
}

// appendRecord appends one exec.log record and its newline to dst, in the
// writer's field order t, s, d, id, e. An empty d is omitted; id is omitted
// when hasID is false (system records); bytes that are not valid UTF-8 are
// written as standard base64 with "e":"b64".
func appendRecord(dst []byte, ts *stamper, t time.Time, source string, id uint64, hasID bool, data []byte) []byte {
	dst = append(dst, `{"t":"`...)
	dst = ts.append(dst, t)
	dst = append(dst, `","s":"`...)
	dst = append(dst, source...)
	dst = append(dst, '"')
	b64 := !utf8.Valid(data)
	if len(data) > 0 {
		dst = append(dst, `,"d":"`...)
		if b64 {
			dst = base64.StdEncoding.AppendEncode(dst, data)
		} else {
			dst = appendEscaped(dst, data)
		}
		dst = append(dst, '"')
	}
	if hasID {
		dst = append(dst, `,"id":`...)
		dst = strconv.AppendUint(dst, id, 10)
	}
	if b64 {
		dst = append(dst, `,"e":"b64"`...)
	}
	return append(dst, "}\n"...)
}

// needsEscape marks the bytes serde_json escapes in a string: '"', '\\' and
// the C0 controls. Everything else, DEL and non-ASCII included, is copied.
var needsEscape = func() (t [256]bool) {
	for i := 0; i < 0x20; i++ {
		t[i] = true
	}
	t['"'], t['\\'] = true, true
	return t
}()

const hexDigits = "0123456789abcdef"

// appendEscaped appends s as the body of a JSON string, escaped the way
// serde_json does it (short escapes where JSON has them, \u00XX otherwise).
func appendEscaped(dst, s []byte) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !needsEscape[c] {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"':
			dst = append(dst, '\\', '"')
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		case '\b':
			dst = append(dst, '\\', 'b')
		case '\f':
			dst = append(dst, '\\', 'f')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		start = i + 1
	}
	return append(dst, s[start:]...)
}
