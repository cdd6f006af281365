package picker

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/keymap"
	"sandtail/theme"
	"sandtail/tui/keytest"
)

// TestCloudList: a cloud list shows each sandbox's status and start
// instead of its size and last write, hostile names and statuses are
// sanitised, and a sandbox that is not running is not opened: Enter says
// why.
func TestCloudList(t *testing.T) {
	where := "microsandbox cloud (https://api.microsandbox.dev)"
	p := New(where, keymap.DefaultPicker(), theme.NewPicker(theme.MonoPalette()))
	p.SetClock(func() time.Time { return testNow })
	p.HandleMsg(LoadedMsg{Home: where, Status: map[string]string{"devbox": "running", "web": "stopped", "evil\x1b]0;x\x07": "run\x1b[2Jning"},
		Sandboxes: []engine.Sandbox{
			{Name: "devbox", LogDir: "devbox", LastWrite: testNow.Add(-3 * time.Minute)},
			{Name: "web", LogDir: "web", LastWrite: testNow.Add(-2 * time.Hour), Err: errors.New("it is stopped, and the cloud streams logs only while a sandbox runs")},
			{Name: "evil\x1b]0;x\x07", LogDir: "evil"},
		}, Note: "showing the first 3 cloud sandboxes"})
	screen := p.Render(80, 12)
	checkScreen(t, screen, 80, 12)
	plain := ansi.Strip(screen)
	for _, want := range []string{"pick a cloud sandbox", "STARTED", "STATUS", "3m ago", "running", "stopped", "showing the first 3"} {
		if !strings.Contains(plain, want) {
			t.Errorf("screen lacks %q:\n%s", want, plain)
		}
	}
	if strings.Contains(screen, "\x1b]0") || strings.Contains(screen, "\x1b[2J") || strings.Contains(plain, "SIZE") {
		t.Errorf("escape or local column on screen:\n%q", screen)
	}
	p.HandleMsg(keytest.Press("down"))
	if act := p.HandleMsg(keytest.Press("enter")); act != nil {
		t.Fatalf("a stopped sandbox opened: %#v", act)
	}
	if plain := ansi.Strip(p.Render(80, 12)); !strings.Contains(plain, "cannot open web: it is stopped") {
		t.Errorf("Enter on a stopped sandbox does not say why:\n%s", plain)
	}
	p.HandleMsg(keytest.Press("up"))
	// Space marks local sandboxes to open them merged; a cloud sandbox is
	// one stream, so space says so and marks nothing.
	p.HandleMsg(keytest.Press("space"))
	if p.Marked("devbox") || !strings.Contains(ansi.Strip(p.Render(80, 12)), "open one at a time") {
		t.Errorf("space in the cloud list marked devbox or said nothing:\n%s", ansi.Strip(p.Render(80, 12)))
	}
	if act, ok := p.HandleMsg(keytest.Press("enter")).(ActionOpen); !ok || act.Sandbox.LogDir != "devbox" {
		t.Errorf("Enter on devbox: %#v", act)
	}
}
