package engine

import (
	"bytes"
	"encoding/base64"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func parseJSONLString(s string) (Entry, bool) {
	var e Entry
	ok := parseJSONL([]byte(s), &e)
	return e, ok
}

func TestParseJSONLRecords(t *testing.T) {
	cases := []struct {
		line    string
		src     Source
		data    string
		id      uint64
		hasID   bool
		ms      int
		skipped bool
	}{
		{line: `{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"hello\n","id":7}`, src: Stdout, data: "hello\n", id: 7, hasID: true, ms: 688},
		{line: `{"t":"2026-04-30T20:32:59.688Z","s":"system","d":"booted"}`, src: System, data: "booted", ms: 688},
		{line: `{"t":"2026-04-30T20:32:59.688Z","s":"stderr","id":3}`, src: Stderr, data: "", id: 3, hasID: true, ms: 688},
		{line: ` { "id" : 9 , "d" : "a\"b\\c\u00e9\ud83d\ude00\t" , "s" : "output" , "t" : "2026-04-30T20:32:59Z" } `, src: Output, data: "a\"b\\cé😀\t", id: 9, hasID: true},
		{line: `{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"` + base64.StdEncoding.EncodeToString([]byte{0xff, 0, 'x'}) + `","e":"b64","id":1}`, src: Stdout, data: "\xff\x00x", id: 1, hasID: true, ms: 688},
		{line: `{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"not base64!","e":"b64","id":1}`, src: Stdout, data: "not base64!", id: 1, hasID: true, ms: 688},
		{line: `{"t":"2026-04-30T22:32:59.688+02:00","s":"stdout","d":"tz","id":1,"extra":{"a":[1,2,{"b":null}],"c":true}}`, src: Stdout, data: "tz", id: 1, hasID: true, ms: 688},
		{line: `{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"lone \ud800 surrogate","id":1}`, src: Stdout, data: "lone \uFFFD surrogate", id: 1, hasID: true, ms: 688},
		{line: ``, skipped: true},
		{line: `not json`, skipped: true},
		{line: `{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"x","id":1} trailing`, skipped: true},
		{line: `{"t":"2026-04-30T20:32:59.688Z","s":"bogus","d":"x"}`, skipped: true},
		{line: `{"t":"yesterday","s":"stdout","d":"x"}`, skipped: true},
		{line: `{"s":"stdout","d":"x"}`, skipped: true},
		{line: `{"t":"2026-04-30T20:32:59.688Z","d":"x"}`, skipped: true},
		{line: `{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"x","id":-1}`, skipped: true},
		{line: `{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"x","id":1.5}`, skipped: true},
		{line: `{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"unterminated`, skipped: true},
		{line: `{"t":"2026-02-30T20:32:59.688Z","s":"stdout","d":"x"}`, skipped: true},
	}
	for _, c := range cases {
		e, ok := parseJSONLString(c.line)
		if ok == c.skipped {
			t.Errorf("%s: ok=%v, want %v", c.line, ok, !c.skipped)
			continue
		}
		if c.skipped {
			continue
		}
		if e.Source != c.src || string(e.Data) != c.data || e.Session != c.id || e.HasSession != c.hasID {
			t.Errorf("%s: got %v %q %d %v", c.line, e.Source, e.Data, e.Session, e.HasSession)
		}
		want := time.Date(2026, 4, 30, 20, 32, 59, c.ms*1e6, time.UTC)
		if !e.Time.Equal(want) || e.Time.Location() != time.UTC {
			t.Errorf("%s: time %v, want %v UTC", c.line, e.Time, want)
		}
	}
}

func TestParseTimeMatchesTimeParse(t *testing.T) {
	for _, s := range []string{
		"2026-04-30T20:32:59.688Z", "2026-04-30T20:32:59Z", "2024-02-29T00:00:00.123456789Z",
		"1970-01-01T00:00:00Z", "2000-12-31T23:59:59.9Z", "2026-04-30T20:32:59.688+02:00",
	} {
		got, ok := parseTime([]byte(s))
		want, err := time.Parse(time.RFC3339Nano, s)
		if !ok || err != nil || !got.Equal(want) {
			t.Errorf("%s: got %v %v, want %v %v", s, got, ok, want, err)
		}
	}
	for _, s := range []string{"2026-13-01T00:00:00Z", "2026-04-31T00:00:00Z", "2026-04-30T24:00:00Z", "2026-04-30T20:32:59.Z", "2026-04-30 20:32:59Z", "x"} {
		if _, ok := parseTime([]byte(s)); ok {
			t.Errorf("%s: parsed, want refusal", s)
		}
	}
}

func TestParseTextLines(t *testing.T) {
	mtime := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := []struct {
		line string
		data string
		ts   time.Time
	}{
		{"2026-04-30T20:32:59.688Z  vm started", "vm started\n", t0},
		{"\x1b[32m2026-04-30T20:32:59.688Z\x1b[0m INFO ready", "INFO ready\n", t0},
		{"[    0.000000] Linux version 6.1", "[    0.000000] Linux version 6.1\n", mtime},
		{"2026-04-30T20:32:59.688+00:00 offset form is not the writer's", "2026-04-30T20:32:59.688+00:00 offset form is not the writer's\n", mtime},
		{"short 2026Z", "short 2026Z\n", mtime},
		{"bad \xff\xfe utf8", "bad \uFFFD utf8\n", mtime},
		{"", "\n", mtime},
		{"\x1b]0;title\x07visible\x1b[2J", "visible\n", mtime},
	}
	for _, c := range cases {
		buf := []byte(c.line + "\n")
		var e Entry
		parseText(buf[:len(c.line):len(c.line)+1], true, mtime, &e)
		if string(e.Data) != c.data || !e.Time.Equal(c.ts) || e.Source != System || e.HasSession {
			t.Errorf("%q: got %q at %v, want %q at %v", c.line, e.Data, e.Time, c.data, c.ts)
		}
	}
}

func TestTruncatedRecordKeepsHeadAndSession(t *testing.T) {
	big := strings.Repeat("x\\\"y", 1000) // escapes near the cut
	line := []byte(`{"t":"2026-04-30T20:32:59.688Z","s":"stderr","d":"` + big + `","id":42}`)
	var skipped atomic.Int64
	p := newLineParser(&fileTable[0], 0, Options{MaxEntryBytes: 100}, &skipped)
	out := p.appendLine(nil, line, false, Position{Inode: 1, Offset: uint64(len(line) + 1)}, time.Time{})
	if len(out) != 1 {
		t.Fatalf("got %d entries, skipped %d", len(out), skipped.Load())
	}
	e := out[0]
	if e.Truncated != int64(len(line)-100) || !e.HasSession || e.Session != 42 || e.Source != Stderr {
		t.Fatalf("truncated entry: %+v", e)
	}
	if !bytes.HasPrefix([]byte(strings.Repeat("x\"y", 100)), e.Data) || len(e.Data) == 0 || len(e.Data) > 100 {
		t.Fatalf("data %q is not a prefix of the record's data", e.Data)
	}
}
