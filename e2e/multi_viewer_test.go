package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sandtail/resumecmd"
)

// TestSeveralSandboxesInTheViewer opens two sandboxes in one view: each
// line shows its sandbox in a column, S lists them with checkboxes to hide
// one or show one alone, and Y copies the command of the selected line's
// own sandbox.
func TestSeveralSandboxesInTheViewer(t *testing.T) {
	t.Parallel()
	p := newPane(t, 100, 20)
	alpha := newSandbox(t, p.home, "alpha")
	beta := newSandbox(t, p.home, "beta")
	write(t, alpha, "stdout", 1, "alpha-first\n")
	write(t, beta, "stdout", 1, "beta-first\n")
	boot := `{"t":"2026-04-30T20:00:00Z","stage":"mount","errno":null,"message":"beta-cannot-mount"}`
	if err := os.WriteFile(filepath.Join(beta.Dir(), "boot-error.json"), []byte(boot), 0o644); err != nil {
		t.Fatal(err)
	}
	p.run(resumecmd.Quote(binary) + " alpha beta")
	screen := p.waitText("2 sandboxes", "alpha-first", "beta-first", "beta  wrn failed to start", "beta-cannot-mount", "S sandboxes")
	for _, want := range []string{`alpha out alpha-first`, `beta  out beta-first`} {
		if !strings.Contains(screen, want) {
			t.Fatalf("no %q in the sandbox column:\n%s", want, screen)
		}
	}
	write(t, beta, "stdout", 1, "beta-live\n")
	p.waitText("beta  out beta-live")

	// Hide alpha in the list.
	p.keys("S")
	p.waitText("Sandboxes: 2 of 2 shown", "[x] alpha", "[x] beta")
	p.keys("Space")
	p.waitText("Sandboxes: 1 of 2 shown", "[ ] alpha")
	p.keys("Escape")
	p.waitFor("alpha hidden", func(s string) bool {
		return strings.Contains(s, "2 sandboxes, 1 shown") && !strings.Contains(s, "alpha-first") && strings.Contains(s, "beta-live")
	})
	// Solo on alpha: only alpha; s again shows both.
	p.keys("S")
	p.waitText("Sandboxes: 1 of 2 shown")
	p.keys("s")
	p.waitText("[x] alpha", "[ ] beta")
	p.keys("Escape")
	p.waitFor("alpha alone", func(s string) bool {
		return strings.Contains(s, "alpha-first") && !strings.Contains(s, "beta-first")
	})
	p.keys("S", "s", "Escape")
	p.waitFor("both again", func(s string) bool {
		return strings.Contains(s, "alpha-first") && strings.Contains(s, "beta-live") && !strings.Contains(s, "shown")
	})

	// Y on beta's newest line copies beta's own command, which opens it.
	p.keys("G", "Y")
	p.waitText("copied a command that opens this line")
	clip := p.tmux("show-buffer")
	m := regexp.MustCompile(`sandtail beta --from (\S+)`).FindStringSubmatch(clip)
	if m == nil {
		t.Fatalf("clipboard %q is not beta's command", clip)
	}
	res := sandtail(t, []string{"MSB_HOME=" + p.home}, "beta", "--from", m[1], "--print")
	if res.stdout != "beta-live\n" {
		t.Fatalf("the copied cursor read %q %q, want beta-live", res.stdout, res.stderr)
	}
	quit(p)
	p.run("echo exit=$?")
	p.waitText("exit=0")
}

// TestPickerOpensSeveralSandboxes marks two sandboxes with space in the
// picker and opens them together with enter.
func TestPickerOpensSeveralSandboxes(t *testing.T) {
	t.Parallel()
	p := newPane(t, 100, 20)
	for _, name := range []string{"alpha", "beta", "gamma"} {
		write(t, newSandbox(t, p.home, name), "stdout", 1, "%s-says-hello\n", name)
	}
	p.run(resumecmd.Quote(binary))
	p.waitText("pick a sandbox", "3/3")
	p.keys("Space")
	p.waitText("1 selected")
	p.keys("Down", "Space")
	p.waitText("2 selected")
	p.keys("Enter")
	p.waitFor("alpha and gamma merged", func(s string) bool {
		return strings.Contains(s, "2 sandboxes") && strings.Contains(s, "alpha-says-hello") &&
			strings.Contains(s, "gamma-says-hello") && !strings.Contains(s, "beta-says-hello")
	})
	quit(p)
	p.run("echo exit=$?")
	p.waitText("exit=0")
}

// TestAllFollowsSandboxesCreatedWhileRunning: sandtail --all takes in a
// sandbox created after it started, from its first line.
func TestAllFollowsSandboxesCreatedWhileRunning(t *testing.T) {
	t.Parallel()
	p := newPane(t, 100, 20)
	write(t, newSandbox(t, p.home, "alpha"), "stdout", 1, "alpha-says-hello\n")
	p.run(resumecmd.Quote(binary) + " --all")
	p.waitText("all sandboxes (1)", "alpha-says-hello")
	// microsandbox makes the sandbox's directory before its logs.
	if err := os.MkdirAll(filepath.Join(p.home, "sandboxes", "latecomer"), 0o755); err != nil {
		t.Fatal(err)
	}
	late := newSandbox(t, p.home, "latecomer")
	write(t, late, "stdout", 1, "late-first\n")
	// The column widens for the longer name, the old lines too.
	p.waitText("all sandboxes (2)", "latecomer out late-first", "new sandbox: following it", "alpha     out alpha-says-hello")
	write(t, late, "stdout", 1, "late-second\n")
	p.waitText("latecomer out late-second")
	quit(p)
	p.run("echo exit=$?")
	p.waitText("exit=0")
}

// quit presses q and waits for the shell: keys typed before it is back
// would go to the viewer.
func quit(p *pane) {
	p.t.Helper()
	p.text("q")
	p.waitFor("the shell after quitting", func(s string) bool { return !strings.Contains(s, "LIVE") })
}
