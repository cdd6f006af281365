package picker

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/tui/keytest"
)

// withSecret is the usual list with a sandbox whose logs cannot be read.
func withSecret() []engine.Sandbox {
	list := sandboxes()
	secret := engine.Sandbox{Name: "secret", LogDir: "/h/sandboxes/secret/logs",
		Err: fmt.Errorf("read /h/sandboxes/secret/logs: %w", fs.ErrPermission)}
	return append(list[:4], append([]engine.Sandbox{secret}, list[4:]...)...)
}

// TestUnreadableSandboxIsListedAndMarked: the unreadable sandbox is one row
// among the others, flagged; choosing it says why it cannot be opened
// instead of opening it, and the next key clears the note.
func TestUnreadableSandboxIsListedAndMarked(t *testing.T) {
	p := newPicker(withSecret(), nil)
	s := ansi.Strip(p.Render(100, 16))
	for _, want := range []string{"api-server", "devbox", "web-2", "secret", "unreadable", "6/6"} {
		if !strings.Contains(s, want) {
			t.Fatalf("screen lacks %q:\n%s", want, s)
		}
	}
	typeText(p, "secret")
	if act := p.HandleMsg(keytest.Press("enter")); act != nil {
		t.Fatalf("enter on the unreadable sandbox: %#v, want nothing opened", act)
	}
	s = ansi.Strip(p.Render(60, 16))
	checkScreen(t, p.Render(60, 16), 60, 16)
	if !strings.Contains(s, "cannot open secret") || !strings.Contains(s, "permission denied") || !strings.Contains(s, "a user who may read") {
		t.Fatalf("no reason shown:\n%s", s)
	}
	p.HandleMsg(keytest.Press("backspace"))
	if s := ansi.Strip(p.Render(60, 16)); strings.Contains(s, "cannot open") {
		t.Fatalf("the note outlived the next key:\n%s", s)
	}
	if narrow := ansi.Strip(p.Render(40, 10)); !strings.Contains(narrow, "?") {
		t.Fatalf("narrow screen does not flag it:\n%s", narrow)
	}
}

// TestASingleUnreadableSandboxIsNotOpened: with one sandbox that cannot be
// read, the picker shows it rather than opening it directly into an error.
func TestASingleUnreadableSandboxIsNotOpened(t *testing.T) {
	p := newPicker(nil, nil)
	p.loaded = false
	secret := withSecret()[4]
	if act := p.HandleMsg(LoadedMsg{Home: p.home, Sandboxes: []engine.Sandbox{secret}}); act != nil {
		t.Fatalf("opened %#v", act)
	}
	if s := ansi.Strip(p.Render(80, 10)); !strings.Contains(s, "secret") {
		t.Fatalf("not listed:\n%s", s)
	}
}

// TestReopenedPickerStaysAndHighlights: coming back from a sandbox's view,
// the picker stays even with one sandbox, on the one the user came from.
func TestReopenedPickerStaysAndHighlights(t *testing.T) {
	p := newPicker(nil, nil)
	p.Reopen("web-1")
	if act := p.HandleMsg(LoadedMsg{Home: p.home, Sandboxes: sandboxes()[3:4]}); act != nil {
		t.Fatalf("a reopened picker opened %#v by itself", act)
	}
	p.HandleMsg(LoadedMsg{Home: p.home, Sandboxes: sandboxes()})
	if sb, _ := p.Selected(); sb.Name != "web-1" {
		t.Fatalf("highlighted %q, want web-1", sb.Name)
	}
}
