package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sandtail/engine/sim"
)

// fillExec writes numbered lines of a few dozen to a few hundred bytes to
// exec.log until it holds more than limit less 400 bytes, as a producer
// that rotates at a fixed size leaves it, and returns its size.
func fillExec(t *testing.T, sb *sim.Sandbox, tag string, limit int64) int64 {
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
		write(t, sb, "stdout", 1, "%s-%d %s\n", tag, i, strings.Repeat("x", i%5*40))
	}
}

// waitHolderLooked waits until sandtail's holder process (a child of pid)
// is in charge of the directory and has looked at it: until then the
// files it was handed have no creation numbers, and a removal or a missed
// rotation in that moment could not be told apart or counted. It rotates
// runtime.log twice, waiting each time for the holder to hold the new
// file: the second one did not exist when the first was handed to the
// holder, so only a look of its own can have opened it.
func waitHolderLooked(t *testing.T, sb *sim.Sandbox, pid int) {
	t.Helper()
	for range 2 {
		if err := sb.Rotate(sim.RuntimeLog); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(filepath.Join(sb.Dir(), sim.RuntimeLog))
		if err != nil {
			t.Fatal(err)
		}
		ino := fi.Sys().(*syscall.Stat_t).Ino
		deadline := time.Now().Add(waitLimit)
		for !childHolds(pid, ino) {
			if time.Now().After(deadline) {
				t.Fatalf("the holder process never opened the new runtime.log")
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// childHolds reports whether a child of pid has the file with inode ino open.
func childHolds(pid int, ino uint64) bool {
	for _, kid := range childrenOf(pid) {
		fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", kid))
		for _, fd := range fds {
			if fi, err := os.Stat(fd); err == nil && fi.Sys().(*syscall.Stat_t).Ino == ino {
				return true
			}
		}
	}
	return false
}

// boxText is the text inside the dialog's frame, its rows joined by
// spaces, so that a wrapped sentence reads whole.
func boxText(screen string) string {
	var parts []string
	for _, row := range strings.Split(screen, "\n") {
		i, j := strings.Index(row, "│"), strings.LastIndex(row, "│")
		if i >= 0 && j > i {
			parts = append(parts, strings.TrimSpace(row[i+len("│"):j]))
		}
	}
	return strings.Join(parts, " ")
}

// TestFellBehindSaysWhatWasLost suspends the viewer and its holder (as
// Ctrl-Z does) while 13 files of a log rotating at 64 KiB go by, 8 of them
// out of retention unseen. The dialog counts the 8 files and gives a
// figure that is at most what they held and not far below it; after
// Resume the gap line says the same.
func TestFellBehindSaysWhatWasLost(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	p := newPane(t, 160, 40)
	sb := newSandbox(t, p.home, "lossy")
	for i := range 3 {
		fillExec(t, sb, fmt.Sprintf("before-%d", i), limit)
		if i < 2 {
			if err := sb.Rotate(sim.ExecLog); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(t, sb, "stdout", 1, "seen-last\n")
	p.run(fmt.Sprintf("%s --home %s lossy", quote(binary), quote(p.home)))
	p.waitText("seen-last")
	pid := p.sandtailPID()
	waitHolderLooked(t, sb, pid)

	procs := p.stop(pid)
	if len(procs) < 2 {
		t.Fatal("sandtail started no holder process")
	}
	var sizes []int64
	for i := range 13 {
		if err := sb.Rotate(sim.ExecLog); err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, fillExec(t, sb, fmt.Sprintf("file-%d", i), limit))
	}
	var lost int64
	for _, sz := range sizes[:8] {
		lost += sz
	}
	p.cont(procs)
	s := p.waitText("Fell behind log rotation", "Resume")

	box := boxText(s)
	m := regexp.MustCompile(`at least ([0-9.]+) (KiB|MiB) \((\d+) files rotated away unread\)`).FindStringSubmatch(box)
	if m == nil {
		t.Fatalf("the dialog does not say how much was lost: %q", box)
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	said := v * map[string]float64{"KiB": 1 << 10, "MiB": 1 << 20}[m[2]]
	t.Logf("lost %d bytes in 8 files; the dialog says %s", lost, m[0])
	if m[3] != "8" || said > float64(lost) || said < 0.9*float64(lost) {
		t.Fatalf("the dialog says %q; %d bytes in 8 files were lost", m[0], lost)
	}

	// Resume goes on past the gap, up to the newest line; the gap line,
	// found by a search, says what the dialog said.
	p.keys("Enter")
	p.waitFor("the follow to reach the newest line", func(s string) bool {
		return !strings.Contains(s, "Fell behind") && strings.Contains(s, "file-12-")
	})
	p.text("/rotated away unread")
	p.keys("Enter")
	s = p.waitMatch(`gap lost .*rotated away unread`)
	rows := strings.Split(s, "\n")
	gap := rowWith(rows, regexp.MustCompile(`gap lost `+regexp.QuoteMeta(m[0])+` of exec\.log`))
	// The gap stands between the last line read and the first line of the
	// oldest file kept: file-0 … file-7 were lost.
	if gap < 1 || !strings.Contains(rows[gap-1], "seen-last") || gap+1 >= len(rows) || !strings.Contains(rows[gap+1], "file-8-0") {
		t.Fatalf("want seen-last, a gap line saying %q, file-8-0 in that order:\n%s", m[0], s)
	}
}
