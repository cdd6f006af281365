package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sandtail/engine/sim"
)

// fillRotating writes lines of a few dozen to a few hundred bytes to
// exec.log until it holds more than limit less 400 bytes, as a producer
// that rotates at a fixed size leaves it, and returns its size.
func fillRotating(t *testing.T, sb *sim.Sandbox, tag string, limit int64) int64 {
	t.Helper()
	path := filepath.Join(sb.Dir(), sim.ExecLog)
	for i := 0; ; i++ {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > limit-400 {
			return fi.Size()
		}
		if err := sb.Exec("stdout", 1, fmt.Appendf(nil, "%s-%d %s\n", tag, i, strings.Repeat("x", i%5*40))); err != nil {
			t.Fatal(err)
		}
	}
}

// TestMissedRotationReportsALowerBound: print mode suspended (with its
// holder, as Ctrl-Z stops them) while 13 files of a log rotating at 64 KiB
// go by says on stderr that 8 files were lost, and a size that is at most
// what they held and not far below it.
func TestMissedRotationReportsALowerBound(t *testing.T) {
	const limit = 64 << 10
	dir := filepath.Join(t.TempDir(), "logs")
	sb := newSim(t, dir, sim.Config{})
	rotateFull := func(i int) {
		fillRotating(t, sb, fmt.Sprintf("before-%d", i), limit)
		if err := sb.Rotate(sim.ExecLog); err != nil {
			t.Fatal(err)
		}
	}
	rotateFull(0)
	r := start(t, nil, "--dir", dir, "--follow")
	// Two more rotations at the same size, the holder looking.
	i := 1
	waitHolderLooked(t, r.cmd.Process.Pid, dir, "exec.log", func() { rotateFull(i); i++ })
	fillRotating(t, sb, "before-3", limit)
	mustExec(t, sb, 0)
	for {
		l, ok := r.next(liveTimeout)
		if !ok {
			t.Fatalf("output ended early; stderr %q", r.Stderr())
		}
		if l == "line 0" {
			break
		}
	}
	procs := stopFollower(t, r.cmd.Process.Pid)
	lost := rotateThirteen(t, sb, limit)
	contAll(t, procs)
	if _, code := r.wait(liveTimeout); code != 3 {
		t.Fatalf("exit %d, want 3; stderr %q", code, r.Stderr())
	}
	checkLossSaid(t, "stderr", r.Stderr(), lost)
}

// rotateThirteen rotates exec.log 13 times, filling each new file to about
// limit bytes, and returns what the 8 files that left retention held.
func rotateThirteen(t *testing.T, sb *sim.Sandbox, limit int64) (lost int64) {
	t.Helper()
	var sizes []int64
	for i := range 13 {
		if err := sb.Rotate(sim.ExecLog); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, fillRotating(t, sb, fmt.Sprintf("file-%d", i), limit))
	}
	for _, sz := range sizes[:8] {
		lost += sz
	}
	return lost
}

// checkLossSaid checks that text (from where) says 8 files were lost, with
// a size at most what they held and not far below it, and returns the
// words it used.
func checkLossSaid(t *testing.T, where, text string, lost int64) string {
	t.Helper()
	m := regexp.MustCompile(`at least ([0-9.]+) (KiB|MiB) \((\d+) files rotated away unread\)`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("%s does not say how much was lost: %q", where, text)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	said := v * map[string]float64{"KiB": 1 << 10, "MiB": 1 << 20}[m[2]]
	t.Logf("lost %d bytes in 8 files; %s says %s", lost, where, m[0])
	if m[3] != "8" || said > float64(lost) || said < 0.9*float64(lost) {
		t.Fatalf("%s says %q; %d bytes in 8 files were lost", where, m[0], lost)
	}
	return m[0]
}
