package tui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"sandtail/tui/keytest"
)

// TestEscGoesBackToThePicker: a sandbox opened from the picker is not a
// dead end. The footer shows esc; esc first clears what there is to clear
// (a message, a filter), then returns to the picker with the sandbox
// highlighted and its stream closed, and another sandbox can be opened.
func TestEscGoesBackToThePicker(t *testing.T) {
	home := t.TempDir()
	writeSandbox(t, home, "alpha", "")
	writeSandbox(t, home, "beta", "")
	h := newHarness(t, Config{Home: home}, &fakeBackend{})
	h.press(keytest.Press("enter"))
	h.settle()
	if h.m.picker != nil || h.m.cfg.Name != "alpha" {
		t.Fatalf("enter did not open alpha")
	}
	stream, firstGen := h.b.stream(t, 0), h.m.gen.id
	h.send(0, outLines(0, 2)...)
	mustContain(t, h.screenText(), "esc sandboxes")

	h.key("&")
	h.typeText("zzz")
	h.key("enter")
	h.key("esc")
	if h.m.picker != nil || h.m.filter != nil {
		t.Fatalf("esc with a filter: picker=%v filter=%v, want the filter cleared first", h.m.picker != nil, h.m.filter != nil)
	}
	h.key("Y")
	if h.m.shownCommand == nil {
		t.Fatal("Y showed no command")
	}
	h.key("esc")
	if h.m.picker != nil || h.m.shownCommand != nil {
		t.Fatal("esc on the shown command did more than dismiss it")
	}
	h.key("esc")
	if h.m.picker == nil {
		t.Fatal("esc with nothing to clear did not go back to the picker")
	}
	h.settle()
	waitClosed(t, stream)
	s := h.screenText()
	mustContain(t, s, "pick a sandbox")
	mustContain(t, s, "▸ alpha")
	mustContain(t, s, "beta")

	h.key("down")
	h.press(keytest.Press("enter"))
	h.settle()
	if h.m.picker != nil || h.m.cfg.Name != "beta" || h.m.gen == nil || h.m.gen.id <= firstGen {
		t.Fatalf("the second sandbox did not open afresh: picker=%v name=%q", h.m.picker != nil, h.m.cfg.Name)
	}
	mustNotContain(t, h.screenText(), "line 1")
	// A late batch of alpha's stream does not pass for beta's.
	h.update(batchMsg{gen: firstGen, entries: outLines(100, 1)})
	h.settle()
	mustNotContain(t, h.screenText(), "line 100")
}

// TestEscWithoutThePickerStaysAndTheFooterSaysNothing: a sandbox named on
// the command line has no picker behind it.
func TestEscWithoutThePickerStaysAndTheFooterSaysNothing(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, outLines(0, 2)...)
	mustNotContain(t, h.screenText(), "esc sandboxes")
	h.key("esc")
	if h.m.picker != nil {
		t.Fatal("esc opened a picker")
	}
}

// TestBackFromTheOnlySandboxKeepsThePicker: with one sandbox the picker
// opens it by itself, but going back shows the picker with it rather than
// opening it again.
func TestBackFromTheOnlySandboxKeepsThePicker(t *testing.T) {
	home := t.TempDir()
	writeSandbox(t, home, "only", "")
	h := newHarness(t, Config{Home: home}, &fakeBackend{})
	if h.m.picker != nil {
		t.Fatal("the only sandbox was not opened")
	}
	h.key("esc")
	h.settle()
	if h.m.picker == nil {
		t.Fatal("esc did not go back")
	}
	mustContain(t, h.screenText(), "▸ only")
	h.update(tea.WindowSizeMsg{Width: 60, Height: 10})
	mustContain(t, h.screenText(), "only")
}

// waitClosed waits until the fake stream s was closed.
func waitClosed(t *testing.T, s *fakeStream) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !s.isClosed() {
		if time.Now().After(deadline) {
			t.Fatal("the stream of the sandbox left was never closed")
		}
		time.Sleep(time.Millisecond)
	}
}

// TestASandboxOpenedAfterGoingBackScrollsForItsOwnScreen: the model is
// rebuilt in place on the way back to the picker, and the view of the next
// sandbox must measure the screen it is drawn on: after a resize, the
// newest line is still on the last body row.
func TestASandboxOpenedAfterGoingBackScrollsForItsOwnScreen(t *testing.T) {
	home := t.TempDir()
	writeSandbox(t, home, "alpha", "")
	writeSandbox(t, home, "beta", "")
	h := newHarness(t, Config{Home: home}, &fakeBackend{})
	h.press(keytest.Press("enter"))
	h.settle()
	h.key("esc")
	h.settle()
	h.key("down")
	h.press(keytest.Press("enter"))
	h.settle()
	if h.m.picker != nil || h.m.cfg.Name != "beta" {
		t.Fatal("beta did not open")
	}
	h.send(len(h.b.streams)-1, outLines(0, 40)...)
	h.update(tea.WindowSizeMsg{Width: 80, Height: 10})
	s := h.screenText()
	mustContain(t, s, "line 39")
	mustNotContain(t, s, "line 30")
}
