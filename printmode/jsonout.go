package printmode

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
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
	enc   entryEncoder
	// buf collects the objects of a batch, handed to w in chunks of about
	// jsonChunk: w then writes them straight out instead of copying each
	// object into its own buffer first.
	buf []byte
	err error
}

// jsonChunk is how much formatted output is collected before it is handed
// to stdout's buffer. buf is made with room for a chunk and a typical
// object from the start: grown by doubling, it cost a fresh process more
// in page faults on new memory than the objects' formatting.
const jsonChunk = 64 << 10

func newJSONPrinter(w *bufio.Writer, notes *notifier, names func(uint16) string) *jsonPrinter {
	return &jsonPrinter{w: w, notes: notes, names: names}
}

func (p *jsonPrinter) Write(es []engine.Entry) error {
	if p.err != nil {
		return p.err
	}
	if p.buf == nil {
		p.buf = make([]byte, 0, jsonChunk+jsonChunk/8)
	}
	for i := range es {
		e := &es[i]
		if e.Mark != engine.MarkNone || e.Truncated > 0 {
			// The notice flushes stdout first, so that it shows where it
			// happened: what is collected must be in stdout's buffer by
			// then.
			if err := p.handOver(); err != nil {
				return err
			}
			if e.Mark != engine.MarkNone {
				p.notes.mark(e.Origin, e.Mark, e.File, e.Time, e.Data)
			} else {
				p.notes.truncated(e)
			}
		}
		sandbox := ""
		if p.names != nil {
			sandbox = p.names(e.Origin)
		}
		p.buf = p.enc.append(p.buf, e, sandbox)
		if len(p.buf) >= jsonChunk {
			if err := p.handOver(); err != nil {
				return err
			}
		}
	}
	// Anything written to stdout or stderr after this batch (a notice, the
	// next batch) comes after it.
	return p.handOver()
}

// handOver moves what is collected into stdout's buffer.
func (p *jsonPrinter) handOver() error {
	if len(p.buf) == 0 {
		return nil
	}
	_, err := p.w.Write(p.buf)
	p.buf = p.buf[:0]
	if err != nil {
		p.err = err
	}
	return err
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
	var enc entryEncoder
	return enc.append(b, e, sandbox)
}

// entryEncoder writes entries as JSON lines. It remembers what consecutive
// entries of a snapshot mostly share, the second of their time and the
// start of their cursor, so that only what differs is formatted again.
type entryEncoder struct {
	// second is the Unix second of the time in secondText
	// ("2026-04-30T20:32:59."), valid when secondOK.
	second     int64
	secondText [20]byte
	secondOK   bool
	// cursorRaw is the last cursor's binary form and cursorText its
	// base64.
	cursorRaw  []byte
	cursorText []byte
}

func (enc *entryEncoder) append(b []byte, e *engine.Entry, sandbox string) []byte {
	b = append(b, `{"t":"`...)
	b = enc.appendTime(b, e.Time)
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
		// A plain run is ASCII: only what follows it can be invalid
		// UTF-8, and the run need not be scanned again to be escaped.
		plain := plainPrefix(e.Data)
		asBase64 := plain < len(e.Data) && !utf8.Valid(e.Data[plain:])
		if asBase64 {
			b = append(b, '"')
			b = base64.StdEncoding.AppendEncode(b, e.Data)
			b = append(b, '"')
		} else {
			b = appendJSONStringAfter(b, e.Data, plain)
		}
		if e.HasSession {
			b = append(b, `,"id":`...)
			b = strconv.AppendUint(b, e.Session, 10)
		}
		if asBase64 {
			b = append(b, `,"e":"b64"`...)
		}
		if e.Truncated > 0 {
			b = append(b, `,"truncated":`...)
			b = strconv.AppendInt(b, e.Truncated, 10)
		}
	}
	b = append(b, `,"cursor":"`...)
	b = enc.appendCursor(b, e.Cursor)
	return append(b, "\"}\n"...)
}

