package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
)

// timedLog is a log over ten minutes: a busy first minute, a restart at
// minute 5 with errors after it, and a quiet end.
func timedLog() []engine.Entry {
	var out []engine.Entry
	at := func(e engine.Entry, d time.Duration) engine.Entry {
		e.Time = t0.Add(d)
		return e
	}
	for i := 0; i < 40; i++ {
		out = append(out, at(ent(engine.Stdout, 1, fmt.Sprintf("busy %d\n", i)), time.Duration(i)*time.Second))
	}
	out = append(out, at(ent(engine.System, 0, "--- sandbox stopped ---\n"), 4*time.Minute+50*time.Second))
	out = append(out, at(ent(engine.System, 0, "--- sandbox started ---\n"), 5*time.Minute))
	for i := 0; i < 10; i++ {
		out = append(out, at(ent(engine.Stderr, 2, fmt.Sprintf("panic %d\n", i)), 5*time.Minute+time.Duration(i)*time.Second))
	}
	out = append(out, at(ent(engine.Stdout, 2, "level=error msg=late\n"), 9*time.Minute))
	out = append(out, at(ent(engine.Stdout, 2, "the end\n"), 10*time.Minute))
	return out
}

func (h *harness) stripRows() []string {
	rows := h.rows()
	n := h.m.stripRows()
	return rows[1 : 1+n]
}

func TestStripShowsFocusesAndHides(t *testing.T) {
	h := newHarness(t, Config{Sources: engine.AllSources}, &fakeBackend{})
	h.send(0, timedLog()...)
	body := h.m.bodyHeight()
	h.key("H")
	if !h.m.strip.shown || !h.m.strip.focused {
		t.Fatal("H did not show and focus the strip")
	}
	if h.m.bodyHeight() != body-h.m.stripRows() || h.m.stripRows() != 5 {
		t.Fatalf("body %d → %d rows with a %d-row strip", body, h.m.bodyHeight(), h.m.stripRows())
	}
	rows := h.stripRows()
	if !strings.Contains(rows[0], "activity") || !strings.Contains(rows[0], "enter lines") {
		t.Errorf("label: %q", rows[0])
	}
	axis := rows[len(rows)-1]
	for _, g := range []string{"▲", "↻", "∎"} {
		if !strings.Contains(axis, g) {
			t.Errorf("axis lacks %q: %q", g, axis)
		}
	}
	// The selected line is the newest: the cursor is at the right end.
	if strings.Index(axis, "▲") < strings.Index(axis, "↻") {
		t.Errorf("cursor not at the end: %q", axis)
	}
	h.key("enter")
	if h.m.strip.focused || !h.m.strip.shown {
		t.Fatal("enter should leave the strip shown, unfocused")
	}
	sel := h.m.vp.Selected()
	h.key("k")
	if h.m.vp.Selected() == sel {
		t.Fatal("k after enter did not move the lines")
	}
	h.key("H")
	if !h.m.strip.focused {
		t.Fatal("H on a shown strip should focus it")
	}
	h.key("H")
	if h.m.strip.shown || h.m.bodyHeight() != body {
		t.Fatal("H on a focused strip should hide it and give the rows back")
	}
}

func TestStripMovesAndJumps(t *testing.T) {
	h := newHarness(t, Config{Sources: engine.AllSources}, &fakeBackend{})
	h.send(0, timedLog()...)
	h.key("H", "g")
	if got := h.selText(); !strings.Contains(got, "busy 0") {
		t.Fatalf("g on the strip selected %q, want the oldest line", got)
	}
	if h.m.vp.Following() {
		t.Fatal("a jump from the strip should stop following")
	}
	// Move right until the restart: the first line at or after each
	// column's time is selected.
	for i := 0; i < h.m.stripWidth() && !strings.Contains(h.selText(), "started"); i++ {
		h.key("right")
	}
	if got := h.selText(); !strings.Contains(got, "sandbox started") && !strings.Contains(got, "sandbox stopped") {
		t.Fatalf("moving right never reached the restart; at %q", got)
	}
	h.key("G")
	if got := h.selText(); !strings.Contains(got, "the end") {
		t.Fatalf("G on the strip selected %q", got)
	}
	// An eighth of the strip earlier is before the last line.
	h.key("pgup")
	if got := h.selText(); strings.Contains(got, "the end") {
		t.Fatalf("pgup from the last column stayed on %q", got)
	}
}

