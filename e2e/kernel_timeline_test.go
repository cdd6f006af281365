package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// kernelTolerance is the bound on a kernel line's placement.
const kernelTolerance = 50 * time.Millisecond

// consoleLine is a kernel console line stamped with uptime up.
func consoleLine(up time.Duration, text string) string {
	return fmt.Sprintf("[%5d.%06d] %s\n", int64(up/time.Second), int64(up%time.Second/time.Microsecond), text)
}

// kernelJSON is what --json prints per entry, with t as a time.
type kernelJSON struct {
	T    time.Time `json:"t"`
	S    string    `json:"s"`
	D    string    `json:"d"`
	Mark string    `json:"mark"`
}

// TestKernelTimelineInPrintModeAndViewer: a guest that booted at a known
// time panicked at uptime 3.5 s, between two lines of output. --json gives
// the kernel lines their wall-clock t (boot + uptime; an unstamped line the
// time of the one before), and both print mode and the viewer show the
// panic between the output around it, not after the last line.
func TestKernelTimelineInPrintModeAndViewer(t *testing.T) {
	t.Parallel()
	boot := time.Date(2026, 11, 29, 2, 39, 0, 0, time.UTC)
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	kernel := consoleLine(0, "Linux version 6.6.58") +
		consoleLine(240123*time.Microsecond, "Run /sbin/msb-agent as init process") +
		consoleLine(3500*time.Millisecond, "Kernel panic - not syncing: Attempted to kill init!") +
		"---[ end Kernel panic ]---\n"
	kpath := filepath.Join(dir, "kernel.log")
	if err := os.WriteFile(kpath, []byte(kernel), 0o644); err != nil {
		t.Fatal(err)
	}
	last := boot.Add(3500 * time.Millisecond)
	if err := os.Chtimes(kpath, last, last); err != nil {
		t.Fatal(err)
	}
	exec := timelineRecord(boot.Add(300*time.Millisecond), "system", "--- sandbox started ---\n") +
		timelineRecord(boot.Add(2*time.Second), "stdout", "output-before-panic\n") +
		timelineRecord(boot.Add(8*time.Second), "stdout", "output-after-panic\n")
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(exec), 0o644); err != nil {
		t.Fatal(err)
	}

	r := sandtail(t, nil, "--dir", dir, "--json", "--source", "all")
	if r.code != 0 {
		t.Fatalf("status %d: %s", r.code, r.stderr)
	}
	want := map[string]time.Time{
		"Linux version":           boot,
		"Run /sbin/msb-agent":     boot.Add(240123 * time.Microsecond),
		"Kernel panic - not":      last,
		"---[ end Kernel panic ]": last,
	}
	var order []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		var e kernelJSON
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		order = append(order, e.D)
		for frag, at := range want {
			if strings.Contains(e.D, frag) {
				if d := e.T.Sub(at).Abs(); d > kernelTolerance {
					t.Errorf("%q: t %v, want %v (off by %v)", e.D, e.T, at, d)
				}
				delete(want, frag)
			}
		}
	}
	if len(want) > 0 {
		t.Fatalf("kernel lines missing from --json: %v\n%s", want, r.stdout)
	}
	joined := strings.Join(order, "")
	if b, p, a := strings.Index(joined, "output-before-panic"), strings.Index(joined, "Kernel panic - not"), strings.Index(joined, "output-after-panic"); !(b < p && p < a) {
		t.Fatalf("the panic is not between the output around it:\n%s", joined)
	}

	p := openPane(t, []string{"TZ=UTC", "XDG_STATE_HOME=" + t.TempDir()}, 110, 20, "--dir", dir, "--source", "all")
	screen := p.waitText("output-after-panic", "Kernel panic")
	rows := strings.Split(screen, "\n")
	find := func(s string) int {
		for i, r := range rows {
			if strings.Contains(r, s) {
				return i
			}
		}
		return -1
	}
	if b, k, a := find("output-before-panic"), find("Kernel panic - not"), find("output-after-panic"); !(b < k && k < a) {
		t.Fatalf("viewer: the panic is not between the output around it:\n%s", screen)
	}
}

