package histscan

import (
	"strings"
	"testing"

	"sandtail/engine"
)

func TestBuilderJoinsALineAcrossEntries(t *testing.T) {
	entries := []engine.Entry{out("hel"), out("lo\nwor"), out("ld\n")}
	got := sameLines(t, entries)
	if len(got) != 2 {
		t.Fatalf("got %q, want two lines", texts(got))
	}
	if l := got[0]; l.Text != "hello" || l.Ord != 0 || l.Nth != 0 {
		t.Errorf("first line %+v, want hello at (0,0)", l)
	}
	// "wor" is the second piece of entry 1 ("lo" ends the first line).
	if l := got[1]; l.Text != "world" || l.Ord != 1 || l.Nth != 1 {
		t.Errorf("second line %+v, want world at (1,1)", l)
	}
}

func TestBuilderKeepsKeysApart(t *testing.T) {
	s2 := out("s2-")
	s2.Session = 2
	s2end := out("end\n")
	s2end.Session = 2
	entries := []engine.Entry{out("out-"), errOut("err\n"), s2, out("more\n"), s2end}
	got := collect(entries)
	// Emitted as they close: stderr first, then stdout's, then session 2's.
	want := []string{"err", "out-more", "s2-end"}
	if strings.Join(texts(got), "|") != strings.Join(want, "|") {
		t.Fatalf("emit order %q, want %q", texts(got), want)
	}
	placed := sameLines(t, entries)
	if placed[0].Text != "out-more" || placed[0].Ord != 0 || placed[2].Ord != 2 {
		t.Errorf("in order: %+v", placed)
	}
}

func TestBuilderCapsALongLineAndKeepsItsStart(t *testing.T) {
	big := strings.Repeat("x", 10<<10)
	entries := []engine.Entry{out("pre\nneedle"), out(big), out(big), out(big + "\n")}
	got := sameLines(t, entries)
	if len(got) != 2 {
		t.Fatalf("got %d lines, want 2", len(got))
	}
	l := got[1]
	if len(l.Text) != MaxLineBytes || !strings.HasPrefix(l.Plain, "needle") {
		t.Errorf("long line holds %d bytes starting %q, want %d starting needle", len(l.Text), l.Plain[:10], MaxLineBytes)
	}
	if want := int64(len("needle") + 3*len(big) - MaxLineBytes); l.Truncated != want {
		t.Errorf("truncated %d, want %d", l.Truncated, want)
	}
	if l.Ord != 0 || l.Nth != 1 {
		t.Errorf("long line at (%d,%d), want (0,1)", l.Ord, l.Nth)
	}
}

func TestBuilderNewStartClosesTheOpenLine(t *testing.T) {
	cut := out("abc")
	cut.Truncated = 500 // the engine cut it: its '\n' may be lost
	restart := out("sandbox restarted")
	restart.Mark = engine.MarkRestart
	entries := []engine.Entry{out("open"), restart, out("after\n"), cut, out("next\n")}
	got := sameLines(t, entries)
	want := []string{"open", "sandbox restarted", "after", "abc", "next"}
	if strings.Join(texts(got), "|") != strings.Join(want, "|") {
		t.Fatalf("lines %q, want %q", texts(got), want)
	}
	if got[3].Truncated != 500 || got[1].Mark != engine.MarkRestart {
		t.Errorf("truncated %d mark %v", got[3].Truncated, got[1].Mark)
	}
}

func TestBuilderGapEndsOpenLinesOfItsSandbox(t *testing.T) {
	gap := engine.Entry{Time: t0, Source: engine.System, Mark: engine.MarkGap, File: "exec.log", Data: []byte("data lost")}
	other := out("other-")
	other.Origin = 1
	otherEnd := out("sandbox\n")
	otherEnd.Origin = 1
	entries := []engine.Entry{out("before-"), other, gap, out("after\n"), otherEnd}
	got := sameLines(t, entries)
	want := []string{"before-", "other-sandbox", "data lost", "after"}
	if strings.Join(texts(got), "|") != strings.Join(want, "|") {
		t.Fatalf("lines %q, want %q", texts(got), want)
	}
}

func TestBuilderSanitisesPlain(t *testing.T) {
	got := sameLines(t, []engine.Entry{out("\x1b[31mred\x1b[0m\ttab\r\n"), out("over\rOK\n")})
	if got[0].Plain != "red     tab" || got[0].Text != "\x1b[31mred\x1b[0m\ttab\r" {
		t.Errorf("plain %q text %q", got[0].Plain, got[0].Text)
	}
	if got[1].Plain != "OKer" {
		t.Errorf("plain %q, want the \\r resolved", got[1].Plain)
	}
}

func TestBuilderOpenShowsWithoutClosing(t *testing.T) {
	var b Builder
	var emitted []string
	emit := func(l *Line) { emitted = append(emitted, l.Text) }
	e1, e2, e3 := errOut("second"), out("first"), out(" done\n")
	b.Add(0, &e2, emit)
	b.Add(1, &e1, emit)
	var open []string
	b.Open(func(l *Line) { open = append(open, l.Plain) })
	if strings.Join(open, "|") != "first|second" || b.OpenLines() != 2 || len(emitted) != 0 {
		t.Fatalf("open %q (%d), emitted %q", open, b.OpenLines(), emitted)
	}
	b.Add(2, &e3, emit)
	if strings.Join(emitted, "|") != "first done" {
		t.Fatalf("emitted %q after the open line ended", emitted)
	}
	b.Flush(emit)
	if strings.Join(emitted, "|") != "first done|second" || b.OpenLines() != 0 {
		t.Fatalf("after flush: %q, %d open", emitted, b.OpenLines())
	}
}

// TestBuilderStaysBoundedWithManyOpenKeys opens a line on more sessions
// than the Joiner keeps: the Builder drops the ones the Joiner forgot, and
// its lines are still the viewer's.
func TestBuilderStaysBoundedWithManyOpenKeys(t *testing.T) {
	const sessions = sweepAt + 50
	var entries []engine.Entry
	for round := range 2 {
		for s := range sessions {
			e := out("part")
			e.Session = uint64(s)
			if round == 1 {
				e.Data = []byte("end\n")
			}
			entries = append(entries, e)
		}
	}
	var b Builder
	most := 0
	for i := range entries {
		b.Add(i, &entries[i], func(*Line) {})
		most = max(most, b.OpenLines())
		if i == sessions-1 && b.OpenLines() >= sessions {
			t.Fatalf("%d lines open after %d sessions opened one each: none was dropped", b.OpenLines(), sessions)
		}
	}
	if most > sweepAt {
		t.Errorf("%d lines open at once, want at most %d", most, sweepAt)
	}
	sameLines(t, entries)
}
