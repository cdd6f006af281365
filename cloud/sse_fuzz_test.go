package cloud

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"sandtail/engine"
)

// FuzzSSE: whatever the bytes, the parser ends without panicking, keeps
// within its caps, and reads the same events whole and a byte at a time.
func FuzzSSE(f *testing.F) {
	for _, seed := range []string{
		"event: log\nid: AQAAAAAAAAAAAAAAAAAAAAA=\ndata: {\"source\":\"stdout\",\"ts\":\"2026-05-31T10:00:00Z\",\"text\":\"hi\"}\n\n",
		"event: end\r\n\r\n",
		": keep-alive\r\r",
		"data: a\ndata: b\n\n",
		"id\nevent\ndata\n\n",
		"event: log\ndata: {",
		"\r\n\r\n\n\r",
		"data: " + string(bytes.Repeat([]byte("z"), 300)) + "\n\n",
		"id: x\x00y\n\n",
		"\xff\xfe: \x1b]52;c;AAAA\x07\n\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		const maxLine, maxEvent = 64, 128
		whole, err1 := readAll(bytes.NewReader(in), maxLine, maxEvent)
		bytewise, err2 := readAll(iotest.OneByteReader(bytes.NewReader(in)), maxLine, maxEvent)
		if !sameEvents(whole, bytewise) {
			t.Fatalf("whole %+v, byte by byte %+v", whole, bytewise)
		}
		if errors.Is(err1, io.EOF) != errors.Is(err2, io.EOF) {
			t.Fatalf("ends differ: %v, %v", err1, err2)
		}
		for _, ev := range whole {
			if len(ev.Data) > maxEvent || len(ev.ID) > maxLine || len(ev.Type) > maxLine {
				t.Fatalf("event over the caps: %d data, %d id, %d type", len(ev.Data), len(ev.ID), len(ev.Type))
			}
			if ev.Oversized && len(ev.Data) != 0 {
				t.Fatalf("an oversized event keeps %d bytes of data", len(ev.Data))
			}
			// Decoding never panics, whatever the event.
			decodeEvent(ev, engine.Cursor{})
		}
	})
}

// FuzzDecodeEvent: whatever a log event's id and data hold, decoding ends
// in a log entry or a counted skip, never a panic; a log entry's cursor is
// the event's id when it has one, else the last cursor.
func FuzzDecodeEvent(f *testing.F) {
	f.Add("AQAAAAAAAAAAAAAAAAAAAAA=", []byte(`{"source":"stdout","ts":"2026-05-31T10:00:00Z","text":"hi\n"}`))
	f.Add("", []byte(`{"source":"system","ts":"2026-05-31T10:00:00.123456789+02:00","text":"\u001b[31mred"}`))
	f.Add("not a cursor", []byte(`{"source":"stderr","ts":"2026-05-31T10:00:00Z","text":"x"}`))
	f.Add("", []byte(`{"source":"stdin","ts":"2026","text":null}`))
	f.Add("", []byte(`[1,2,3]`))
	last := engine.NewCursor(engine.Position{Inode: 9, Offset: 9})
	f.Fuzz(func(t *testing.T, id string, data []byte) {
		ev := sseEvent{Type: "log", ID: id, HasID: id != "", Data: data}
		kind, e, why := decodeEvent(ev, last)
		switch kind {
		case eventLog:
			if why != "" {
				t.Fatalf("a log entry with a reason: %q", why)
			}
			if id == "" && e.Cursor != last {
				t.Fatalf("no id, but the cursor changed to %s", e.Cursor)
			}
			if want, err := engine.ParseCursor(id); id != "" && (err != nil || e.Cursor != want) {
				t.Fatalf("id %q, cursor %s", id, e.Cursor)
			}
		case eventMalformed:
			if why == "" {
				t.Fatal("skipped without a reason")
			}
		default:
			t.Fatalf("a log event decoded as kind %d", kind)
		}
	})
}
