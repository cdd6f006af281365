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
