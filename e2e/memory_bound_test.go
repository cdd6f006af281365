package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests run print mode on the hostile files of the memory bound
// (docs/memory.md) and read the process's peak resident memory from the
// kernel (rusage). By default they use files small enough for every run;
// SANDTAIL_MEMORY_TESTS=1 runs them at full size (a 20 MiB kernel.log of
// newlines, 100 GiB sparse files), as a user hit them:
//
//	SANDTAIL_MEMORY_TESTS=1 go test -run TestMemoryBound -v ./e2e/

// printPeakLimit is the peak resident memory print mode may use on any of
// these files: the fixed part of the bound (its index is a few hundred
// records at most here).
const printPeakLimit = 80 << 20

// fullSize says whether the opt-in, full-size variants run.
func fullSize() bool { return os.Getenv("SANDTAIL_MEMORY_TESTS") == "1" }

// peakRun runs the binary through measure and returns its exit status,
// stderr, the bytes it printed and its peak resident memory.
func peakRun(t *testing.T, args ...string) (code int, stderr string, out int64, peak int64) {
	t.Helper()
	m := measure(t, binary, args...)
	return m.code, m.stderr, m.out, m.peak
}

// memDir makes a log directory with one exec.log line, so the sandbox has
// program output besides the hostile file.
func memDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	line := `{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"hello\n","id":1}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkPeak fails when a run did not succeed or went over the limit.
func checkPeak(t *testing.T, what string, code int, stderr string, out, peak int64) {
	t.Helper()
	t.Logf("%s: exit %d, %d bytes out, peak RSS %.1f MiB", what, code, out, float64(peak)/(1<<20))
	if code != 0 {
		t.Fatalf("%s: exit status %d; stderr: %s", what, code, stderr)
	}
	if peak > printPeakLimit {
		t.Fatalf("%s: peak RSS %.1f MiB, over the %d MiB bound", what, float64(peak)/(1<<20), printPeakLimit>>20)
	}
}

// TestMemoryBoundNewlines is a kernel.log of nothing but newlines: each is
// an (empty) system line, and the snapshot must not hold them.
func TestMemoryBoundNewlines(t *testing.T) {
	size := 2 << 20
	if fullSize() {
		size = 20 << 20
	}
	dir := memDir(t)
	if err := os.WriteFile(filepath.Join(dir, "kernel.log"), bytes.Repeat([]byte{'\n'}, size), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr, out, peak := peakRun(t, "--dir", dir, "--print", "--source", "all", "--tail", "5")
	checkPeak(t, fmt.Sprintf("%d MiB of newlines, --tail 5", size>>20), code, stderr, out, peak)
	if out != 5 {
		t.Fatalf("printed %d bytes, want the last five lines: five empty ones", out)
	}
	code, stderr, out, peak = peakRun(t, "--dir", dir, "--print", "--source", "all")
	checkPeak(t, fmt.Sprintf("%d MiB of newlines, everything", size>>20), code, stderr, out, peak)
	if want := int64(size) + int64(len("hello\n")); out != want {
		t.Fatalf("printed %d bytes, want %d (every newline and the exec line)", out, want)
	}
}

// TestMemoryBoundSparse is a sparse kernel.log and a sparse exec.log.1 of
// 1 GiB (100 GiB opt-in): read as zeros with no line end, never held.
func TestMemoryBoundSparse(t *testing.T) {
	size := int64(1 << 30)
	if fullSize() {
		size = 100 << 30
	}
	for _, name := range []string{"kernel.log", "exec.log.1"} {
		dir := memDir(t)
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Truncate(path, size); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		code, stderr, out, peak := peakRun(t, "--dir", dir, "--print", "--source", "all")
		checkPeak(t, fmt.Sprintf("%s sparse %d GiB", name, size>>30), code, stderr, out, peak)
		t.Logf("%s: %v", name, time.Since(start))
		code, stderr, out, peak = peakRun(t, "--dir", dir, "--print", "--source", "all", "--tail", "5")
		checkPeak(t, fmt.Sprintf("%s sparse %d GiB, --tail 5", name, size>>30), code, stderr, out, peak)
		// A rotated file that ends without a line end hands its last
		// line on to the next file: exec.log's first line joins the
		// zeros, and the whole is one malformed record.
		switch {
		case name == "kernel.log" && out != int64(len("hello\n")):
			t.Fatalf("printed %d bytes, want the exec.log line alone (kernel.log has no complete line)", out)
		case name == "exec.log.1" && (out != 0 || !strings.Contains(stderr, "skipped 1 malformed")):
			t.Fatalf("printed %d bytes, stderr %q: want nothing and one malformed line skipped", out, stderr)
		}
	}
}

// TestMemoryBoundC1Lines is lines of 16 KiB of \x9b (a C1 byte each, which
// a terminal would take as the start of a control sequence).
func TestMemoryBoundC1Lines(t *testing.T) {
	n := 2000
	if fullSize() {
		n = 60000
	}
	dir := memDir(t)
	var b bytes.Buffer
	body := strings.Repeat(`\u009b`, 16<<10)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, `{"t":"2026-04-30T20:33:%02d.%03dZ","s":"stdout","d":"%s\n","id":2}`+"\n", i/1000%60, i%1000, body)
	}
	if err := os.WriteFile(filepath.Join(dir, "exec.log.1"), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stderr, out, peak := peakRun(t, "--dir", dir, "--print")
	checkPeak(t, fmt.Sprintf("%d lines of 16 KiB of \\x9b", n), code, stderr, out, peak)
	code, stderr, out, peak = peakRun(t, "--dir", dir, "--json")
	checkPeak(t, fmt.Sprintf("%d lines of 16 KiB of \\x9b, --json", n), code, stderr, out, peak)
}
