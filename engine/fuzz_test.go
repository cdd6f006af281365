package engine

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParseJSONL checks the exec.log decoder against encoding/json: it
// never panics, and every line encoding/json reads as a valid record is
// decoded to the same fields.
func FuzzParseJSONL(f *testing.F) {
	f.Add([]byte(`{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"hello\n","id":7}`))
	f.Add([]byte(`{"t":"2026-04-30T20:32:59.688Z","s":"system","d":"boot"}`))
	f.Add([]byte(`{"id":1,"e":"b64","d":"/wB4","s":"output","t":"2026-04-30T20:32:59Z"}`))
	f.Add([]byte(`{"t":"2026-04-30T20:32:59.688Z","s":"stderr","d":"\u001b[31mred\u001b[0m\r\n\ud83d\ude00","id":3,"x":[{"y":null}]}`))
	f.Add([]byte(`{"t":"2026-04-30T22:32:59+02:00","s":"stdout","d":null,"id":null}`))
	f.Fuzz(func(t *testing.T, line []byte) {
		want, wantOK := referenceRecord(line)
		var e Entry
		got := parseJSONL(append([]byte(nil), line...), &e)
		if !wantOK {
			return
		}
		if !got {
			t.Fatalf("encoding/json reads %q as a record; the decoder skipped it", line)
		}
		if !e.Time.Equal(want.Time) || e.Source != want.Source || !bytes.Equal(e.Data, want.Data) || e.HasSession != want.HasSession || e.Session != want.Session {
			t.Fatalf("%q:\n got %v %v %q %v %d\nwant %v %v %q %v %d", line, e.Time, e.Source, e.Data, e.HasSession, e.Session,
				want.Time, want.Source, want.Data, want.HasSession, want.Session)
		}
	})
}

