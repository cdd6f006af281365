package tui

import (
	"strings"
	"testing"

	"sandtail/engine"
)

// A paused view whose top line is a wrapped line scrolled partly off the
// top, hidden by an exclude filter once the rest of it arrives, draws the
// lines below it whole: the rows the hidden line had scrolled off are not
// skipped on the selected line after it.
func TestHidingTheCutTopLineKeepsTheSelectionDrawn(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.key("&", "ctrl+x")
	h.typeText("error")
	h.key("enter")
	// An open line taller than the body, then a one-row line below it.
	h.send(0, ent(engine.Stdout, 2, "start "+strings.Repeat("x", 3000)), ent(engine.Stdout, 1, "last line\n"))
	h.key("f")
	if h.m.vp.Following() || h.m.vp.Position().TopRow == 0 || h.selText() != "last line" {
		t.Fatalf("want a paused view with its top line cut and the last line selected: follow %v top row %d sel %q",
			h.m.vp.Following(), h.m.vp.Position().TopRow, h.selText())
	}
	mustContain(t, h.screenText(), "last line")
	h.send(0, ent(engine.Stdout, 2, " error\n"))
	if h.selText() != "last line" {
		t.Fatalf("selection moved to %q", h.selText())
	}
	mustNotContain(t, h.screenText(), "xxxx")
	mustContain(t, h.screenText(), "last line")
}
