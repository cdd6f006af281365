package tui

import (
	"strings"
	"testing"

	"sandtail/engine"
)

// The count of new lines below a paused view counts what the view would
// show: lines hidden by the sources or the filter, now or later, are not
// new lines to scroll to.
func TestNewLinesCountOnlyWhatWouldBeShown(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, outLines(0, 30)...)
	h.key("k")
	h.send(0, ent(engine.Stdout, 1, "a\n"), ent(engine.Stderr, 1, "b\n"), ent(engine.Stdout, 1, "c\n"),
		ent(engine.Stderr, 1, "d\n"), ent(engine.Stdout, 1, "e\n"))
	mustContain(t, h.rows()[0], "PAUSED ↓5 new")
	h.key("2") // stderr hidden
	mustContain(t, h.rows()[0], "PAUSED ↓3 new")
	mustContain(t, h.footer(), "↓ 3 new")
	h.key("2")
	mustContain(t, h.rows()[0], "PAUSED ↓5 new")

	// An open line that an exclude filter hides once more text arrives
	// stops counting.
	h.key("&", "ctrl+x")
	h.typeText("error")
	h.key("enter")
	h.send(0, ent(engine.Stdout, 2, "an "))
	mustContain(t, h.rows()[0], "↓6 new")
	h.send(0, ent(engine.Stdout, 2, "error\n"))
	mustContain(t, h.rows()[0], "↓5 new")
}

// Scrolling up in the first screenful and then receiving the whole buffer
// does not count the whole buffer as new lines.
func TestFullSnapshotIsNotCountedAsNewLines(t *testing.T) {
	b := &fakeBackend{log: outLines(0, 1000), holdFull: make(chan struct{})}
	h := newHarness(t, Config{}, b)
	h.key("k")
	h.releaseFull()
	if h.m.vp.Following() || h.selText() != "line 998" {
		t.Fatalf("follow=%v sel=%q", h.m.vp.Following(), h.selText())
	}
	mustNotContain(t, h.rows()[0], "new")
	h.send(0, outLines(1000, 2)...)
	mustContain(t, h.rows()[0], "PAUSED ↓2 new")
}

func TestDisplayModesAreShown(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	long := "start " + strings.Repeat("x", 150) + " END"
	h.send(0, ent(engine.Stdout, 1, long+"\n"), ent(engine.Stdout, 1, "short\n"))
	mustNotContain(t, h.footer(), "wrap off")

	h.key("w")
	mustContain(t, h.footer(), "wrap off")
	// The cut line ends in a marker at the right edge; the short one not.
	rows := h.rows()
	if r := rows[1]; !strings.HasSuffix(strings.TrimRight(r, " "), "›") || len([]rune(r)) != 80 {
		t.Errorf("cut line %q: want 80 cells ending in ›", r)
	}
	if r := strings.TrimRight(rows[2], " "); strings.HasSuffix(r, "›") {
		t.Errorf("short line %q has the cut marker", r)
	}
	h.key("l")
	mustContain(t, h.footer(), "wrap off, from column 21")
	h.key("l", "l", "l", "l", "l", "l", "l", "l")
	if r := strings.TrimRight(h.rows()[1], " "); !strings.HasSuffix(r, "END") {
		t.Errorf("scrolled to the end, the line still reads %q", r)
	}
	h.key("w")
	mustNotContain(t, h.footer(), "wrap off")

	h.key("r")
	mustContain(t, h.footer(), "raw view")
	h.key("r")
	mustNotContain(t, h.footer(), "raw view")

	h.m.colorOK, h.m.color = true, true
	h.key("c")
	mustContain(t, h.footer(), "colour off")
	h.key("c")
	mustNotContain(t, h.footer(), "colour off")

	// A status message keeps the modes in front of it.
	h.key("w", "l")
	h.key("y")
	f := h.footer()
	mustContain(t, f, "wrap off")
	mustContain(t, f, "copied")
}
