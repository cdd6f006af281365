package lines

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"sandtail/engine"
)

// showLine renders a line compactly: the text, then ✓ when complete, + when
// it continues a part, and the entry number of its cursor.
func showLine(l Line) string {
	s := fmt.Sprintf("%q", l.Text)
	if l.Complete {
		s += "✓"
	}
	if l.Cont {
		s = "+" + s
	}
	s += fmt.Sprintf("@%d/%d:%d", l.Cursor.At(0).Offset, l.Key.Source, l.Key.Session)
	if l.Mark != engine.MarkNone {
		s += fmt.Sprintf(" mark%d", l.Mark)
	}
	if l.Truncated != 0 {
		s += fmt.Sprintf(" cut%d", l.Truncated)
	}
	return s
}

func assemble(maxLine int, flush bool, es ...*engine.Entry) []string {
	var j Joiner
	a := NewAssembler(maxLine)
	var out []string
	emit := func(l Line) { out = append(out, showLine(l)) }
	for _, e := range es {
		j.Split(e, func(p Piece) { a.Add(p, emit) })
	}
	if flush {
		a.Flush(emit)
	}
	return out
}

func TestAssembler(t *testing.T) {
	gap := entry(engine.System, 0, "lost\n", 9)
	gap.Mark = engine.MarkGap
	cut := entry(engine.Stdout, 1, "def", 3)
	cut.Truncated = 50

	tests := []struct {
		name    string
		maxLine int
		flush   bool
		in      []*engine.Entry
		want    []string
	}{
		{"chunks join", 0, false, []*engine.Entry{
			entry(engine.Stdout, 1, "hel", 1), entry(engine.Stdout, 1, "lo\nwor", 2), entry(engine.Stdout, 1, "ld\n", 3)},
			[]string{`"hello"✓@2/0:1`, `"world"✓@3/0:1`}},
		{"keys stay apart", 0, false, []*engine.Entry{
			entry(engine.Stdout, 1, "a", 1), entry(engine.Stdout, 2, "b", 2), entry(engine.Stderr, 1, "c\n", 3),
			entry(engine.Stdout, 2, "B\n", 4), entry(engine.Stdout, 1, "A\n", 5)},
			[]string{`"c"✓@3/1:1`, `"bB"✓@4/0:2`, `"aA"✓@5/0:1`}},
		{"flush emits open lines oldest first", 0, true, []*engine.Entry{
			entry(engine.Stdout, 2, "first", 1), entry(engine.Stdout, 1, "second", 2), entry(engine.Stdout, 2, "+", 3)},
			[]string{`"first+"@3/0:2`, `"second"@2/0:1`}},
		{"gap ends open lines before the notice", 0, false, []*engine.Entry{
			entry(engine.Stdout, 1, "open", 1), gap, entry(engine.Stdout, 1, "after\n", 2)},
			[]string{`"open"@1/0:1`, `"lost"✓@9/3:0 mark1`, `"after"✓@2/0:1`}},
		{"truncated entry ends its line", 0, false, []*engine.Entry{
			entry(engine.Stdout, 1, "abc", 2), cut, entry(engine.Stdout, 1, "ghi\n", 4)},
			[]string{`"abcdef"@3/0:1 cut50`, `"ghi"✓@4/0:1`}},
		{"long line in parts", 4, false, []*engine.Entry{
			entry(engine.Stdout, 1, "abcdefghij", 1), entry(engine.Stdout, 1, "kl\n", 2)},
			[]string{`"abcd"@1/0:1`, `+"efgh"@1/0:1`, `+"ijkl"✓@2/0:1`}},
		{"whole long line in one piece", 4, false, []*engine.Entry{entry(engine.Stdout, 1, "abcdefghi\n", 1)},
			[]string{`"abcd"@1/0:1`, `+"efgh"@1/0:1`, `+"i"✓@1/0:1`}},
		{"parts never split a character", 4, false, []*engine.Entry{entry(engine.Stdout, 1, "ab日本\n", 1)},
			[]string{`"ab"@1/0:1`, `+"日"@1/0:1`, `+"本"✓@1/0:1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := assemble(tt.maxLine, tt.flush, tt.in...)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestAssemblerKeepsFilesApart(t *testing.T) {
	open := entry(engine.System, 0, "exec ", 1)
	runtime := entry(engine.System, 0, "runtime\n", 2)
	runtime.File = "runtime.log"
	got := assemble(0, false, open, runtime, entry(engine.System, 0, "done\n", 3))
	want := []string{`"runtime"✓@2/3:0`, `"exec done"✓@3/3:0`}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestAssemblerBoundedOnEndlessLine(t *testing.T) {
	const maxLine = 1 << 10
	var j Joiner
	a := NewAssembler(maxLine)
	var total, parts int
	chunk := bytes.Repeat([]byte("é"), 333) // 666 bytes: cuts fall mid-character
	for i := range 1000 {
		j.Split(entry(engine.Stdout, 1, string(chunk), i), func(p Piece) {
			a.Add(p, func(l Line) {
				parts++
				total += len(l.Text)
				if len(l.Text) > maxLine {
					t.Fatalf("part of %d bytes, cap %d", len(l.Text), maxLine)
				}
				if !utf8.Valid(l.Text) {
					t.Fatalf("part splits a character: %q", l.Text[len(l.Text)-4:])
				}
			})
		})
		for _, o := range a.open {
			if len(o.line.Text) > maxLine {
				t.Fatalf("open line grew to %d bytes", len(o.line.Text))
			}
		}
	}
	a.Flush(func(l Line) { total += len(l.Text); parts++ })
	if total != 1000*len(chunk) {
		t.Errorf("emitted %d bytes, want %d", total, 1000*len(chunk))
	}
	if parts < 1000*len(chunk)/maxLine {
		t.Errorf("only %d parts", parts)
	}
}

func TestAssemblerBoundsOpenKeys(t *testing.T) {
	var j Joiner
	a := NewAssembler(0)
	var emitted []string
	for s := range uint64(maxOpenLines + 1) {
		j.Split(entry(engine.Stdout, s, fmt.Sprint(s), int(s)), func(p Piece) {
			a.Add(p, func(l Line) { emitted = append(emitted, showLine(l)) })
		})
	}
	if len(a.open) != maxOpenLines {
		t.Errorf("open lines = %d, want %d", len(a.open), maxOpenLines)
	}
	if want := []string{`"0"@0/0:0`}; strings.Join(emitted, ",") != strings.Join(want, ",") {
		t.Errorf("emitted %v, want the oldest open line %v", emitted, want)
	}
}

func TestAssemblerWholeLineNotCopied(t *testing.T) {
	var j Joiner
	a := NewAssembler(0)
	e := entry(engine.Stdout, 1, "whole\n", 1)
	j.Split(e, func(p Piece) {
		a.Add(p, func(l Line) {
			if &l.Text[0] != &e.Data[0] {
				t.Error("a whole line was copied")
			}
		})
	})
}
