package cloud

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll returns every event of input, and the error that ended it.
func readAll(r io.Reader, maxLine, maxEvent int) ([]sseEvent, error) {
	p := newSSEReader(r, maxLine, maxEvent)
	var out []sseEvent
	for {
		ev, err := p.Next()
		if err != nil {
			return out, err
		}
		out = append(out, ev)
		if len(out) > 10000 {
			return out, errors.New("too many events")
		}
	}
}

func TestSSEFieldsAndLineEndings(t *testing.T) {
	for name, in := range map[string]string{
		"lf":   "event: log\nid: A\ndata: one\ndata: two\n\n",
		"crlf": "event: log\r\nid: A\r\ndata: one\r\ndata: two\r\n\r\n",
		"cr":   "event: log\rid: A\rdata: one\rdata: two\r\r",
	} {
		evs, err := readAll(strings.NewReader(in), 1024, 1024)
		if !errors.Is(err, io.EOF) || len(evs) != 1 {
			t.Fatalf("%s: %d events, %v", name, len(evs), err)
		}
		ev := evs[0]
		if ev.Type != "log" || ev.ID != "A" || !ev.HasID || string(ev.Data) != "one\ntwo" || ev.Oversized {
			t.Errorf("%s: %+v", name, ev)
		}
	}
}

func TestSSECommentsAreNotEventsAndFieldsParse(t *testing.T) {
	in := ": keep-alive\n\n:another\n\n" +
		"data:no space\nretry: 10\nunknown: x\nevent\n\n" +
		"id: has\x00nul\ndata\n\n"
	p := newSSEReader(strings.NewReader(in), 1024, 1024)
	ev, err := p.Next()
	if err != nil || string(ev.Data) != "no space" || ev.Type != "" {
		t.Fatalf("first event %+v, %v", ev, err)
	}
	if p.comments != 2 {
		t.Errorf("comments = %d, want 2", p.comments)
	}
	ev, err = p.Next()
	if err != nil || ev.HasID || string(ev.Data) != "" {
		t.Errorf("an id with NUL is ignored and a bare data field is empty: %+v, %v", ev, err)
	}
	if _, err := p.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("end: %v", err)
	}
}

func TestSSEEventCutOffIsIncomplete(t *testing.T) {
	for _, in := range []string{"event: log\ndata: {", "event: log\ndata: x\n", "data: x\n\nevent: lo"} {
		_, err := readAll(strings.NewReader(in), 1024, 1024)
		if !errors.Is(err, errIncomplete) {
			t.Errorf("%q: %v, want errIncomplete", in, err)
		}
	}
}

// endless yields n bytes of b with no line ending, then the rest.
type endless struct {
	n    int64
	b    byte
	rest io.Reader
}

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return e.rest.Read(p)
	}
	k := int(min(int64(len(p)), e.n))
	for i := range k {
		p[i] = e.b
	}
	e.n -= int64(k)
	return k, nil
}

// TestSSEEndlessLineAndHugeEventStayBounded: 16 MiB on one line, and 16
// MiB of data lines without a blank line, each cost no more than the caps,
// come out as one oversized event, and the stream goes on after them.
func TestSSEEndlessLineAndHugeEventStayBounded(t *testing.T) {
	const limit = 64 << 10
	lines := strings.Repeat("data: "+strings.Repeat("y", 1000)+"\n", 16<<10)
	for name, r := range map[string]io.Reader{
		"endless line": &endless{n: 16 << 20, b: 'x', rest: strings.NewReader("\n\nevent: log\ndata: ok\n\n")},
		"huge event":   io.MultiReader(strings.NewReader("event: log\n"), strings.NewReader(lines), strings.NewReader("\nevent: log\ndata: ok\n\n")),
	} {
		p := newSSEReader(r, limit, limit)
		ev, err := p.Next()
		if err != nil || !ev.Oversized {
			t.Fatalf("%s: %+v, %v; want an oversized event", name, ev.Type, err)
		}
		if cap(p.line) > limit || len(ev.Data) > limit {
			t.Errorf("%s: line buffer %d, data %d: over the cap %d", name, cap(p.line), len(ev.Data), limit)
		}
		ev, err = p.Next()
		if err != nil || string(ev.Data) != "ok" || ev.Oversized {
			t.Errorf("%s: the next event is %+v, %v", name, ev, err)
		}
	}
}

// TestSSESameEventsWhateverTheChunks: the same bytes give the same
// events read whole or a byte at a time, with a CR LF split across reads.
func TestSSESameEventsWhateverTheChunks(t *testing.T) {
	in := "event: log\r\nid: 1\r\ndata: a\r\n\r\n: c\r\n\r\nevent: end\rdata: {}\r\r"
	whole, err1 := readAll(strings.NewReader(in), 100, 100)
	bytewise, err2 := readAll(iotest.OneByteReader(strings.NewReader(in)), 100, 100)
	if !sameEvents(whole, bytewise) || !errors.Is(err1, io.EOF) || !errors.Is(err2, io.EOF) {
		t.Fatalf("whole %+v (%v), byte by byte %+v (%v)", whole, err1, bytewise, err2)
	}
	if len(whole) != 2 || whole[1].Type != "end" {
		t.Errorf("events %+v", whole)
	}
}

func sameEvents(a, b []sseEvent) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Type != y.Type || x.ID != y.ID || x.HasID != y.HasID || x.Oversized != y.Oversized || !bytes.Equal(x.Data, y.Data) {
			return false
		}
	}
	return true
}
