package cloud

import (
	"encoding/json"
	"time"

	"sandtail/engine"
)

// The log stream's events, as microsandbox's SDK reads them:
//
//	event: log
//	id: CURSOR
//	data: {"source":"stdout","ts":"2026-05-31T10:00:00Z","text":"hello\n"}
//
// "end" ends the stream; every other event type is ignored.

// logPayload is the data of a "log" event.
type logPayload struct {
	Source *string `json:"source"`
	TS     *string `json:"ts"`
	Text   *string `json:"text"`
}

// eventKind is what an event means to the stream.
type eventKind uint8

const (
	eventIgnore    eventKind = iota // another event type: not for us
	eventLog                        // a log entry
	eventEnd                        // the stream is over
	eventMalformed                  // a log event that cannot be read: counted and skipped
)

// maxCursorText bounds an id that could be a cursor: a cursor of the most
// positions sandtail knows is far shorter.
const maxCursorText = 256

// decodeEvent reads one event. A "log" event needs a known source, an RFC
// 3339 time, a text, and an id that is a cursor (or no id at all: the
// entry then carries the last cursor received, as an event without an id
// keeps the last event id in the protocol). Anything else about it is
// malformed, and why says what. The entry's Cursor is set whenever the id
// is a cursor, malformed or not, so a reconnect goes on after the event
// rather than receiving it again.
func decodeEvent(ev sseEvent, last engine.Cursor) (kind eventKind, e engine.Entry, why string) {
	switch ev.Type {
	case "log":
	case "end":
		return eventEnd, engine.Entry{}, ""
	default:
		return eventIgnore, engine.Entry{}, ""
	}
	e.Cursor = last
	if ev.HasID && ev.ID != "" {
		cur, err := engine.ParseCursor(ev.ID)
		if len(ev.ID) > maxCursorText || err != nil {
			return eventMalformed, e, "its id is not a cursor"
		}
		e.Cursor = cur
	}
	if ev.Oversized {
		return eventMalformed, e, "it is larger than the cap"
	}
	var p logPayload
	if err := json.Unmarshal(ev.Data, &p); err != nil {
		return eventMalformed, e, "its data is not JSON"
	}
	if p.Source == nil || p.TS == nil || p.Text == nil {
		return eventMalformed, e, "source, ts or text is missing"
	}
	src, ok := engine.ParseSource(*p.Source)
	if !ok {
		return eventMalformed, e, "its source is unknown"
	}
	ts, err := time.Parse(time.RFC3339Nano, *p.TS)
	if err != nil {
		return eventMalformed, e, "its ts is not an RFC 3339 time"
	}
	e.Time, e.Source, e.Data = ts.UTC(), src, []byte(*p.Text)
	return eventLog, e, ""
}

// sourceParam is the sources query parameter: the sources asked for, in
// the protocol's names.
func sourceParam(s engine.Sources) string {
	if s == 0 {
		s = engine.DefaultSources
	}
	out := ""
	for _, src := range engine.AllSourceList() {
		if s.Has(src) {
			if out != "" {
				out += ","
			}
			out += src.String()
		}
	}
	return out
}