// referenceRecord decodes a line with encoding/json by the schema's rules.
func referenceRecord(line []byte) (Entry, bool) {
	if !utf8.Valid(line) || bytes.Count(line, []byte("["))+bytes.Count(line, []byte("{")) > maxJSONDepth {
		return Entry{}, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(line, &m); err != nil {
		return Entry{}, false
	}
	var e Entry
	var ts, src string
	if json.Unmarshal(m["t"], &ts) != nil || json.Unmarshal(m["s"], &src) != nil {
		return Entry{}, false
	}
	tm, err := time.Parse(time.RFC3339Nano, ts)
	if err != nil || len(ts) > 64 {
		return Entry{}, false
	}
	e.Time = tm.UTC()
	var ok bool
	if e.Source, ok = ParseSource(src); !ok {
		return Entry{}, false
	}
	var d *string
	if raw, has := m["d"]; has && json.Unmarshal(raw, &d) != nil {
		return Entry{}, false
	}
	var id *uint64
	if raw, has := m["id"]; has && json.Unmarshal(raw, &id) != nil {
		return Entry{}, false
	}
	var enc *string
	if raw, has := m["e"]; has && json.Unmarshal(raw, &enc) != nil {
		return Entry{}, false
	}
	if d != nil {
		e.Data = []byte(*d)
		if enc != nil && *enc == "b64" {
			if dec, err := base64.StdEncoding.DecodeString(*d); err == nil {
				e.Data = dec
			}
		}
	}
	if id != nil {
		e.Session, e.HasSession = *id, true
	}
	return e, true
}

// FuzzJSONLRoundTrip writes records as the producer does and reads them back.
func FuzzJSONLRoundTrip(f *testing.F) {
	f.Add(int64(1777581179688), uint8(0), []byte("hello\n"), uint64(7), false)
	f.Add(int64(0), uint8(3), []byte("\x00\xff\x1b[2J"), uint64(0), true)
	f.Fuzz(func(t *testing.T, ms int64, src uint8, data []byte, id uint64, b64 bool) {
		ts := time.UnixMilli(ms % 253402300799000).UTC()
		if ts.Year() < 0 {
			ts = time.UnixMilli(0).UTC()
		}
		source := Source(src % uint8(numSources))
		rec := map[string]any{"t": ts.Format("2006-01-02T15:04:05.000Z"), "s": source.String()}
		want := data
		if b64 {
			rec["d"], rec["e"] = base64.StdEncoding.EncodeToString(data), "b64"
		} else {
			want = bytes.ToValidUTF8(data, []byte("\uFFFD")) // what a JSON string can carry
			rec["d"] = string(want)
		}
		if source != System {
			rec["id"] = id
		}
		line, err := json.Marshal(rec)
		if err != nil {
			t.Skip()
		}
		var e Entry
		if !parseJSONL(line, &e) {
			t.Fatalf("skipped %s", line)
		}
		if !e.Time.Equal(ts) || e.Source != source || !bytes.Equal(e.Data, want) || e.HasSession != (source != System) || (e.HasSession && e.Session != id) {
			t.Fatalf("%s read back as %v %v %q %v %d", line, e.Time, e.Source, e.Data, e.HasSession, e.Session)
		}
	})
}

// FuzzParseText checks the text parser: it never panics, its body is valid
// UTF-8 without escape bytes and ends in '\n', and a timestamped line reads
// back as its time and body.
func FuzzParseText(f *testing.F) {
	f.Add([]byte("2026-04-30T20:32:59.688Z  vm started"), int64(1777581179688), []byte("body"))
	f.Add([]byte("\x1b[31m\x1b]8;;x\x07[0.1] \xff kernel"), int64(0), []byte("\x1b"))
	f.Fuzz(func(t *testing.T, line []byte, ms int64, body []byte) {
		mtime := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		var e Entry
		buf := append(append([]byte(nil), line...), '\n')
		if bytes.IndexByte(line, '\n') < 0 {
			parseText(buf[:len(line):len(line)+1], true, mtime, &e)
			if !utf8.Valid(e.Data) || len(e.Data) == 0 || e.Data[len(e.Data)-1] != '\n' || bytes.IndexByte(e.Data, 0x1b) >= 0 || e.Source != System {
				t.Fatalf("%q gave %q", line, e.Data)
			}
		}
		ts := time.UnixMilli(ms % 253402300799000).UTC()
		if ts.Year() < 0 {
			return
		}
		b := strings.TrimLeft(strings.ToValidUTF8(string(body), "\uFFFD"), " \t\r\v\f")
		if strings.ContainsAny(b, "\n\x1b") {
			return
		}
		in := []byte(ts.Format("2006-01-02T15:04:05.000Z") + " " + b + "\n")
		parseText(in[:len(in)-1], true, mtime, &e)
		if !e.Time.Equal(ts) || string(e.Data) != b+"\n" {
			t.Fatalf("%q read back as %v %q", in, e.Time, e.Data)
		}
	})
}

// FuzzParseCursor checks the cursor decoder: it never panics, and what it
// accepts encodes back to the same cursor; raw positions round-trip.
func FuzzParseCursor(f *testing.F) {
	f.Add("AQ==", []byte{})
	f.Add(NewCursor(Position{Inode: 12, Offset: 34}).String(), []byte{1, 2, 3})
	f.Add("AwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", []byte{0xff})
	f.Fuzz(func(t *testing.T, s string, raw []byte) {
		if c, err := ParseCursor(s); err == nil {
			back, err := ParseCursor(c.String())
			if err != nil || back != c {
				t.Fatalf("%q: re-encoded %q does not read back: %v", s, c.String(), err)
			}
		}
		var pos []Position
		for len(raw) >= 16 && len(pos) < len(fileTable) {
			pos = append(pos, Position{
				Inode:  uint64(raw[0]) | uint64(raw[7])<<56,
				Offset: uint64(raw[8]) | uint64(raw[15])<<48,
			})
			raw = raw[16:]
		}
		c := NewCursor(pos...)
		back, err := ParseCursor(c.String())
		if err != nil || back != c {
			t.Fatalf("%v: round trip gave %v, %v", pos, back, err)
		}
	})
}
