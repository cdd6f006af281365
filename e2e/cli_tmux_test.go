package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestViewerOpensAndQuits(t *testing.T) {
	abs, _ := filepath.Abs(fixtureHome)
	p := openPane(t, nil, 100, 20, "alpha", "--home", abs)
	p.waitScreen("server: shutting down")
	p.waitScreen("alpha")
	if s := p.screenText(); strings.Contains(s, "]52;") {
		t.Fatalf("raw escape on screen:\n%s", s)
	}
	if p.paneVar("alternate_on") != "1" || p.paneVar("mouse_any_flag") != "0" {
		t.Fatalf("viewer: alternate_on=%s mouse_any_flag=%s, want 1 and 0 (no mouse capture by default)", p.paneVar("alternate_on"), p.paneVar("mouse_any_flag"))
	}
	p.tmux("send-keys", "q")
	if code := p.exitStatus(); code != 0 {
		t.Fatalf("exit %d after q; stderr %q", code, p.stderr())
	}
	if p.paneVar("alternate_on") != "0" {
		t.Fatalf("alternate screen still on after quitting")
	}
}

func TestViewerMouseFlag(t *testing.T) {
	p := openPane(t, nil, 80, 12, "--dir", alphaDir, "--mouse")
	p.waitScreen("server: shutting down")
	if v := p.paneVar("mouse_any_flag"); v != "1" {
		t.Fatalf("--mouse: mouse_any_flag=%s, want 1", v)
	}
	p.tmux("send-keys", "C-c")
	if code := p.exitStatus(); code != 0 {
		t.Fatalf("exit %d after ctrl+c; stderr %q", code, p.stderr())
	}
	if p.paneVar("mouse_any_flag") != "0" {
		t.Fatalf("mouse reporting still on after quitting")
	}
}

func TestViewerDemo(t *testing.T) {
	tmp := t.TempDir()
	p := openPane(t, []string{"TMPDIR=" + tmp}, 100, 20, "--demo")
	p.waitScreen("LIVE")
	p.waitScreen("seq=")
	p.tmux("send-keys", "q")
	if code := p.exitStatus(); code != 0 {
		t.Fatalf("exit %d; stderr %q", code, p.stderr())
	}
	assertEmptyDir(t, tmp)
}

// TestViewerDemoCleansUpWhenItsPaneCloses closes the pane under a running
// demo: the program gets SIGHUP, as it does when a tmux pane or an ssh
// session goes away, and must still remove its directory.
func TestViewerDemoCleansUpWhenItsPaneCloses(t *testing.T) {
	tmp := t.TempDir()
	p := openPane(t, []string{"TMPDIR=" + tmp}, 100, 20, "--demo")
	p.waitScreen("seq=")
	p.tmux("kill-pane")
	deadline := time.Now().Add(liveTimeout)
	for {
		ents, err := os.ReadDir(tmp)
		if err != nil {
			t.Fatal(err)
		}
		if len(ents) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo left %s in %s after its pane closed", ents[0].Name(), tmp)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestViewerRefusesBadInputBeforeOpening(t *testing.T) {
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--dir", alphaDir, "--from", "AQID"}, 1, "cursor"},
		{[]string{"--dir", alphaDir, "--tail", "5"}, 2, "--tail works in print mode"},
		{[]string{"--dir", "/nonexistent/logs"}, 1, "no log directory"},
	} {
		p := openPane(t, nil, 80, 12, tc.args...)
		if code := p.exitStatus(); code != tc.code || !strings.Contains(p.stderr(), tc.want) {
			t.Errorf("%q: exit %d stderr %q, want %d and %q", tc.args, code, p.stderr(), tc.code, tc.want)
		}
	}
}
