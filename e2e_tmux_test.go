package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sandtail/resumecmd"
)

// pane is the binary running in a detached tmux session on a private server,
// so the viewer gets a real terminal.
type pane struct {
	t      *testing.T
	socket string
	status string // file the wrapper writes the exit status to
}

// openPane starts sandtail with args in a w×h tmux pane. It skips the test
// when tmux is missing (.ci/run installs it).
func openPane(t *testing.T, env []string, w, h int, args ...string) *pane {
	t.Helper()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Skip("tmux is not installed: install it to run the viewer's end-to-end tests")
	}
	dir := t.TempDir()
	p := &pane{t: t, socket: filepath.Join(dir, "tmux.sock"), status: filepath.Join(dir, "status")}
	q := []string{resumecmd.Quote(binPath)}
	for _, a := range args {
		q = append(q, resumecmd.Quote(a))
	}
	envq := []string{"env", "TERM=xterm-256color"}
	for _, kv := range env {
		envq = append(envq, resumecmd.Quote(kv))
	}
	line := strings.Join(envq, " ") + " " + strings.Join(q, " ") + " 2>" + resumecmd.Quote(filepath.Join(dir, "stderr")) +
		"; echo $? >" + resumecmd.Quote(p.status+".tmp") + "; mv " + resumecmd.Quote(p.status+".tmp") + " " + resumecmd.Quote(p.status) + "; sleep 30"
	p.tmux("-f", "/dev/null", "new-session", "-d", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "sh", "-c", line)
	t.Cleanup(func() { exec.Command("tmux", "-S", p.socket, "kill-server").Run() })
	return p
}

func (p *pane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", p.socket}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %q: %v: %s", args, err, out)
	}
	return string(out)
}

// screen is what the pane shows now.
func (p *pane) screen() string { return p.tmux("capture-pane", "-p") }

// waitScreen polls until the pane shows want.
func (p *pane) waitScreen(want string) {
	p.t.Helper()
	deadline := time.Now().Add(liveTimeout)
	for {
		s := p.screen()
		if strings.Contains(s, want) {
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("pane never showed %q; it shows:\n%s\nstderr: %s", want, s, p.stderr())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// exitStatus waits for the program to end and returns its status.
func (p *pane) exitStatus() int {
	p.t.Helper()
	var b []byte
	waitFor(p.t, liveTimeout, "sandtail to exit", func() bool {
		var err error
		b, err = os.ReadFile(p.status)
		return err == nil
	})
	var code int
	fmt.Sscan(string(b), &code)
	return code
}

func (p *pane) stderr() string {
	b, _ := os.ReadFile(filepath.Join(filepath.Dir(p.status), "stderr"))
	return string(b)
}

// paneVar reads a tmux pane variable such as alternate_on.
func (p *pane) paneVar(name string) string {
	return strings.TrimSpace(p.tmux("display-message", "-p", "#{"+name+"}"))
}

func TestViewerOpensAndQuits(t *testing.T) {
	abs, _ := filepath.Abs(fixtureHome)
	p := openPane(t, nil, 100, 20, "alpha", "--home", abs)
	p.waitScreen("server: shutting down")
	p.waitScreen("alpha")
	if s := p.screen(); strings.Contains(s, "]52;") {
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
