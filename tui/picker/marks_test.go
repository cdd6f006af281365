package picker

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"sandtail/tui/keytest"
)

// Space marks the highlighted sandbox and moves down; enter opens the
// marked ones together, in list order, whatever is highlighted.
func TestPickerMarksOpenSeveral(t *testing.T) {
	p := newPicker(sandboxes(), nil)
	p.HandleMsg(keytest.Press("space")) // api-server, then on devbox
	p.HandleMsg(keytest.Press("down"))  // failed-boot
	p.HandleMsg(keytest.Press("space")) // failed-boot, then on web-1
	if !p.Marked("api-server") || !p.Marked("failed-boot") || p.Marked("devbox") {
		t.Fatal("wrong marks")
	}
	out := ansi.Strip(p.Render(80, 12))
	if !strings.Contains(out, "2 selected") || !strings.Contains(out, " ✓api-server") || !strings.Contains(out, "▸ web-1") {
		t.Fatalf("marks not shown:\n%s", out)
	}
	a, ok := p.HandleMsg(keytest.Press("enter")).(ActionOpenMany)
	if !ok || len(a.Sandboxes) != 2 || a.Sandboxes[0].Name != "api-server" || a.Sandboxes[1].Name != "failed-boot" {
		t.Fatalf("enter: %+v", a)
	}
	// Unmarking all but one opens that one as usual.
	p.HandleMsg(keytest.Press("up"))
	p.HandleMsg(keytest.Press("space"))
	if one, ok := p.HandleMsg(keytest.Press("enter")).(ActionOpen); !ok || one.Sandbox.Name != "api-server" {
		t.Fatalf("one mark left: %+v", one)
	}
}

// A sandbox whose logs cannot be read is not marked: the note says why.
func TestPickerDoesNotMarkUnreadable(t *testing.T) {
	list := sandboxes()
	list[0].Err = errors.New("permission denied")
	p := newPicker(list, nil)
	p.HandleMsg(keytest.Press("space"))
	if p.Marked("api-server") || !strings.Contains(ansi.Strip(p.Render(80, 12)), "cannot open api-server") {
		t.Fatal("an unreadable sandbox was marked, or the note is missing")
	}
}
