//go:build linux

package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"sandtail/engine/sim"
)

// A holder stopped on its own (not with the follower, as Ctrl-Z would) is
// noticed at the next rotation: print mode says so on stderr and goes on
// following by itself, with nothing lost.
func TestStoppedHolderIsNoticedInPrintMode(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	sb := newSim(t, dir, sim.Config{})
	mustExec(t, sb, 1)
	r := start(t, nil, "--dir", dir, "--follow", "--json")
	r.next(liveTimeout)
	holder := waitHolderTookOver(t, r.cmd.Process.Pid, dir)
	signalAll(t, []int{holder}, syscall.SIGSTOP)
	// Do not leave it stopped should the test fail first.
	t.Cleanup(func() { syscall.Kill(holder, syscall.SIGCONT) })
	waitFor(t, liveTimeout, "the holder to stop", func() bool { return procState(holder) == 'T' })
	for i := 2; i <= 4; i++ { // three rotations: within retention
		mustExec(t, sb, i)
		if err := sb.Rotate("exec.log"); err != nil {
			t.Fatal(err)
		}
	}
	// The lines, and the notice among them as a "mark":"notice" object.
	var notice []jsonEntry
	for i := 2; i <= 4; {
		l, ok := r.next(liveTimeout)
		if !ok {
			t.Fatalf("output ended before line %d; stderr %q", i, r.Stderr())
		}
		e := parseJSONLine(t, l)
		if e.Mark != "" {
			notice = append(notice, e)
			continue
		}
		if e.D != fmt.Sprintf("line %d\n", i) {
			t.Fatalf("got %q, want line %d", e.D, i)
		}
		i++
	}
	if len(notice) != 1 || notice[0].Mark != "notice" || !strings.Contains(notice[0].D, "stopped answering") {
		t.Fatalf("notices %+v, want one saying the holder stopped answering", notice)
	}
	waitFor(t, liveTimeout, "the notice on stderr", func() bool {
		return strings.Contains(r.Stderr(), "sandtail-holder") && strings.Contains(r.Stderr(), "stopped answering")
	})
	if s := procState(holder); s == 'T' {
		t.Errorf("the stopped holder is still there (state %c)", s)
	}
	// Following goes on by itself.
	mustExec(t, sb, 5)
	if l, _ := r.next(liveTimeout); !strings.Contains(l, "line 5") {
		t.Fatalf("after the notice: %q", l)
	}
	if rest := r.interrupt(); len(rest) != 0 {
		t.Fatalf("extra output %q", rest)
	}
}
