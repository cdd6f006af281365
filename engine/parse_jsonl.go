package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"math/bits"
	"unicode/utf16"
	"unicode/utf8"
)

// This file decodes exec.log records. A general JSON decoder spends most of
// a snapshot on reflection, allocation and time.Parse; this one knows the
// schema ({"t":…,"s":…,"d":…,"id":…,"e":…}), slices "d" straight out of the
// line when it has no escapes, and unescapes it in place when it does.

// jsonRecord is what a line decodes to before it becomes an Entry.
type jsonRecord struct {
	hasT, hasS bool
	timeOK     bool
	sourceOK   bool
	b64        bool
	hasID      bool
	entry      *Entry
}

// parseJSONL decodes one exec.log line (without its '\n') into e. It reports
// false for a line that must be skipped: empty, malformed, unknown source,
// unparseable time. It may rewrite line in place while unescaping, so line
// must be bytes nobody else has been given yet; e.Data may alias line.
func parseJSONL(line []byte, e *Entry) bool {
	return parseJSONLCached(line, e, nil)
}

// parseJSONLCached is parseJSONL with a cache for the timestamps of
// consecutive records (nil for none).
func parseJSONLCached(line []byte, e *Entry, tc *timeCache) bool {
	d := jsonDecoder{buf: line, tc: tc}
	rec := jsonRecord{entry: e}
	if !d.object(&rec, false) {
		return false
	}
	d.ws()
	if d.pos != len(d.buf) {
		return false
	}
	return rec.finish(e)
}

// parseJSONLTruncated decodes a record longer than the entry cap from the
// first part of its line (head, cut inside the "d" string) and the last part
// (tail, which holds the fields after "d"). Fields before "d" come from head;
// fields after it are recovered from tail when they can be found.
func parseJSONLTruncated(head, tail []byte, e *Entry) bool {
	d := jsonDecoder{buf: head}
	rec := jsonRecord{entry: e}
	if d.object(&rec, true) {
		// The whole object fit in head: the cut fell in trailing junk.
		return rec.finish(e)
	}
	if !d.cutInData {
		return false
	}
	parseTailFields(tail, &rec)
	return rec.finish(e)
}

// finish checks the required fields and fills e.
func (r *jsonRecord) finish(e *Entry) bool {
	if !r.hasT || !r.timeOK || !r.hasS || !r.sourceOK {
		return false
	}
	if r.b64 && len(r.entry.Data) > 0 {
		if dec, ok := decodeBase64(r.entry.Data); ok {
			r.entry.Data = dec
		}
	}
	r.entry.HasSession = r.hasID
	return true
}

// decodeBase64 decodes standard base64 into fresh memory (in-place decoding
// is not safe with encoding/base64). A body cut by truncation is decoded up
// to its last whole quantum.
func decodeBase64(src []byte) ([]byte, bool) {
	dst := make([]byte, base64.StdEncoding.DecodedLen(len(src)))
	n, err := base64.StdEncoding.Decode(dst, src)
	if err != nil {
		cut := len(src) &^ 3
		if cut == len(src) || cut == 0 {
			return nil, false
		}
		n, err = base64.StdEncoding.Decode(dst, src[:cut])
		if err != nil {
			return nil, false
		}
	}
	return dst[:n:n], true
}

// jsonDecoder walks one line.
type jsonDecoder struct {
	buf []byte
	pos int
	// cutInData is set when the buffer ended inside the "d" string of a
	// truncated record.
	cutInData bool
	tc        *timeCache
}

func (d *jsonDecoder) ws() {
	for d.pos < len(d.buf) {
		switch d.buf[d.pos] {
		case ' ', '\t', '\r', '\n':
			d.pos++
		default:
			return
		}
	}
}

// object decodes the record's object. With truncated set, running out of
// bytes inside the "d" string stops decoding with cutInData set (and the
// function reports false, the object being incomplete).
func (d *jsonDecoder) object(r *jsonRecord, truncated bool) bool {
	d.ws()
	if d.pos >= len(d.buf) || d.buf[d.pos] != '{' {
		return false
	}
	d.pos++
	afterValue, ok := d.writerFields(r, truncated)
	if !ok {
		return false
	}
	if !afterValue {
		d.ws()
		if d.pos < len(d.buf) && d.buf[d.pos] == '}' {
			d.pos++
			return true
		}
	}
	for {
		if afterValue {
			if closed, ok := d.afterMember('}'); !ok || closed {
				return ok
			}
		}
		key, ok := d.memberKey()
		if !ok {
			return false
		}
		if !d.field(key, r, truncated) {
			return false
		}
		afterValue = true
	}
}