// appendTime is appendTime, reusing the text up to the seconds when t is
// in the same second as the time before it.
func (enc *entryEncoder) appendTime(b []byte, t time.Time) []byte {
	sec := t.Unix()
	if !enc.secondOK || sec != enc.second {
		year := t.UTC().Year()
		if year < 0 || year > 9999 {
			return appendTime(b, t)
		}
		var full [len(timeLayout)]byte
		copy(enc.secondText[:], appendTime(full[:0], t))
		enc.second, enc.secondOK = sec, true
	}
	ms := t.Nanosecond() / 1e6
	b = append(b, enc.secondText[:]...)
	return append(b, byte('0'+ms/100), byte('0'+ms/10%10), byte('0'+ms%10), 'Z')
}

// appendCursor appends c in base64, encoding again only from the first
// three-byte group that differs from the last cursor's: in a snapshot,
// consecutive cursors share their length and inodes and differ in an
// offset or two.
func (enc *entryEncoder) appendCursor(b []byte, c engine.Cursor) []byte {
	var scratch [64]byte
	raw := c.AppendBinary(scratch[:0])
	same := 0
	if len(raw) == len(enc.cursorRaw) {
		for same < len(raw) && raw[same] == enc.cursorRaw[same] {
			same++
		}
	}
	if same == len(raw) && len(enc.cursorText) > 0 {
		return append(b, enc.cursorText...)
	}
	// Each group of three bytes is four characters of its own; only the
	// last one, padded, depends on where the end is.
	groups := same / 3
	enc.cursorText = base64.StdEncoding.AppendEncode(enc.cursorText[:groups*4], raw[groups*3:])
	enc.cursorRaw = append(enc.cursorRaw[:0], raw...)
	return append(b, enc.cursorText...)
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s (valid UTF-8, or replaced where not) as a JSON
// string, escaping everything a terminal could act on.
func appendJSONString(b, s []byte) []byte {
	return appendJSONStringAfter(b, s, plainPrefix(s))
}

// appendJSONStringAfter is appendJSONString for an s whose first plain
// bytes are known to need no escape.
func appendJSONStringAfter(b, s []byte, plain int) []byte {
	b = append(b, '"')
	b = append(b, s[:plain]...)
	s = s[plain:]
	for len(s) > 0 {
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
		} else {
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
		// Most output is printable ASCII that needs no escape: copy the
		// run that follows at once.
		k := plainPrefix(s)
		b = append(b, s[:k]...)
		s = s[k:]
	}
	return append(b, '"')
}

// plainPrefix returns how many leading bytes of s go into a JSON string as
// they are (plainJSON), thirty-two at a time while it can: most of a log
// is such bytes, and a byte-at-a-time table lookup was the largest part of
// writing a snapshot as JSON.
func plainPrefix(s []byte) int {
	i := 0
	for ; len(s)-i >= 32; i += 32 {
		w := s[i : i+32]
		bad := badLanes(binary.LittleEndian.Uint64(w[0:])) | badLanes(binary.LittleEndian.Uint64(w[8:])) |
			badLanes(binary.LittleEndian.Uint64(w[16:])) | badLanes(binary.LittleEndian.Uint64(w[24:]))
		if bad&lanes80 != 0 {
			break
		}
	}
	for ; len(s)-i >= 8; i += 8 {
		if !plainWord(binary.LittleEndian.Uint64(s[i:])) {
			break
		}
	}
	for i < len(s) && plainJSON[s[i]] {
		i++
	}
	return i
}

// Bytes repeated in the eight lanes of a word.
const (
	lanes01 = 0x0101010101010101
	lanes80 = 0x8080808080808080
)

// plainWord reports whether all eight bytes of x are plainJSON bytes.
func plainWord(x uint64) bool { return badLanes(x)&lanes80 == 0 }

// badLanes sets the high bit of some lane exactly when a lane of x is not
// a plainJSON byte: one with its high bit set (x itself), DEL (x+1 reaches
// 0x80), below 0x20 (x-0x20 borrows), '"' or '\\' (x^c is a zero lane, which
// -1 borrows from). A lane's carry or borrow can only start at a lane that
// is itself not plain, so other lanes' false alarms never come alone.
func badLanes(x uint64) uint64 {
	return x | (x + lanes01) | (x - 0x20*lanes01) | ((x ^ '"'*lanes01) - lanes01) | ((x ^ '\\'*lanes01) - lanes01)
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