// TestKernelRebootWhileFollowingInPrintMode: a follow prints a guest's
// console, then the guest reboots and kernel.log is rewritten; the new
// boot's lines get times from their own boot, within the tolerance of the
// truth (the writer stamps each line with the uptime at the moment it
// writes it).
func TestKernelRebootWhileFollowingInPrintMode(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	kpath := filepath.Join(dir, "kernel.log")
	writeConsole := func(boot time.Time, texts ...string) {
		t.Helper()
		f, err := os.OpenFile(kpath, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		for _, s := range texts {
			if _, err := f.WriteString(consoleLine(time.Since(boot), s)); err != nil {
				t.Fatal(err)
			}
		}
	}
	first := time.Now().Add(-time.Hour)
	writeConsole(first, "first-boot-a", "first-boot-b")
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	r := start(t, nil, "--dir", dir, "--json", "--source", "all", "-f")
	check := func(boot time.Time, text string) {
		t.Helper()
		for {
			l, ok := r.next(liveTimeout)
			if !ok {
				t.Fatalf("output ended before %q; stderr %s", text, r.Stderr())
			}
			var e kernelJSON
			if err := json.Unmarshal([]byte(l), &e); err != nil {
				t.Fatalf("%q: %v", l, err)
			}
			if !strings.Contains(e.D, text) {
				continue
			}
			i := strings.Index(e.D, "[")
			j := strings.Index(e.D, "]")
			var sec, usec int64
			if _, err := fmt.Sscanf(strings.TrimSpace(e.D[i+1:j]), "%d.%d", &sec, &usec); err != nil {
				t.Fatalf("%q: %v", e.D, err)
			}
			truth := boot.Add(time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond)
			if d := e.T.Sub(truth).Abs(); d > kernelTolerance {
				t.Fatalf("%q: t %v, truth %v: off by %v", e.D, e.T, truth, d)
			}
			return
		}
	}
	check(first, "first-boot-b")
	second := time.Now().Add(-3 * time.Second)
	if err := os.Remove(kpath); err != nil {
		t.Fatal(err)
	}
	writeConsole(second, "second-boot-a", "second-boot-b")
	check(second, "second-boot-a")
	check(second, "second-boot-b")
	r.interrupt()
}

// TestKernelRebootWhileFollowingInViewer: the viewer follows a guest's
// console with timestamps on; the guest reboots (kernel.log truncated, then
// written again) and the new boot's line is shown at its true time.
func TestKernelRebootWhileFollowingInViewer(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	kpath := filepath.Join(dir, "kernel.log")
	first := time.Now().Add(-time.Hour)
	if err := os.WriteFile(kpath, []byte(consoleLine(time.Since(first), "first-boot-line")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	p := openPane(t, []string{"TZ=UTC", "XDG_STATE_HOME=" + t.TempDir()}, 110, 20, "--dir", dir, "--source", "all", "--timestamps")
	p.waitText("first-boot-line")

	// The reboot empties the console file; once the viewer has seen that,
	// the new boot writes.
	if err := os.Truncate(kpath, 0); err != nil {
		t.Fatal(err)
	}
	p.waitText("kernel.log was truncated")
	second := time.Now().Add(-2 * time.Second)
	up := time.Since(second)
	truth := second.Add(up.Truncate(time.Microsecond))
	if err := os.WriteFile(kpath, []byte(consoleLine(up, "second-boot-line")), 0o644); err != nil {
		t.Fatal(err)
	}
	screen := p.waitText("second-boot-line")
	for _, row := range strings.Split(screen, "\n") {
		if !strings.Contains(row, "second-boot-line") {
			continue
		}
		f := strings.Fields(row)
		if len(f) == 0 {
			t.Fatalf("row %q", row)
		}
		clock := strings.TrimPrefix(f[0], "▌")
		shown, err := time.ParseInLocation("15:04:05.000", clock, time.UTC)
		if err != nil {
			t.Fatalf("no time at the start of %q: %v", row, err)
		}
		day := truth.UTC()
		shown = time.Date(day.Year(), day.Month(), day.Day(), shown.Hour(), shown.Minute(), shown.Second(), shown.Nanosecond(), time.UTC)
		if d := shown.Sub(truth).Abs(); d > kernelTolerance && d < 23*time.Hour {
			t.Fatalf("the new boot's line is shown at %s, truth %s: off by %v", clock, truth.UTC().Format("15:04:05.000"), d)
		}
		return
	}
	t.Fatalf("row not found:\n%s", screen)
}