func TestStripZooms(t *testing.T) {
	h := newHarness(t, Config{Sources: engine.AllSources}, &fakeBackend{})
	h.send(0, timedLog()...)
	h.key("H", "g")
	from, to, _ := h.m.stripRange()
	h.key("+", "+")
	zf, zt, _ := h.m.stripRange()
	if zt-zf != (to-from)/4 || zf < from {
		t.Fatalf("zoom ×4: %d…%d of %d…%d", zf, zt, from, to)
	}
	if !strings.Contains(h.stripRows()[0], "zoom ×4") {
		t.Errorf("label: %q", h.stripRows()[0])
	}
	h.key("-", "-")
	if f, tt, _ := h.m.stripRange(); f != from || tt != to {
		t.Fatal("zooming out did not come back to the whole history")
	}
}

func TestStripClickJumps(t *testing.T) {
	h := newHarness(t, Config{Sources: engine.AllSources, Mouse: true}, &fakeBackend{})
	h.send(0, timedLog()...)
	h.key("H", "enter")
	h.update(tea.MouseClickMsg{X: 1, Y: 2, Button: tea.MouseLeft})
	if got := h.selText(); !strings.Contains(got, "busy 0") {
		t.Fatalf("a click on the first column selected %q", got)
	}
	if !h.m.strip.focused {
		t.Error("a click on the strip should focus it")
	}
	// A click on the lines does nothing to the strip.
	h.update(tea.MouseClickMsg{X: 10, Y: 15, Button: tea.MouseLeft})
	if got := h.selText(); !strings.Contains(got, "busy 0") {
		t.Fatalf("a click outside the strip moved to %q", got)
	}
}

func TestStripCountsFollowEviction(t *testing.T) {
	h := newHarness(t, Config{Buffer: 10}, &fakeBackend{})
	h.send(0, outLines(0, 100)...)
	if n := h.m.strip.hist.Len(); n != 10 {
		t.Fatalf("the strip counts %d lines of the 10 held", n)
	}
}

func TestStripSparklinesWhileFollowing(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	now := t0.Add(time.Minute)
	h.m.strip.clock = func() time.Time { return now }
	var es []engine.Entry
	for i := 0; i < 30; i++ {
		e := ent(engine.Stdout, 1, fmt.Sprintf("l %d\n", i))
		e.Time = now.Add(-time.Duration(i) * time.Second)
		es = append(es, e)
	}
	h.send(0, es...)
	h.key("H", "enter")
	hdr := h.rows()[0]
	if !strings.Contains(hdr, "▁▁▁") || !strings.ContainsAny(hdr, "▂▃▄▅▆▇█") {
		t.Fatalf("no sparkline in the header: %q", hdr)
	}
	h.key("k") // paused: the sparklines go, the header needs the room
	if hdr := h.rows()[0]; strings.ContainsAny(hdr, "▂▃▄▅▆▇█") {
		t.Fatalf("sparkline while paused: %q", hdr)
	}
}

func TestGoldenStrip(t *testing.T) {
	h := newHarness(t, Config{Sources: engine.AllSources}, &fakeBackend{})
	h.m.strip.loc = time.UTC
	h.send(0, timedLog()...)
	h.key("H")
	t.Run("focused", func(t *testing.T) { goldenScreen(t, h) })
	h.key("g", "enter")
	t.Run("oldest", func(t *testing.T) { goldenScreen(t, h) })
}

func TestStripCountsTheFullSnapshotOnce(t *testing.T) {
	b := &fakeBackend{log: outLines(0, 1000), holdFull: make(chan struct{})}
	h := newHarness(t, Config{}, b)
	if n := h.m.strip.hist.Len(); n != h.m.vp.Len() || n == 0 {
		t.Fatalf("fast snapshot: strip counts %d of %d lines", n, h.m.vp.Len())
	}
	h.releaseFull()
	if n := h.m.strip.hist.Len(); n != 1000 || h.m.vp.Len() != 1000 {
		t.Fatalf("full snapshot: strip counts %d, %d lines held; want 1000", n, h.m.vp.Len())
	}
}
