package e2e

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sandtail/resumecmd"
)

// TestDemo runs the README's "try it" command in tmux: the simulated
// sandbox streams live, and quitting removes its temporary directory.
func TestDemo(t *testing.T) {
	t.Parallel()
	p := newPane(t, 120, 24)
	tmp := t.TempDir()
	p.run(fmt.Sprintf("TMPDIR=%s %s --demo", resumecmd.Quote(tmp), resumecmd.Quote(binary)))
	first := p.waitMatch(`demo .*LIVE`)
	header := strings.SplitN(first, "\n", 2)[0]
	// New records keep arriving: the header's counts change by themselves.
	p.waitFor("the demo's counts to grow", func(s string) bool {
		return strings.SplitN(s, "\n", 2)[0] != header
	})
	p.waitFrame(120, 24, regexp.MustCompile(`^\s*demo\b`), regexp.MustCompile(`\S`))
	p.text("q")
	p.waitFor("the shell after quitting", func(s string) bool { return !strings.Contains(s, "LIVE") })
	p.run("echo exit=$?")
	p.waitText("exit=0")
	if left, _ := filepath.Glob(filepath.Join(tmp, "sandtail-demo-*")); len(left) != 0 {
		t.Fatalf("the demo's temporary directory was left behind: %v", left)
	}
}
