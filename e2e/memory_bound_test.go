package e2e

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"sandtail/resumecmd"
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
	writeC1Lines(t, filepath.Join(dir, "exec.log.1"), n)
	code, stderr, out, peak := peakRun(t, "--dir", dir, "--print")
	checkPeak(t, fmt.Sprintf("%d lines of 16 KiB of \\x9b", n), code, stderr, out, peak)
	code, stderr, out, peak = peakRun(t, "--dir", dir, "--json")
	checkPeak(t, fmt.Sprintf("%d lines of 16 KiB of \\x9b, --json", n), code, stderr, out, peak)
}

// viewerPeakLimit is the peak resident memory the viewer may use on these
// files: the memory its window's lines may hold (32 MiB), the entry data
// a window reads (16 MiB), the index, and the runtime's headroom under its
// soft limit (docs/memory.md).
const viewerPeakLimit = 128 << 20

// TestMemoryBoundViewer opens the viewer, with its default buffer, on the
// hostile files and reads its peak resident memory once the buffer is
// filled (the header's counts say so).
func TestMemoryBoundViewer(t *testing.T) {
	needTmux(t)
	newlines, c1 := 2<<20, 600
	sparse := int64(1 << 30)
	if fullSize() {
		newlines, c1, sparse = 20<<20, 60000, 100<<30
	}
	cases := []struct {
		name  string
		fill  func(dir string)
		ready string // a regexp of the header once the buffer is filled
	}{
		{fmt.Sprintf("%d MiB of newlines in kernel.log", newlines>>20), func(dir string) {
			if err := os.WriteFile(filepath.Join(dir, "kernel.log"), bytes.Repeat([]byte{'\n'}, newlines), 0o644); err != nil {
				t.Fatal(err)
			}
		}, `system ✗ 0`},
		{fmt.Sprintf("a sparse kernel.log of %d GiB", sparse>>30), func(dir string) {
			path := filepath.Join(dir, "kernel.log")
			if err := os.WriteFile(path, []byte("boot line\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, sparse); err != nil {
				t.Fatal(err)
			}
		}, `stdout ✓ 1 .*system ✗ 0`},
		{fmt.Sprintf("%d lines of 16 KiB of \\x9b", c1), func(dir string) {
			writeC1Lines(t, filepath.Join(dir, "exec.log.1"), c1)
		}, `entry (601|60,001) of (601|60,001)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := memDir(t)
			tc.fill(dir)
			p := newPane(t, 240, 30) // wide enough for the header's long form beside the path
			tf := filepath.Join(t.TempDir(), "timing")
			p.run(fmt.Sprintf("SANDTAIL_TIMING=%s %s --dir %s", resumecmd.Quote(tf), resumecmd.Quote(binary), resumecmd.Quote(dir)))
			// The full-size files take the engine a while to index (1.3 GB
			// of records for the C1 lines): wait for the state, long. The
			// viewer notes when its History and first window are in.
			ready := regexp.MustCompile(`(?s)LIVE.*` + tc.ready)
			p.waitUntil(3*time.Minute, "the History's window and "+tc.ready, func(s string) bool {
				b, _ := os.ReadFile(tf)
				return strings.Contains(string(b), "history") && ready.MatchString(s)
			})
			pid := p.sandtailPID()
			_, peak := memory(t, pid)
			t.Logf("%s: viewer peak RSS %.1f MiB; %s", tc.name, float64(peak)/1024, strings.TrimSpace(p.screen()[0]))
			if peak<<10 > viewerPeakLimit {
				t.Errorf("viewer peak RSS %.1f MiB, over %d MiB", float64(peak)/1024, viewerPeakLimit>>20)
			}
			p.text("q")
			p.waitFor("the shell after quitting", func(s string) bool { return !strings.Contains(s, "LIVE") })
		})
	}
}

// writeC1Lines writes n records to path, each a line of 16 KiB of the
// byte 0x9b (a C1 CSI to a terminal; not UTF-8, so base64 in the record).
func writeC1Lines(t *testing.T, path string, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	d := base64.StdEncoding.EncodeToString(append(bytes.Repeat([]byte{0x9b}, 16<<10), '\n'))
	for i := 0; i < n; i++ {
		ts := time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond)
		fmt.Fprintf(w, `{"t":"%s","s":"stdout","d":"%s","e":"b64","id":2}`+"\n", ts.Format("2006-01-02T15:04:05.000Z"), d)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}
