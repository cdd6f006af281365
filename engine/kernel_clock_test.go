package engine

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// kernelTolerance is the bound on a kernel line's placement.
const kernelTolerance = 50 * time.Millisecond

func TestParseUptime(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"[    0.000000] Linux version 6.6", 0, true},
		{"[    1.234567] x", 1234567 * time.Microsecond, true},
		{"[12345.5] x", 12345*time.Second + 500*time.Millisecond, true},
		{"<6>[    2.000001] x", 2*time.Second + time.Microsecond, true},
		{"  [3.000000000]", 3 * time.Second, true},
		{"[    1.234567 x", 0, false},
		{"[    1] x", 0, false},
		{"[ .5] x", 0, false},
		{"[1.] x", 0, false},
		{"[1234567890.0] x", 0, false},       // over 31 years
		{"[1.0123456789] x", 0, false},       // ten fraction digits
		{"<x>[1.0] x", 0, false},             // not a priority
		{"Run /sbin/init as init", 0, false}, // no stamp
		{"", 0, false},
	} {
		got, ok := parseUptime([]byte(c.in))
		if ok != c.ok || got != c.want {
			t.Errorf("parseUptime(%q) = %v, %v; want %v, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}

func FuzzParseUptime(f *testing.F) {
	for _, s := range []string{"[    1.234567] x", "<6>[0.1]", "[999999999.999999999]", "[", "<1234>[1.1]"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		up, ok := parseUptime(b)
		if !ok {
			return
		}
		if up < 0 {
			t.Fatalf("negative uptime %v from %q", up, b)
		}
		// What parsed must read back through the console's own format.
		sec, usec := int64(up/time.Second), int64(up%time.Second/time.Microsecond)
		line := fmt.Sprintf("[%5d.%06d] x", sec, usec)
		if again, ok := parseUptime([]byte(line)); !ok || again != up.Truncate(time.Microsecond) {
			t.Fatalf("%q: %v, formatted %q reads %v", b, up, line, again)
		}
	})
}

// kernelLine is a console line stamped with uptime up.
func kernelLine(up time.Duration, text string) string {
	return fmt.Sprintf("[%12.6f] %s\n", up.Seconds(), text)
}

// setMtime sets a file's modification time, as the last write at t would.
func setMtime(t *testing.T, path string, mt time.Time) {
	t.Helper()
	if err := os.Chtimes(path, mt, mt); err != nil {
		t.Fatal(err)
	}
}

// TestKernelLinesOnWallClock: a guest that booted at a known time writes
// its console, then runs a program; the snapshot places every kernel line
// at boot + uptime, unstamped lines at the stamped line before them, and
// the panic at boot sorts before the program's later output.
func TestKernelLinesOnWallClock(t *testing.T) {
	dir := logDir(t)
	boot := time.Date(2026, 11, 29, 2, 39, 0, 0, time.UTC)
	ups := []time.Duration{0, 12 * time.Microsecond, 240123 * time.Microsecond, 3*time.Second + 5*time.Millisecond}
	var k strings.Builder
	k.WriteString("firmware banner without a stamp\n")
	k.WriteString(kernelLine(ups[0], "Linux version 6.6.58"))
	k.WriteString(kernelLine(ups[1], "DMI not present or invalid."))
	k.WriteString("  continuation of the DMI line\n")
	k.WriteString(kernelLine(ups[2], "Run /sbin/msb-agent as init process"))
	k.WriteString(kernelLine(ups[3], "Kernel panic - not syncing: Attempted to kill init!"))
	appendFile(t, dir, "kernel.log", k.String())
	setMtime(t, filepath.Join(dir, "kernel.log"), boot.Add(ups[3]))
	appendFile(t, dir, "exec.log", execLine(boot.Add(300*time.Millisecond), "system", 0, "--- sandbox started ---\n")+
		execLine(boot.Add(2*time.Second), "stdout", 1, "before the panic\n")+
		execLine(boot.Add(9*time.Second), "stdout", 1, "after the panic\n"))

	snap, err := ReadSnapshot(context.Background(), dir, Options{Sources: AllSources})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{
		"firmware banner without a stamp\n": boot,
		"Linux version 6.6.58\n":            boot.Add(ups[0]),
		"DMI not present or invalid.\n":     boot.Add(ups[1]),
		"continuation of the DMI line\n":    boot.Add(ups[1]),
		"Run /sbin/msb-agent as init":       boot.Add(ups[2]),
		"Kernel panic":                      boot.Add(ups[3]),
	}
	var order []string
	for _, e := range snap.Entries {
		order = append(order, strings.TrimSpace(string(e.Data)))
		if e.File != "kernel.log" {
			continue
		}
		found := false
		for frag, at := range want {
			if strings.Contains(string(e.Data), frag) {
				found = true
				if d := e.Time.Sub(at).Abs(); d > kernelTolerance {
					t.Errorf("%q at %v, want %v (off by %v)", e.Data, e.Time, at, d)
				}
			}
		}
		if !found {
			t.Errorf("unexpected kernel entry %q", e.Data)
		}
	}
	panicAt, before, after := -1, -1, -1
	for i, s := range order {
		switch {
		case strings.Contains(s, "Kernel panic"):
			panicAt = i
		case s == "before the panic":
			before = i
		case s == "after the panic":
			after = i
		}
	}
	if !(before < panicAt && panicAt < after) {
		t.Fatalf("the panic is not between the output around it: %q", order)
	}
}

// TestKernelAnchorCheckedAgainstLifecycle: a log directory copied without
// its times has a kernel.log modified a day after the boot; the "started"
// record in exec.log bounds the boot, and the kernel's hand-over to the
// agent is placed at it.
func TestKernelAnchorCheckedAgainstLifecycle(t *testing.T) {
	dir := logDir(t)
	boot := time.Date(2026, 11, 29, 2, 39, 0, 0, time.UTC)
	initUp := 240123 * time.Microsecond
	appendFile(t, dir, "kernel.log", kernelLine(0, "Linux version")+kernelLine(initUp, "Run /sbin/msb-agent as init process"))
	setMtime(t, filepath.Join(dir, "kernel.log"), boot.Add(24*time.Hour))
	ready := boot.Add(initUp + 20*time.Millisecond)
	appendFile(t, dir, "exec.log", execLine(boot.Add(-time.Minute), "system", 0, "--- sandbox stopped ---\n")+
		execLine(ready, "system", 0, "--- sandbox started ---\n"))
	snap, err := ReadSnapshot(context.Background(), dir, Options{Sources: AllSources})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range snap.Entries {
		if e.File != "kernel.log" {
			continue
		}
		n++
		up, _ := parseUptime(e.Data)
		if d := e.Time.Sub(boot.Add(up)).Abs(); d > kernelTolerance {
			t.Errorf("%q at %v, want about %v (off by %v)", e.Data, e.Time, boot.Add(up), d)
		}
	}
	if n != 2 {
		t.Fatalf("%d kernel entries, want 2", n)
	}
}

// liveKernel writes console lines as a guest that booted at boot does: each
// stamped with the uptime at the moment it is written, so the truth of
// every line is known.
type liveKernel struct {
	path string
	boot time.Time
}

func (k liveKernel) write(t *testing.T, texts ...string) {
	t.Helper()
	f, err := os.OpenFile(k.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range texts {
		if _, err := f.WriteString(kernelLine(time.Since(k.boot), s)); err != nil {
			t.Fatal(err)
		}
	}
}

// checkPlaced fails for a kernel entry more than kernelTolerance from the
// truth of boot (the entry's own stamp added to it).
func checkPlaced(t *testing.T, es []Entry, boot time.Time) int {
	t.Helper()
	n := 0
	for _, e := range es {
		if e.File != "kernel.log" || e.Mark != MarkNone {
			continue
		}
		up, ok := parseUptime(e.Data)
		if !ok {
			continue
		}
		n++
		d := e.Time.Sub(boot.Add(up)).Abs()
		if d > kernelTolerance {
			t.Errorf("%q placed at %v, truth %v: off by %v", e.Data, e.Time, boot.Add(up), d)
		}
		t.Logf("%q: off by %v", bytes.TrimSpace(e.Data), d)
	}
	return n
}

// TestKernelRebootWhileFollowing: a follow reads a guest's console, then
// the guest reboots and kernel.log is rewritten, once replaced by a new
// file and once truncated in place. The lines of each boot are placed
// from their own anchor.
func TestKernelRebootWhileFollowing(t *testing.T) {
	for _, how := range []string{"replaced", "truncated"} {
		t.Run(how, func(t *testing.T) {
			dir := logDir(t)
			path := filepath.Join(dir, "kernel.log")
			first := liveKernel{path: path, boot: time.Now().Add(-90 * time.Second)}
			first.write(t, "Linux version (first boot)", "Run /sbin/msb-agent as init process")
			appendFile(t, dir, "exec.log", execLine(time.Now(), "system", 0, "--- sandbox started ---\n"))
			snap, s, err := ReadSnapshotFollow(context.Background(), dir, Options{Sources: AllSources, Follow: true})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if n := checkPlaced(t, snap.Entries, first.boot); n != 2 {
				t.Fatalf("%d kernel lines in the snapshot, want 2", n)
			}
			first.write(t, "virtio_net virtio2 eth0: link up")
			if n := checkPlaced(t, readN(t, s, 1, 10*time.Second), first.boot); n != 1 {
				t.Fatalf("want the first boot's late line")
			}
			second := liveKernel{path: path, boot: time.Now().Add(-2 * time.Second)}
			switch how {
			case "replaced":
				if err := os.Remove(path); err != nil {
					t.Fatal(err)
				}
			case "truncated":
				if err := os.Truncate(path, 0); err != nil {
					t.Fatal(err)
				}
			}
			second.write(t, "Linux version (second boot)", "random: crng init done", "Run /sbin/msb-agent as init process")
			got := readN(t, s, 4, 10*time.Second) // the restart notice and three lines
			if got[0].Mark != MarkRestart {
				t.Fatalf("first entry after the reboot %+v, want the restart notice", got[0])
			}
			if n := checkPlaced(t, got, second.boot); n != 3 {
				t.Fatalf("%d of the second boot's lines placed, want 3", n)
			}
		})
	}
}

// TestKernelTailSnapshot: a tail snapshot (which may read the files more
// than once) places an unstamped first line at the boot, not at the time
// of the file's last line.
func TestKernelTailSnapshot(t *testing.T) {
	dir := logDir(t)
	boot := time.Date(2026, 11, 29, 2, 39, 0, 0, time.UTC)
	appendFile(t, dir, "kernel.log", "banner\n"+kernelLine(time.Second, "one")+kernelLine(5*time.Second, "five"))
	setMtime(t, filepath.Join(dir, "kernel.log"), boot.Add(5*time.Second))
	var exec strings.Builder
	// Records that share one time make the tail read its windows again,
	// wider (their start cannot tell what lies before it).
	for i := 0; i < 400; i++ {
		exec.WriteString(execLine(boot.Add(2*time.Second), "stdout", 1, fmt.Sprintf("line %d\n", i)))
	}
	appendFile(t, dir, "exec.log", exec.String())
	for _, tail := range []int{3, 50, 1000} {
		snap, err := ReadSnapshot(context.Background(), dir, Options{Sources: AllSources, Tail: tail})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range snap.Entries {
			if string(e.Data) == "banner\n" && !e.Time.Equal(boot) {
				t.Fatalf("tail %d: the unstamped banner is at %v, want the boot %v", tail, e.Time, boot)
			}
		}
		last := snap.Entries[len(snap.Entries)-1]
		if !strings.Contains(string(last.Data), "five") {
			t.Fatalf("tail %d: newest entry %q, want the kernel line at 5 s", tail, last.Data)
		}
	}
}
