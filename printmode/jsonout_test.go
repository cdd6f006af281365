package printmode

import (
	"encoding/binary"
	"encoding/json"
	"math/rand/v2"
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

// TestPlainWordMatchesTheTable checks the eight-lane test against the
// byte table: every byte value in every lane among plain bytes, and random
// words.
func TestPlainWordMatchesTheTable(t *testing.T) {
	check := func(w [8]byte) {
		want := true
		for _, c := range w {
			want = want && plainJSON[c]
		}
		if got := plainWord(binary.LittleEndian.Uint64(w[:])); got != want {
			t.Fatalf("plainWord(% x) = %v, want %v", w, got, want)
		}
	}
	for lane := 0; lane < 8; lane++ {
		for c := 0; c < 256; c++ {
			for _, fill := range []byte{' ', 'a', '~', '!', '#', '[', ']'} {
				w := [8]byte{fill, fill, fill, fill, fill, fill, fill, fill}
				w[lane] = byte(c)
				check(w)
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 1_000_000; i++ {
		var w [8]byte
		binary.LittleEndian.PutUint64(w[:], rng.Uint64())
		// Mostly near the edges: pull lanes into 0x1e…0x23, 0x5a…0x5e
		// and 0x7c…0x81 now and then.
		for k := range w {
			switch rng.IntN(4) {
			case 0:
				w[k] = 0x1e + byte(rng.IntN(6))
			case 1:
				w[k] = 0x5a + byte(rng.IntN(5))
			case 2:
				w[k] = 0x7c + byte(rng.IntN(6))
			}
		}
		check(w)
	}
}

// encoderEntries turns fuzz input into a run of entries like a snapshot's:
// times that often share a second, cursors that share a prefix, data of
// every kind.
func encoderEntries(data []byte, seed uint64) []engine.Entry {
	rng := rand.New(rand.NewPCG(seed, 1))
	var es []engine.Entry
	sec := int64(1_700_000_000)
	off := uint64(0)
	for len(data) > 0 || len(es) == 0 {
		n := min(len(data), rng.IntN(40))
		d := data[:n]
		data = data[n:]
		switch rng.IntN(8) {
		case 0:
			sec += rng.Int64N(3)
		case 1:
			sec = rng.Int64N(400_000_000_000) - 62_000_000_000 // years outside 0…9999 too
		}
		off += uint64(rng.IntN(1 << uint(rng.IntN(30))))
		pos := []engine.Position{{Inode: 7, Offset: off}}
		for k := rng.IntN(3); k > 0; k-- {
			pos = append(pos, engine.Position{Inode: uint64(rng.IntN(3)), Offset: uint64(rng.IntN(1 << 20))})
		}
		e := engine.Entry{
			Time:       time.Unix(sec, rng.Int64N(1e9)),
			Source:     engine.Source(rng.IntN(4)),
			Session:    rng.Uint64N(1000),
			HasSession: rng.IntN(2) == 0,
			Data:       d,
			Cursor:     engine.NewCursor(pos...),
			File:       "exec.log",
		}
		switch rng.IntN(20) {
		case 0:
			e.Mark = engine.MarkGap
		case 1:
			e.Truncated = rng.Int64N(1 << 20)
		}
		es = append(es, e)
	}
	return es
}

// FuzzEncoderMatchesTheReference checks that the encoder, which carries
// the time's second and the cursor's text from one entry to the next,
// writes every entry of a run exactly as the byte-at-a-time writer did.
func FuzzEncoderMatchesTheReference(f *testing.F) {
	f.Add([]byte("hello\nworld \"quoted\" back\\slash\ttab\x1b[31m red \x7f é 日本 \u009b \u202e"), uint64(1))
	f.Add([]byte{0xff, 0xfe, 'x', 0xc3, 0xa9, 0xe2, 0x80}, uint64(2))
	f.Add([]byte("0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz\n"), uint64(3))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		var enc entryEncoder
		for i, e := range encoderEntries(data, seed) {
			sandbox := ""
			if i%3 == 1 {
				sandbox = "box\x1b"
			}
			got := string(enc.append(nil, &e, sandbox))
			want := string(refAppendEntryJSON(nil, &e, sandbox))
			if got != want {
				t.Fatalf("entry %d:\ngot  %q\nwant %q", i, got, want)
			}
		}
	})
}

// TestEncoderMatchesTheReferenceOnRandomRuns runs the comparison over
// longer random runs than the seed corpus holds.
func TestEncoderMatchesTheReferenceOnRandomRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []string{"a", "plain words ", "\n", "\"", "\\", "\t", "\x00", "\x1f", "\x7f", "é", "日本", "\u0085", "\u009b", "\u2028", "\u202e", "\u2066", "\ufeff", "😀", "\xff", "\xc3", "\xe2\x80"}
	for run := 0; run < 200; run++ {
		var data []byte
		for k := rng.IntN(400); k > 0; k-- {
			data = append(data, alphabet[rng.IntN(len(alphabet))]...)
		}
		var enc entryEncoder
		for i, e := range encoderEntries(data, uint64(run)) {
			if got, want := string(enc.append(nil, &e, "")), string(refAppendEntryJSON(nil, &e, "")); got != want {
				t.Fatalf("run %d entry %d:\ngot  %q\nwant %q", run, i, got, want)
			}
		}
	}
}

// TestPlainPrefixMatchesTheTable checks the sixteen-byte scan against the
// byte table on strings whose first non-plain byte falls anywhere.
func TestPlainPrefixMatchesTheTable(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	odd := []byte{0x00, 0x1f, '"', '\\', 0x7f, 0x80, 0xc3, 0xff, '\n'}
	for i := 0; i < 100_000; i++ {
		s := make([]byte, rng.IntN(140))
		for k := range s {
			s[k] = byte(0x20 + rng.IntN(0x5f))
			if rng.IntN(40) == 0 {
				s[k] = odd[rng.IntN(len(odd))]
			}
		}
		want := 0
		for want < len(s) && plainJSON[s[want]] {
			want++
		}
		if got := plainPrefix(s); got != want {
			t.Fatalf("plainPrefix(%q) = %d, want %d", s, got, want)
		}
	}
}
