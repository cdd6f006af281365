package lines

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"sandtail/engine"
)

var t0 = time.Date(2026, 4, 30, 20, 32, 59, 0, time.UTC)

// entry builds an exec.log entry; n numbers it (its time and cursor).
func entry(src engine.Source, session uint64, data string, n int) *engine.Entry {
	return &engine.Entry{
		Time: t0.Add(time.Duration(n) * time.Second), Source: src,
		Session: session, HasSession: src != engine.System,
		Data: []byte(data), File: "exec.log",
		Cursor: engine.NewCursor(engine.Position{Inode: 1, Offset: uint64(n)}),
	}
}

// show renders a piece compactly: [ and ] mark Start and End, then the
// entry number (from the cursor) and the key.
func show(p Piece) string {
	var b strings.Builder
	if p.Start {
		b.WriteByte('[')
	}
	fmt.Fprintf(&b, "%q", p.Text)
	if p.End {
		b.WriteByte(']')
	}
	fmt.Fprintf(&b, "@%d/%d:%d", p.Cursor.At(0).Offset, p.Key.Source, p.Key.Session)
	if p.Mark != engine.MarkNone {
		fmt.Fprintf(&b, " mark%d", p.Mark)
	}
	if p.Truncated != 0 {
		fmt.Fprintf(&b, " cut%d", p.Truncated)
	}
	return b.String()
}

func split(j *Joiner, es ...*engine.Entry) []string {
	var out []string
	for _, e := range es {
		j.Split(e, func(p Piece) {
			if p.Time != e.Time {
				panic("piece time is not its entry's")
			}
			out = append(out, show(p))
		})
	}
	return out
}

