package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/merge"
	"sandtail/theme"
)

// newMultiHarness is newHarness for a view of several sandboxes whose
// merged read is scripted by b: its entries carry their Origin.
func newMultiHarness(t *testing.T, b *fakeBackend, names ...string) *harness {
	t.Helper()
	var sbs []merge.Sandbox
	for _, n := range names {
		sbs = append(sbs, merge.Sandbox{Name: n, Dir: "/h/sandboxes/" + n + "/logs"})
	}
	cfg := Config{Sandboxes: merge.NewSet(sbs), Home: "/h"}
	ctx, cancel := context.WithCancel(context.Background())
	st := theme.NoColor()
	m := newModel(ctx, cfg, options{backend: b, styles: &st})
	m.backend = b
	h := &harness{t: t, m: m, b: b, results: make(chan tea.Msg, 64), cancel: cancel}
	t.Cleanup(func() { m.shutdown(); cancel() })
	h.update(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.do(m.Init())
	h.settle()
	return h
}

// from gives e the sandbox origin.
func from(origin uint16, e engine.Entry) engine.Entry {
	e.Origin = origin
	return e
}

// Each line's cursor is its own sandbox's: Y on a line copies its
// sandbox's command with the cursor before it in that sandbox, and never
// borrows a cursor of another sandbox's later line.
func TestMultiLinesKeepTheirSandboxesCursors(t *testing.T) {
	a0 := from(0, ent(engine.Stdout, 1, "a0\n"))
	b0 := from(1, ent(engine.Stdout, 1, "b0\n"))
	h := newMultiHarness(t, &fakeBackend{log: []engine.Entry{a0, b0}}, "alpha", "beta")
	a1 := from(0, ent(engine.Stdout, 1, "a1\n"))
	h.send(0, a1)
	screen := h.screenText()
	for _, want := range []string{"2 sandboxes", "alpha out a0", "beta  out b0", "alpha out a1", "S sandboxes"} {
		mustContain(t, screen, want)
	}
	h.key("Y") // a1, the newest: alpha's command from a0's cursor
	if want := "sandtail alpha --home /h --from " + a0.Cursor.String(); !strings.Contains(h.clipboard, want) {
		t.Fatalf("clipboard %q, want %q", h.clipboard, want)
	}
	h.key("k") // b0: beta has nothing before it, and a1's cursor is alpha's
	h.clipboard = ""
	h.key("Y")
	if h.clipboard != "" || !strings.Contains(h.m.status, "no cursor") {
		t.Fatalf("Y on beta's first line copied %q (status %q)", h.clipboard, h.m.status)
	}
}

// S hides a sandbox's lines and solos one; session solo (s) keeps to the
// selected line's sandbox even when another has the same session id.
func TestMultiSandboxListAndSessionSolo(t *testing.T) {
	b := &fakeBackend{log: []engine.Entry{
		from(0, ent(engine.Stdout, 1, "a-one\n")),
		from(1, ent(engine.Stdout, 1, "b-one\n")),
		from(1, ent(engine.Stdout, 2, "b-two\n")),
	}}
	h := newMultiHarness(t, b, "alpha", "beta")
	h.key("S", "space", "esc")
	s := h.screenText()
	if strings.Contains(s, "a-one") || !strings.Contains(s, "b-one") || !strings.Contains(s, "2 sandboxes, 1 shown") {
		t.Fatalf("alpha not hidden:\n%s", s)
	}
	h.key("S", "a", "esc")
	mustContain(t, h.screenText(), "a-one")
	h.key("k", "s") // b-one: beta's session 1 alone, not alpha's
	s = h.screenText()
	if strings.Contains(s, "a-one") || strings.Contains(s, "b-two") || !strings.Contains(s, "b-one") {
		t.Fatalf("solo of beta's session 1:\n%s", s)
	}
}

// A merged view keeps no marks (each sandbox has its own store): m, M and
// the jumps say so instead of doing nothing.
func TestMultiMarksSayTheyArePerSandbox(t *testing.T) {
	a0 := from(0, ent(engine.Stdout, 1, "a0\n"))
	b0 := from(1, ent(engine.Stdout, 1, "b0\n"))
	h := newMultiHarness(t, &fakeBackend{log: []engine.Entry{a0, b0}}, "alpha", "beta")
	for _, k := range []string{"m", "M", "'", "\""} {
		h.m.status = ""
		h.key(k)
		if !strings.Contains(h.m.status, "marks are kept per sandbox") {
			t.Errorf("%s in a merged view: status %q", k, h.m.status)
		}
	}
	if strings.Contains(h.screenText(), "◆") {
		t.Errorf("a merged view shows a mark:\n%s", h.screenText())
	}
}
