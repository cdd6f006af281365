package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sandtail/engine/sim"
	"sandtail/resumecmd"
)

// TestRemovedSandboxIsNotAMissedRotation deletes a sandbox whose exec.log
// has rotated twice while the viewer shows it, the live exec.log first, as
// rm -rf may. Nothing was lost: the viewer says the directory was removed,
// never that it fell behind rotation.
func TestRemovedSandboxIsNotAMissedRotation(t *testing.T) {
	t.Parallel()
	p := newPane(t, 200, 30)
	sb := newSandbox(t, p.home, "doomed")
	for i := range 3 {
		write(t, sb, "stdout", 1, "exec-file-%d\n", i)
		if i < 2 {
			if err := sb.Rotate(sim.ExecLog); err != nil {
				t.Fatal(err)
			}
		}
	}
	stamp := func() string { return time.Now().UTC().Format("2006-01-02T15:04:05.000Z") }
	if err := sb.Runtime([]byte(stamp() + " runtime-0\n")); err != nil {
		t.Fatal(err)
	}
	p.run(fmt.Sprintf("%s --home %s --source all doomed", resumecmd.Quote(binary), resumecmd.Quote(p.home)))
	p.waitText("exec-file-0", "exec-file-2", "runtime-0")
	waitHolderLooked(t, p.sandtailPID(), sb.Dir(), sim.RuntimeLog, func() { mustRotate(t, sb, sim.RuntimeLog) })

	if err := os.Remove(filepath.Join(sb.Dir(), sim.ExecLog)); err != nil {
		t.Fatal(err)
	}
	// Make sure a look at the directory came after that removal, with
	// exec.log.1 and .2 still there. Each look takes every log file in
	// turn, and the holder's looks come one after another: the look that
	// finds the second new runtime.log began after the first was shown,
	// so after exec.log was gone.
	for i := 1; i <= 2; i++ {
		if err := sb.Rotate(sim.RuntimeLog); err != nil {
			t.Fatal(err)
		}
		if err := sb.Runtime(fmt.Appendf(nil, "%s runtime-%d\n", stamp(), i)); err != nil {
			t.Fatal(err)
		}
		p.waitText(fmt.Sprintf("runtime-%d", i))
	}
	if err := os.RemoveAll(filepath.Dir(sb.Dir())); err != nil {
		t.Fatal(err)
	}
	s := p.waitFor("the viewer to say the directory was removed", func(s string) bool {
		return strings.Contains(strings.Join(strings.Fields(s), " "), "was removed") || strings.Contains(s, "Fell behind")
	})
	if strings.Contains(s, "Fell behind") || strings.Contains(s, "missed rotation") {
		t.Fatalf("removing the sandbox was reported as a missed rotation:\n%s", s)
	}
}