// memberKey decodes `"key" :` with the white space around it, leaving d.pos
// at the member's value.
func (d *jsonDecoder) memberKey() ([]byte, bool) {
	d.ws()
	key, ok := d.str()
	if !ok {
		return nil, false
	}
	d.ws()
	if d.pos >= len(d.buf) || d.buf[d.pos] != ':' {
		return nil, false
	}
	d.pos++
	d.ws()
	return key, true
}

// writerFields decodes the writer's own layout, `"t":"…","s":"…","d":"…",
// "id":N`, with fixed-pattern checks instead of the general loop. It stops
// at the first deviation with d.pos just after the last value it decoded
// (afterValue set when it decoded any), and the general loop carries on
// from there; ok is false for a malformed record.
func (d *jsonDecoder) writerFields(r *jsonRecord, truncated bool) (afterValue, ok bool) {
	b := d.buf
	p := d.pos
	q, found := shortString(b, p, `"t":"`)
	if !found {
		return false, true
	}
	r.hasT = true
	r.entry.Time, r.timeOK = d.tc.parse(b[p+5 : q])
	p = q + 1
	d.pos = p
	if q, found = shortString(b, p, `,"s":"`); !found {
		return true, true
	}
	r.hasS = true
	r.entry.Source, r.sourceOK = sourceOf(b[p+6 : q])
	p = q + 1
	d.pos = p
	if truncated || !hasAt(b, p, `,"d":"`) {
		return true, true
	}
	d.pos = p + 5
	v, ok := d.str()
	if !ok {
		return false, false
	}
	r.entry.Data = v
	p = d.pos
	if !hasAt(b, p, `,"id":`) {
		return true, true
	}
	d.pos = p + 6
	n, ok := d.uint()
	if !ok {
		return false, false
	}
	r.entry.Session, r.hasID = n, true
	return true, true
}

// hasAt reports whether b holds s at p.
func hasAt(b []byte, p int, s string) bool {
	return len(b)-p >= len(s) && string(b[p:p+len(s)]) == s
}

// shortString matches prefix at p followed by a short string without
// escapes, returning the index of its closing quote. It looks at eight
// bytes at a time: a byte-at-a-time loop over every record's timestamp was
// a tenth of decoding it.
func shortString(b []byte, p int, prefix string) (int, bool) {
	if !hasAt(b, p, prefix) {
		return 0, false
	}
	q := p + len(prefix)
	end := min(len(b), q+40)
	for ; end-q >= 8; q += 8 {
		x := binary.LittleEndian.Uint64(b[q:])
		if m := zeroLanes(x^('"'*lanes01)) | zeroLanes(x^('\\'*lanes01)); m != 0 {
			q += bits.TrailingZeros64(m) / 8
			return q, b[q] == '"'
		}
	}
	for ; q < end; q++ {
		switch b[q] {
		case '"':
			return q, true
		case '\\':
			return 0, false
		}
	}
	return 0, false
}

// Bytes repeated in the eight lanes of a word.
const (
	lanes01 = 0x0101010101010101
	lanes80 = 0x8080808080808080
)

// zeroLanes sets the high bit of the lanes of v that are zero, and maybe
// of lanes above the lowest of them (a borrow runs upwards), never below
// it: its lowest set bit is in the first zero lane.
func zeroLanes(v uint64) uint64 {
	return (v - lanes01) &^ v & lanes80
}

// field decodes the value of one key into r.
func (d *jsonDecoder) field(key []byte, r *jsonRecord, truncated bool) bool {
	if len(key) == 1 {
		switch key[0] {
		case 't':
			v, null, ok := d.nullableStr()
			r.hasT, r.timeOK = true, false
			if !null && ok {
				r.entry.Time, r.timeOK = d.tc.parse(v)
			}
			return ok
		case 's':
			v, null, ok := d.nullableStr()
			r.hasS, r.sourceOK = true, false
			if !null && ok {
				r.entry.Source, r.sourceOK = sourceOf(v)
			}
			return ok
		case 'd':
			if d.isNull() {
				r.entry.Data = nil
				return true
			}
			if truncated && d.cutInString(d.pos) {
				r.entry.Data = d.unescapeCut(d.pos)
				d.cutInData = true
				return false
			}
			v, ok := d.str()
			if !ok {
				return false
			}
			r.entry.Data = v
			return true
		case 'e':
			v, _, ok := d.nullableStr()
			r.b64 = string(v) == "b64"
			return ok
		}
	}
	if len(key) == 2 && key[0] == 'i' && key[1] == 'd' {
		if d.isNull() {
			r.hasID = false
			return true
		}
		n, ok := d.uint()
		if !ok {
			return false
		}
		r.entry.Session, r.hasID = n, true
		return true
	}
	return d.skipValue(0)
}

