package tui

import (
	"image/color"
	"os"
	"path/filepath"
	"testing"
	"time"

	"sandtail/tui/keytest"

	tea "charm.land/bubbletea/v2"
)

// writeSandbox makes <home>/sandboxes/<name>/logs/exec.log with lines.
func writeSandbox(t *testing.T, home, name, content string) string {
	t.Helper()
	dir := filepath.Join(home, "sandboxes", name, "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestPickerWithOneSandboxOpensItDirectly(t *testing.T) {
	home := t.TempDir()
	dir := writeSandbox(t, home, "only", `{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"hello\n","id":7}`+"\n")
	h := newHarness(t, Config{Home: home, Name: "", Dir: ""}, &fakeBackend{})
	if h.m.picker != nil {
		t.Fatal("picker still shown with exactly one sandbox")
	}
	if h.m.cfg.Name != "only" || h.m.cfg.Dir != dir {
		t.Errorf("opened %q at %q, want only at %q", h.m.cfg.Name, h.m.cfg.Dir, dir)
	}
	mustContain(t, h.screenText(), "only")
}

func TestPickerListsSandboxesAndEnterOpens(t *testing.T) {
	home := t.TempDir()
	writeSandbox(t, home, "alpha", "")
	writeSandbox(t, home, "beta", "")
	h := newHarness(t, Config{Home: home}, &fakeBackend{})
	if h.m.picker == nil {
		t.Fatal("no picker with two sandboxes")
	}
	h.update(tea.BackgroundColorMsg{Color: color.White}) // restyles the picker
	s := h.screenText()
	mustContain(t, s, "alpha")
	mustContain(t, s, "beta")
	if h.m.dark {
		t.Error("light background not taken")
	}
	h.key("down")
	h.press(keytest.Press("enter"))
	time.Sleep(10 * time.Millisecond)
	h.settle()
	if h.m.picker != nil || h.m.cfg.Name != "beta" {
		t.Fatalf("Enter did not open beta: picker=%v name=%q", h.m.picker != nil, h.m.cfg.Name)
	}
	if len(h.b.snaps) == 0 {
		t.Error("opening a sandbox did not read it")
	}
}
