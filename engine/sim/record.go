package sim

import (
	"encoding/base64"
	"encoding/binary"
	"math/bits"
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

// append appends t in the writer's form.
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
	b64 := false
	if len(data) > 0 {
		dst = append(dst, `,"d":"`...)
		mark := len(dst)
		var ascii bool
		dst, ascii = appendEscapedASCII(dst, data)
		// Most output is ASCII; only other text pays for the UTF-8 check.
		if !ascii && !utf8.Valid(data) {
			b64 = true
			dst = base64.StdEncoding.AppendEncode(dst[:mark], data)
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

// byteClass sorts bytes for the escaper: plain ASCII is copied, escClass
// bytes are what serde_json escapes in a string ('"', '\\' and the C0
// controls), highClass bytes are copied but mean the text is not ASCII.
// DEL and non-ASCII are never escaped.
const (
	plainClass = iota
	escClass
	highClass
)

var byteClass = func() (t [256]uint8) {
	for i := 0; i < 0x20; i++ {
		t[i] = escClass
	}
	t['"'], t['\\'] = escClass, escClass
	for i := 0x80; i < 0x100; i++ {
		t[i] = highClass
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendEscaped appends s as the body of a JSON string, escaped the way
// serde_json does it (short escapes where JSON has them, \u00XX otherwise).
func appendEscaped(dst, s []byte) []byte {
	dst, _ = appendEscapedASCII(dst, s)
	return dst
}

// appendEscapedASCII is appendEscaped that also reports whether s was all
// ASCII, so the caller can skip a UTF-8 validation.
func appendEscapedASCII(dst, s []byte) ([]byte, bool) {
	start := 0
	var high bool
	for i := 0; i < len(s); i++ {
		i += plainRun(s[i:])
		if i == len(s) {
			break
		}
		c := s[i]
		if byteClass[c] == highClass {
			high = true
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
	return append(dst, s[start:]...), !high
}

// SWAR constants: every byte 0x01, every byte 0x80.
const (
	swarLo = 0x0101010101010101
	swarHi = 0x8080808080808080
)

// plainRun returns the length of s's leading run of plain ASCII bytes
// (neither escaped nor non-ASCII), testing eight bytes at a time: output is
// mostly plain text and the escaper runs on every record.
func plainRun(s []byte) int {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(s[i:])
		ctl := (x - swarLo*0x20) &^ x        // high bit: a byte below 0x20
		quote := x ^ (swarLo * '"')          // zero byte: a '"'
		bslash := x ^ (swarLo * '\\')        // zero byte: a '\\'
		quote = (quote - swarLo) &^ quote    // …as a high bit
		bslash = (bslash - swarLo) &^ bslash // …as a high bit
		// x's own high bits flag non-ASCII. Borrows only ever flag bytes
		// after a real match, so the lowest flag is the first special byte.
		if m := (ctl | quote | bslash | x) & swarHi; m != 0 {
			return i + bits.TrailingZeros64(m)/8
		}
	}
	for ; i < len(s) && byteClass[s[i]] == plainClass; i++ {
	}
	return i
}
