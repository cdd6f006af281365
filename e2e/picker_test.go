package e2e

import (
	"fmt"
	"strings"
	"testing"

	"sandtail/resumecmd"
)

// TestPickerOpensASandbox runs sandtail with no name and no --dir: the
// picker lists the sandboxes under $MSB_HOME, typing filters, Enter opens
// the one left, and q quits to the shell.
func TestPickerOpensASandbox(t *testing.T) {
	t.Parallel()
	p := newPane(t, 100, 20)
	for _, name := range []string{"alpha", "beta"} {
		write(t, newSandbox(t, p.home, name), "stdout", 1, "%s-says-hello\n", name)
	}
	p.run(resumecmd.Quote(binary))
	p.waitText("pick a sandbox", "alpha", "beta", "2/2")
	p.text("bet")
	p.waitFor("the filter to leave beta", func(s string) bool {
		return strings.Contains(s, "1/2") && !strings.Contains(s, "alpha")
	})
	p.keys("Enter")
	p.waitText("beta-says-hello", "LIVE")
	p.text("q")
	p.waitFor("the shell after quitting", func(s string) bool { return !strings.Contains(s, "beta-says-hello") })
	p.run("echo exit=$?")
	p.waitText("exit=0")
}

// TestPickerEmptyHome shows where sandtail looked and what to try when the
// home has no sandboxes.
func TestPickerEmptyHome(t *testing.T) {
	t.Parallel()
	p := newPane(t, 80, 16)
	empty := t.TempDir()
	p.run(fmt.Sprintf("%s --home %s", resumecmd.Quote(binary), resumecmd.Quote(empty)))
	p.waitText("No sandboxes found in", "MSB_HOME", "sandtail --demo")
	p.text("q")
	p.waitFor("the shell after quitting", func(s string) bool { return !strings.Contains(s, "No sandboxes found") })
	p.run("echo exit=$?")
	p.waitText("exit=0")
}