// sourceOf maps the "s" value to a Source without allocating. The names
// differ in their fourth byte: one comparison picks the only candidate.
func sourceOf(v []byte) (Source, bool) {
	if len(v) != 6 {
		return 0, false
	}
	switch v[3] {
	case 'o':
		return Stdout, string(v) == "stdout"
	case 'e':
		return Stderr, string(v) == "stderr"
	case 'p':
		return Output, string(v) == "output"
	case 't':
		return System, string(v) == "system"
	}
	return 0, false
}

// nullableStr decodes a string value or null (null reports v nil and null
// set); ok is false for anything else.
func (d *jsonDecoder) nullableStr() (v []byte, null, ok bool) {
	if d.isNull() {
		return nil, true, true
	}
	v, ok = d.str()
	return v, false, ok
}

func (d *jsonDecoder) isNull() bool {
	if bytes.HasPrefix(d.buf[d.pos:], []byte("null")) {
		d.pos += 4
		return true
	}
	return false
}

// uint decodes a JSON number that must be an unsigned integer.
func (d *jsonDecoder) uint() (uint64, bool) {
	start := d.pos
	var n uint64
	for d.pos < len(d.buf) {
		c := d.buf[d.pos]
		if c < '0' || c > '9' {
			break
		}
		if n > (1<<64-1-uint64(c-'0'))/10 {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
		d.pos++
	}
	if d.pos == start || (d.buf[start] == '0' && d.pos-start > 1) {
		return 0, false
	}
	return n, true
}

// str decodes a string at d.pos. The result aliases buf: unescaped in place
// when the string holds escapes.
func (d *jsonDecoder) str() ([]byte, bool) {
	if d.pos >= len(d.buf) || d.buf[d.pos] != '"' {
		return nil, false
	}
	start := d.pos + 1
	rest := d.buf[start:]
	q := bytes.IndexByte(rest, '"')
	if q < 0 {
		return nil, false
	}
	b := bytes.IndexByte(rest[:q], '\\')
	if b < 0 {
		d.pos = start + q + 1
		return rest[:q:q], true
	}
	if b == q-2 && rest[b+1] == 'n' {
		// The usual escape, and the only one: a chunk ending a line.
		rest[b] = '\n'
		d.pos = start + q + 1
		return rest[: b+1 : b+1], true
	}
	// Slow path: unescape in place, copying the runs between escapes in
	// bulk. Output never overtakes input, so the bytes not yet read are
	// intact. quote is the first '"' at or after i, once known.
	buf := d.buf
	i, w := start+b, start+b
	quote := start + q
	for {
		n, adv, ok := unescapeAt(buf, i, w)
		if !ok {
			return nil, false
		}
		w += n
		i += adv
		if quote < i {
			j := bytes.IndexByte(buf[i:], '"')
			if j < 0 {
				return nil, false
			}
			quote = i + j
		}
		run := buf[i:quote]
		k := bytes.IndexByte(run, '\\')
		if k < 0 {
			w += copy(buf[w:], run)
			d.pos = quote + 1
			return buf[start:w:w], true
		}
		w += copy(buf[w:], run[:k])
		i += k
	}
}

// cutInString reports whether the string starting at start runs to the end
// of buf without a closing quote (the record was cut inside it).
func (d *jsonDecoder) cutInString(start int) bool {
	if start >= len(d.buf) || d.buf[start] != '"' {
		return false
	}
	for i := start + 1; i < len(d.buf); i++ {
		switch d.buf[i] {
		case '"':
			return false
		case '\\':
			i++
		}
	}
	return true
}

// unescapeCut unescapes the cut string starting at start up to the end of
// buf, dropping an escape that the cut split.
func (d *jsonDecoder) unescapeCut(start int) []byte {
	w := start + 1
	i := start + 1
	for i < len(d.buf) {
		c := d.buf[i]
		if c != '\\' {
			d.buf[w] = c
			w++
			i++
			continue
		}
		n, adv, ok := unescapeAt(d.buf, i, w)
		if !ok {
			break
		}
		w += n
		i += adv
	}
	d.pos = len(d.buf)
	return d.buf[start+1 : w : w]
}

// unescapeAt decodes the escape at buf[i] (a backslash), writing the result
// at buf[w] (w <= i: output never overtakes input). It returns the bytes
// written and the bytes consumed.
func unescapeAt(buf []byte, i, w int) (written, consumed int, ok bool) {
	if i+1 >= len(buf) {
		return 0, 0, false
	}
	var c byte
	switch buf[i+1] {
	case '"', '\\', '/':
		c = buf[i+1]
	case 'b':
		c = '\b'
	case 'f':
		c = '\f'
	case 'n':
		c = '\n'
	case 'r':
		c = '\r'
	case 't':
		c = '\t'
	case 'u':
		r, ok := hex4(buf, i+2)
		if !ok {
			return 0, 0, false
		}
		consumed = 6
		if utf16.IsSurrogate(r) {
			r2 := rune(-1)
			if i+7 < len(buf) && buf[i+6] == '\\' && buf[i+7] == 'u' {
				r2, ok = hex4(buf, i+8)
				if !ok {
					r2 = -1
				}
			}
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				r, consumed = dec, 12
			} else {
				r = utf8.RuneError
			}
		}
		return utf8.EncodeRune(buf[w:], r), consumed, true
	default:
		return 0, 0, false
	}
	buf[w] = c
	return 1, 2, true
}

