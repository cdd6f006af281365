package printmode

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sandtail/engine"
)

func TestAppendEntryJSONExact(t *testing.T) {
	c := engine.NewCursor(engine.Position{Inode: 7, Offset: 99})
	ts := time.Date(2026, 4, 30, 20, 32, 59, 688e6, time.UTC)
	for _, tc := range []struct {
		e    engine.Entry
		want string
	}{
		{
			engine.Entry{Time: ts, Source: engine.Stdout, Session: 7, HasSession: true, Data: []byte("hello\n"), Cursor: c},
			`{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"hello\n","id":7,"cursor":"` + c.String() + `"}`,
		},
		{
			engine.Entry{Time: ts.In(time.FixedZone("X", 3600)), Source: engine.System, Data: []byte("boot"), Cursor: c},
			`{"t":"2026-04-30T20:32:59.688Z","s":"system","d":"boot","cursor":"` + c.String() + `"}`,
		},
		{
			engine.Entry{Time: ts, Source: engine.Stderr, Session: 0, HasSession: true, Data: []byte{0xff, 0xfe, 'x'}, Cursor: c},
			`{"t":"2026-04-30T20:32:59.688Z","s":"stderr","d":"//54","id":0,"e":"b64","cursor":"` + c.String() + `"}`,
		},
		{
			engine.Entry{Time: ts, Source: engine.Output, Session: 3, HasSession: true, Data: nil, Truncated: 12, Cursor: c},
			`{"t":"2026-04-30T20:32:59.688Z","s":"output","d":"","id":3,"truncated":12,"cursor":"` + c.String() + `"}`,
		},
		{
			engine.Entry{Time: ts, Source: engine.System, Mark: engine.MarkGap, File: "exec.log", Data: []byte("about 3 MiB lost"), Cursor: c},
			`{"t":"2026-04-30T20:32:59.688Z","mark":"gap","file":"exec.log","d":"about 3 MiB lost","cursor":"` + c.String() + `"}`,
		},
	} {
		got := string(appendEntryJSON(nil, &tc.e, ""))
		if got != tc.want+"\n" {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}

func TestAppendJSONStringEscapesTerminalControls(t *testing.T) {
	in := "a\"b\\c\x1b]52;c;eA==\x07 \u009b31m \u202eevil\u202c \u2028 é 日本 \x7f\t\r\n"
	out := appendJSONString(nil, []byte(in))
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\u202c", "\u2028", "\x7f", "\t", "\r", "\n"} {
		if strings.Contains(string(out), bad) {
			t.Errorf("output %q contains raw %q", out, bad)
		}
	}
	var back string
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("not JSON: %s: %v", out, err)
	}
	if back != in {
		t.Fatalf("round trip: got %q, want %q", back, in)
	}
	if !strings.Contains(string(out), "é 日本") {
		t.Errorf("printable runes were escaped: %s", out)
	}
}

func FuzzAppendEntryJSON(f *testing.F) {
	f.Add([]byte("hello\n"), uint64(7), true)
	f.Add([]byte{0xff, 0x00, 0x1b}, uint64(0), false)
	f.Add([]byte("\u009b\u202e\u2029"), uint64(1<<63), true)
	f.Fuzz(func(t *testing.T, data []byte, id uint64, has bool) {
		e := engine.Entry{Time: time.Unix(1, 0), Source: engine.Stdout, Data: data, Session: id, HasSession: has}
		line := appendEntryJSON(nil, &e, "")
		var rec struct {
			D  string  `json:"d"`
			ID *uint64 `json:"id"`
			E  string  `json:"e"`
		}
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("not JSON: %q: %v", line, err)
		}
		for _, b := range line[:len(line)-1] {
			if b < 0x20 || b == 0x7f {
				t.Fatalf("raw control byte %#x in %q", b, line)
			}
		}
		if has != (rec.ID != nil) || (has && *rec.ID != id) {
			t.Fatalf("id: got %v, want %v %d", rec.ID, has, id)
		}
		if utf8.Valid(data) != (rec.E == "") {
			t.Fatalf("e = %q for valid=%v", rec.E, utf8.Valid(data))
		}
		if rec.E == "" && rec.D != string(data) {
			t.Fatalf("d round trip: %q != %q", rec.D, data)
		}
	})
}
