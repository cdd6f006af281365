package tui

import (
	"fmt"
	"strconv"
	"testing"

	"sandtail/engine"
)

// cursorStart builds a viewer started with --from cur (and --line n), the
// fake disk holding log: what a read after cur finds.
func cursorStart(t *testing.T, cur engine.Cursor, n int, log []engine.Entry, buffer int) *harness {
	t.Helper()
	return newHarness(t, Config{Name: "devbox", Dir: "/logs/devbox", Start: engine.FromCursor(cur), Line: n, Buffer: buffer}, &fakeBackend{log: log})
}

// TestCursorStartOpensAtTheLineNotLive: a viewer started at a cursor reads
// everything after it in one snapshot (no tail that could cut the line
// off), selects the first line, and does not follow: new lines only count
// below until G.
func TestCursorStartOpensAtTheLineNotLive(t *testing.T) {
	before := outLines(0, 1)
	after := outLines(1, 60)
	h := cursorStart(t, before[0].Cursor, 0, after, 0)
	if len(h.b.snaps) != 1 || h.b.snaps[0].Tail != 0 {
		t.Fatalf("snapshots %+v, want one of everything after the cursor", h.b.snaps)
	}
	if h.selText() != "line 1" || h.m.vp.Following() {
		t.Fatalf("selected %q following=%v, want line 1 and not following", h.selText(), h.m.vp.Following())
	}
	s := h.screenText()
	mustContain(t, s, "▌out line 1")
	mustContain(t, s, "PAUSED")
	h.send(0, outLines(61, 1)...)
	if h.selText() != "line 1" {
		t.Fatalf("a new line moved the selection to %q", h.selText())
	}
	mustContain(t, h.screenText(), "↓1 new")
	h.key("j", "j")
	if h.m.vp.Following() {
		t.Fatal("moving down started following before G")
	}
	h.key("G")
	if !h.m.vp.Following() || h.selText() != "line 61" {
		t.Fatalf("G: following=%v selected %q", h.m.vp.Following(), h.selText())
	}
}

// TestYOpensThePartnerAtThatVeryLine copies the command for every line of
// a log whose records hold several lines, or continue a line, and starts
// a partner's viewer with it: the partner's selected line is the one the
// command was copied from.
func TestYOpensThePartnerAtThatVeryLine(t *testing.T) {
	log := []engine.Entry{
		ent(engine.Stdout, 1, "first\n"),
		ent(engine.Stdout, 1, "alpha\nbeta\ngamma\n"), // one record, three lines
		ent(engine.Stdout, 2, "half a "),
		ent(engine.Stderr, 1, "between\n"),
		ent(engine.Stdout, 2, "line\nafter the join\nlast of session 2\n"), // continues, then two more
		ent(engine.Stdout, 1, "end\n"),
	}
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, log...)
	for seq := h.m.vp.First(); seq < h.m.vp.End(); seq++ {
		want := h.m.vp.Line(seq).plain
		h.m.vp.Goto(seq)
		h.key("Y")
		if h.m.shownCommand == nil {
			t.Fatalf("%q: no command (status %q)", want, h.m.status)
		}
		args := h.m.shownCommand.Args()
		cur, err := engine.ParseCursor(flagValue(args, "--from"))
		if err != nil {
			t.Fatal(err)
		}
		n, _ := strconv.Atoi(flagValue(args, "--line"))
		k := entryAfter(t, log, cur)
		p := cursorStart(t, cur, n, log[k:], 0)
		exact := seq != h.m.vp.First() // the first line held has no cursor before it
		if got := p.selText(); exact && got != want {
			t.Errorf("copied on %q (%q): the partner opens on %q", want, args, got)
		}
		if !exact {
			mustContain(t, h.m.status, "opens the next line")
		}
	}
}

// flagValue is the argument after flag in args, or "".
func flagValue(args []string, flag string) string {
	for i, a := range args {
		if a == flag && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// entryAfter is the index of the entry just after cur in log.
func entryAfter(t *testing.T, log []engine.Entry, cur engine.Cursor) int {
	t.Helper()
	for i, e := range log {
		if e.Cursor == cur {
			return i + 1
		}
	}
	t.Fatalf("cursor %s is none of the log's", cur)
	return 0
}

// TestCursorStartShowsTheLinesSource: the partner's default sources hide
// system lines, but the line they were sent to is shown.
func TestCursorStartShowsTheLinesSource(t *testing.T) {
	before := outLines(0, 1)
	log := []engine.Entry{ent(engine.System, 0, "kernel: oops\n"), ent(engine.Stdout, 1, "after\n")}
	h := cursorStart(t, before[0].Cursor, 1, log, 0)
	if h.selText() != "kernel: oops" || !h.m.show.Has(engine.System) {
		t.Fatalf("selected %q, system shown %v", h.selText(), h.m.show.Has(engine.System))
	}
}

// TestCursorStartSaysWhenTheLineIsGone covers a cursor whose file rotated
// out of the logs (the read starts with a gap) and a line followed by more
// than the buffer holds: the status says what happened.
func TestCursorStartSaysWhenTheLineIsGone(t *testing.T) {
	before := outLines(0, 1)
	gap := engine.Entry{Source: engine.System, Mark: engine.MarkGap, Data: []byte("data lost in exec.log\n"), File: "exec.log", Cursor: before[0].Cursor, Time: t0}
	h := cursorStart(t, before[0].Cursor, 3, append([]engine.Entry{gap}, outLines(1, 5)...), 0)
	if h.m.vp.Line(h.m.vp.Selected()).mark != engine.MarkGap || h.m.vp.Following() {
		t.Fatalf("selected %q following=%v, want the gap line", h.selText(), h.m.vp.Following())
	}
	mustContain(t, h.screenText(), "rotated out of the logs")

	h = cursorStart(t, before[0].Cursor, 1, outLines(1, 20), 5)
	if h.selText() != "line 16" {
		t.Fatalf("selected %q, want the oldest line held", h.selText())
	}
	mustContain(t, h.m.status, fmt.Sprintf("more than --buffer (%d) lines follow it", 5))
}