func TestJoinerSplit(t *testing.T) {
	gap := entry(engine.System, 0, "data lost here\n", 9)
	gap.Mark = engine.MarkGap
	restart := entry(engine.System, 0, "kernel.log restarted", 9)
	restart.Mark = engine.MarkRestart
	cut := entry(engine.Stdout, 1, "abc", 2)
	cut.Truncated = 100
	cutNL := entry(engine.Stdout, 1, "abc\n", 2)
	cutNL.Truncated = 7
	cutEmpty := entry(engine.Stdout, 1, "", 2)
	cutEmpty.Truncated = 5

	tests := []struct {
		name string
		in   []*engine.Entry
		want []string
	}{
		{"one line", []*engine.Entry{entry(engine.Stdout, 1, "hello\n", 1)},
			[]string{`["hello"]@1/0:1`}},
		{"split chunks", []*engine.Entry{
			entry(engine.Stdout, 1, "hel", 1), entry(engine.Stdout, 1, "lo wor", 2), entry(engine.Stdout, 1, "ld\n", 3)},
			[]string{`["hel"@1/0:1`, `"lo wor"@2/0:1`, `"ld"]@3/0:1`}},
		{"several lines in one record", []*engine.Entry{entry(engine.Stderr, 2, "a\nb\n\nc", 1), entry(engine.Stderr, 2, "d\n", 2)},
			[]string{`["a"]@1/1:2`, `["b"]@1/1:2`, `[""]@1/1:2`, `["c"@1/1:2`, `"d"]@2/1:2`}},
		{"interleaved sources and sessions", []*engine.Entry{
			entry(engine.Stdout, 1, "out1-", 1), entry(engine.Stderr, 1, "err1-", 2),
			entry(engine.Stdout, 2, "out2-", 3), entry(engine.Stdout, 1, "end\n", 4),
			entry(engine.Stdout, 2, "end\n", 5), entry(engine.Stderr, 1, "end\n", 6)},
			[]string{`["out1-"@1/0:1`, `["err1-"@2/1:1`, `["out2-"@3/0:2`, `"end"]@4/0:1`, `"end"]@5/0:2`, `"end"]@6/1:1`}},
		{"CRLF keeps the \\r", []*engine.Entry{entry(engine.Output, 3, "line\r\nnext\r", 1), entry(engine.Output, 3, "\n", 2)},
			[]string{`["line\r"]@1/2:3`, `["next\r"@1/2:3`, `""]@2/2:3`}},
		{"empty data leaves the line as it was", []*engine.Entry{
			entry(engine.Stdout, 1, "", 1), entry(engine.Stdout, 1, "a", 2), entry(engine.Stdout, 1, "", 3), entry(engine.Stdout, 1, "b\n", 4)},
			[]string{`["a"@2/0:1`, `"b"]@4/0:1`}},
		{"a lone newline ends the open line", []*engine.Entry{entry(engine.Stdout, 1, "a", 1), entry(engine.Stdout, 1, "\n", 2), entry(engine.Stdout, 1, "\n", 3)},
			[]string{`["a"@1/0:1`, `""]@2/0:1`, `[""]@3/0:1`}},
		{"gap is a whole line and closes every open line", []*engine.Entry{
			entry(engine.Stdout, 1, "a", 1), entry(engine.Stderr, 1, "b", 2), gap,
			entry(engine.Stdout, 1, "c\n", 3), entry(engine.Stderr, 1, "d\n", 4)},
			[]string{`["a"@1/0:1`, `["b"@2/1:1`, `["data lost here"]@9/3:0 mark1`, `["c"]@3/0:1`, `["d"]@4/1:1`}},
		{"restart closes only its own key", []*engine.Entry{
			entry(engine.Stdout, 1, "a", 1), entry(engine.System, 0, "boot", 2), restart,
			entry(engine.Stdout, 1, "b\n", 3), entry(engine.System, 0, "x\n", 4)},
			[]string{`["a"@1/0:1`, `["boot"@2/3:0`, `["kernel.log restarted"]@9/3:0 mark2`, `"b"]@3/0:1`, `["x"]@4/3:0`}},
		{"truncated entry closes its line", []*engine.Entry{cut, entry(engine.Stdout, 1, "next\n", 3)},
			[]string{`["abc"@2/0:1 cut100`, `["next"]@3/0:1`}},
		{"truncation noted on the last piece", []*engine.Entry{entry(engine.Stdout, 1, "x\n", 1), cutNL},
			[]string{`["x"]@1/0:1`, `["abc"]@2/0:1 cut7`}},
		{"truncated empty entry still reports the cut", []*engine.Entry{entry(engine.Stdout, 1, "a", 1), cutEmpty, entry(engine.Stdout, 1, "b\n", 3)},
			[]string{`["a"@1/0:1`, `""@2/0:1 cut5`, `["b"]@3/0:1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var j Joiner
			got := split(&j, tt.in...)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("pieces:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestJoinerKeepsFilesApart(t *testing.T) {
	var j Joiner
	open := entry(engine.System, 0, "exec.log system chunk ", 1)
	runtime := entry(engine.System, 0, "runtime line\n", 2)
	runtime.File = "runtime.log"
	more := entry(engine.System, 0, "continued\n", 3)
	got := split(&j, open, runtime, more)
	want := []string{`["exec.log system chunk "@1/3:0`, `["runtime line"]@2/3:0`, `"continued"]@3/3:0`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pieces:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestJoinerReset(t *testing.T) {
	var j Joiner
	split(&j, entry(engine.Stdout, 1, "open", 1))
	if !j.Open(Key{Source: engine.Stdout, Session: 1, HasSession: true, File: "exec.log"}) {
		t.Fatal("line not open after a chunk without newline")
	}
	j.Reset()
	got := split(&j, entry(engine.Stdout, 1, "fresh\n", 2))
	if want := `["fresh"]@2/0:1`; len(got) != 1 || got[0] != want {
		t.Errorf("after Reset: %v, want %s", got, want)
	}
}

func TestJoinerBoundsOpenKeys(t *testing.T) {
	var j Joiner
	for s := range uint64(maxOpen + 10) {
		split(&j, entry(engine.Stdout, s, "x", int(s)))
	}
	if len(j.open) != maxOpen {
		t.Fatalf("open keys = %d, want %d", len(j.open), maxOpen)
	}
	// The first-opened were forgotten, the last are still open.
	if j.Open(Key{Source: engine.Stdout, Session: 0, HasSession: true, File: "exec.log"}) {
		t.Error("oldest key still open")
	}
	if !j.Open(Key{Source: engine.Stdout, Session: maxOpen + 9, HasSession: true, File: "exec.log"}) {
		t.Error("newest key not open")
	}
}

func TestPieceTextAliasesData(t *testing.T) {
	var j Joiner
	e := entry(engine.Stdout, 1, "abc\ndef", 1)
	var texts [][]byte
	j.Split(e, func(p Piece) { texts = append(texts, p.Text) })
	if &texts[0][0] != &e.Data[0] || &texts[1][0] != &e.Data[4] {
		t.Error("pieces copy the data instead of aliasing it")
	}
	if cap(texts[0]) != 3 {
		t.Errorf("a piece's capacity reaches into the next line: cap %d", cap(texts[0]))
	}
}

// A gap in one sandbox of several ends that sandbox's open lines only:
// another sandbox's unfinished line goes on.
func TestGapEndsOnlyItsSandboxesLines(t *testing.T) {
	var j Joiner
	var got []Piece
	emit := func(p Piece) { got = append(got, p) }
	j.Split(&engine.Entry{Source: engine.Stdout, HasSession: true, Session: 1, Data: []byte("a-start "), Origin: 0}, emit)
	j.Split(&engine.Entry{Source: engine.Stdout, HasSession: true, Session: 1, Data: []byte("b-start "), Origin: 1}, emit)
	j.Split(&engine.Entry{Mark: engine.MarkGap, Data: []byte("lost"), Origin: 1}, emit)
	got = got[:0]
	j.Split(&engine.Entry{Source: engine.Stdout, HasSession: true, Session: 1, Data: []byte("a-end\n"), Origin: 0}, emit)
	j.Split(&engine.Entry{Source: engine.Stdout, HasSession: true, Session: 1, Data: []byte("b-new\n"), Origin: 1}, emit)
	if len(got) != 2 || got[0].Start || !got[1].Start {
		t.Fatalf("a must continue its line and b start a new one: %+v", got)
	}
}

// The Assembler mirrors it: a gap in sandbox 1 emits sandbox 1's open
// line and keeps sandbox 0's to complete.
func TestAssemblerGapFlushesOnlyItsSandbox(t *testing.T) {
	var j Joiner
	a := NewAssembler(0)
	var out []string
	emit := func(l Line) { out = append(out, fmt.Sprintf("%d:%s:%v", l.Key.Origin, l.Text, l.Complete)) }
	for _, e := range []engine.Entry{
		{Source: engine.Stdout, HasSession: true, Session: 1, Data: []byte("a-start "), Origin: 0},
		{Source: engine.Stdout, HasSession: true, Session: 1, Data: []byte("b-start "), Origin: 1},
		{Mark: engine.MarkGap, Data: []byte("lost"), Origin: 1},
		{Source: engine.Stdout, HasSession: true, Session: 1, Data: []byte("a-end\n"), Origin: 0},
	} {
		j.Split(&e, func(p Piece) { a.Add(p, emit) })
	}
	if got := strings.Join(out, "|"); got != "1:b-start :false|1:lost:true|0:a-start a-end:true" {
		t.Fatalf("got %s", got)
	}
}