func hex4(buf []byte, i int) (rune, bool) {
	if i+4 > len(buf) {
		return 0, false
	}
	var r rune
	for _, c := range buf[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// maxJSONDepth bounds nesting in values of unknown keys, so hostile input
// cannot recurse without limit.
const maxJSONDepth = 64

// afterMember reads what follows a member or an element: ',' (more come)
// or the container's end (closed). Anything else is malformed.
func (d *jsonDecoder) afterMember(end byte) (closed, ok bool) {
	d.ws()
	if d.pos >= len(d.buf) {
		return false, false
	}
	switch d.buf[d.pos] {
	case ',':
		d.pos++
		return false, true
	case end:
		d.pos++
		return true, true
	}
	return false, false
}

// skipValue passes over any JSON value (for keys the schema does not know).
func (d *jsonDecoder) skipValue(depth int) bool {
	if depth > maxJSONDepth || d.pos >= len(d.buf) {
		return false
	}
	switch c := d.buf[d.pos]; {
	case c == '"':
		return d.skipString()
	case c == '{' || c == '[':
		end := byte('}')
		if c == '[' {
			end = ']'
		}
		d.pos++
		d.ws()
		if d.pos < len(d.buf) && d.buf[d.pos] == end {
			d.pos++
			return true
		}
		for {
			d.ws()
			if c == '{' {
				if !d.skipString() {
					return false
				}
				d.ws()
				if d.pos >= len(d.buf) || d.buf[d.pos] != ':' {
					return false
				}
				d.pos++
				d.ws()
			}
			if !d.skipValue(depth + 1) {
				return false
			}
			if closed, ok := d.afterMember(end); !ok || closed {
				return ok
			}
		}
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || c >= '0' && c <= '9':
		start := d.pos
		for d.pos < len(d.buf) {
			switch c := d.buf[d.pos]; {
			case c >= '0' && c <= '9', c == '-', c == '+', c == '.', c == 'e', c == 'E':
				d.pos++
				continue
			}
			break
		}
		return d.pos > start
	}
	return false
}

func (d *jsonDecoder) literal(s string) bool {
	if bytes.HasPrefix(d.buf[d.pos:], []byte(s)) {
		d.pos += len(s)
		return true
	}
	return false
}

// skipString passes over a string without decoding it.
func (d *jsonDecoder) skipString() bool {
	if d.pos >= len(d.buf) || d.buf[d.pos] != '"' {
		return false
	}
	for i := d.pos + 1; i < len(d.buf); i++ {
		switch d.buf[i] {
		case '"':
			d.pos = i + 1
			return true
		case '\\':
			i++
		}
	}
	return false
}

// parseTailFields recovers the fields that follow a cut "d" string from the
// last bytes of the record: the first unescaped quote in tail that is
// followed by a parseable run of `,"key":value …}` ends the string.
func parseTailFields(tail []byte, r *jsonRecord) {
	for i := 0; i < len(tail); i++ {
		if tail[i] != '"' || escapedQuote(tail, i) {
			continue
		}
		cp := append([]byte(nil), tail[i+1:]...)
		d := jsonDecoder{buf: cp}
		saved, savedEntry := *r, *r.entry
		if d.continuation(r) {
			return
		}
		*r, *r.entry = saved, savedEntry
	}
}

// escapedQuote reports whether the quote at tail[i] is preceded by an odd
// run of backslashes. A run reaching the start of tail is undecidable and
// treated as escaped.
func escapedQuote(tail []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0; j-- {
		if tail[j] != '\\' {
			return n%2 == 1
		}
		n++
	}
	return n > 0
}

// continuation parses `(,"key":value)* }` with nothing after it.
func (d *jsonDecoder) continuation(r *jsonRecord) bool {
	for {
		d.ws()
		if d.pos >= len(d.buf) {
			return false
		}
		switch d.buf[d.pos] {
		case '}':
			d.pos++
			d.ws()
			return d.pos == len(d.buf)
		case ',':
			d.pos++
		default:
			return false
		}
		key, ok := d.memberKey()
		if !ok {
			return false
		}
		if len(key) == 1 && key[0] == 'd' {
			return false // a second "d" cannot follow the cut one
		}
		if !d.field(key, r, false) {
			return false
		}
	}
}
