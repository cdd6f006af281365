package cloud

import (
	"bytes"
	"errors"
	"io"
)

// This file is the Server-Sent Events parser: bytes from the server into
// events. Everything it reads is untrusted, so every piece it keeps is
// capped: a line longer than maxLine is not kept beyond the cap, and an
// event's data stops growing at maxEvent. A server that sends one endless
// line, or data lines without ever a blank line, costs at most those caps.
// Such an event is still delivered, marked Oversized, so the caller counts
// and skips it, and the stream goes on with the next one.

// sseEvent is one dispatched event.
type sseEvent struct {
	// Type is the "event:" field; empty when the event had none (the
	// protocol's "message").
	Type string
	// Data is the "data:" lines joined with newlines.
	Data []byte
	// ID is the "id:" field and HasID says the event had one.
	ID    string
	HasID bool
	// Oversized says a line or the data went past a cap: what was kept is
	// incomplete and must not be used.
	Oversized bool
}

// sseReader reads events from r. Its memory is fixed by its caps, whatever
// the input.
type sseReader struct {
	r        io.Reader
	buf      []byte // read buffer
	start    int    // first unread byte of buf
	end      int    // end of the valid bytes of buf
	maxLine  int
	maxEvent int
	// afterCR says the last line ended with a carriage return, so a line
	// feed right after it belongs to the same line ending.
	afterCR bool
	// line collects the current line; lineOver says it passed maxLine.
	line     []byte
	lineOver bool
	// comments counts comment lines (keep-alives) seen.
	comments int64
	err      error
}

// sseReadBuf is how much is read from the connection at a time.
const sseReadBuf = 32 << 10

func newSSEReader(r io.Reader, maxLine, maxEvent int) *sseReader {
	return &sseReader{r: r, buf: make([]byte, sseReadBuf), maxLine: max(maxLine, 1), maxEvent: max(maxEvent, 1)}
}

// errIncomplete ends a stream that stopped in the middle of an event: the
// event's lines so far are dropped, as the protocol says.
var errIncomplete = errors.New("the connection ended in the middle of an event")

// Next returns the next event. Blocks of nothing but comments are not
// events. At the end of the input it returns io.EOF when the last event
// was complete, errIncomplete when one was cut off, or the read error.
func (p *sseReader) Next() (sseEvent, error) {
	var ev sseEvent
	fields := false // a field line was seen: a blank line dispatches
	for {
		line, over, err := p.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) && (fields || len(p.line) > 0 || p.lineOver) {
				err = errIncomplete
			}
			return sseEvent{}, err
		}
		if over {
			ev.Oversized = true
			ev.Data = nil
			fields = true
			continue
		}
		if len(line) == 0 {
			if !fields {
				continue
			}
			if n := len(ev.Data); n > 0 && ev.Data[n-1] == '\n' {
				ev.Data = ev.Data[:n-1]
			}
			return ev, nil
		}
		if line[0] == ':' {
			p.comments++
			continue
		}
		fields = true
		name, value := line, []byte(nil)
		if i := bytes.IndexByte(line, ':'); i >= 0 {
			name, value = line[:i], line[i+1:]
			if len(value) > 0 && value[0] == ' ' {
				value = value[1:]
			}
		}
		switch string(name) {
		case "event":
			ev.Type = string(value)
		case "data":
			if ev.Oversized || len(ev.Data)+len(value)+1 > p.maxEvent {
				ev.Oversized = true
				ev.Data = nil
				continue
			}
			ev.Data = append(ev.Data, value...)
			ev.Data = append(ev.Data, '\n')
		case "id":
			// An id holding NUL is ignored, as the protocol says.
			if bytes.IndexByte(value, 0) < 0 {
				ev.ID, ev.HasID = string(value), true
			}
		}
	}
}

// readLine returns the next line without its ending (CR LF, LF or CR).
// over says the line was longer than maxLine; its bytes are then dropped.
// The returned slice is valid until the next call.
func (p *sseReader) readLine() (line []byte, over bool, err error) {
	p.line = p.line[:0]
	p.lineOver = false
	for {
		if p.start == p.end {
			if p.err != nil {
				return nil, false, p.err
			}
			n, err := p.r.Read(p.buf)
			p.start, p.end = 0, n
			if err != nil {
				p.err = err
			}
			if n == 0 {
				if err == nil {
					// A reader that returns nothing and no error: try
					// again (io.Reader allows it, rarely).
					continue
				}
				return nil, false, err
			}
		}
		chunk := p.buf[p.start:p.end]
		if p.afterCR {
			p.afterCR = false
			if chunk[0] == '\n' {
				p.start++
				continue
			}
		}
		i := bytes.IndexAny(chunk, "\r\n")
		if i < 0 {
			p.keep(chunk)
			p.start = p.end
			continue
		}
		p.keep(chunk[:i])
		p.afterCR = chunk[i] == '\r'
		p.start += i + 1
		if p.lineOver {
			return nil, true, nil
		}
		return p.line, false, nil
	}
}

// keep appends b to the current line, up to maxLine.
func (p *sseReader) keep(b []byte) {
	if p.lineOver {
		return
	}
	if len(p.line)+len(b) > p.maxLine {
		p.lineOver = true
		p.line = p.line[:0]
		return
	}
	if need := len(p.line) + len(b); need > cap(p.line) {
		// Grown by hand so the buffer never holds more than the cap
		// (append would round up past it).
		grown := make([]byte, len(p.line), min(max(2*cap(p.line), need, 256), p.maxLine))
		copy(grown, p.line)
		p.line = grown
	}
	p.line = append(p.line, b...)
}
