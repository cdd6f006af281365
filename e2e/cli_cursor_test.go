package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sandtail/engine"
)

// staleCursorDir is a log directory with a live exec.log and exec.log.1,
// a runtime.log chain whose runtime.log.2 ends in a line a rotation cut
// (its rest is at the start of runtime.log.1), and a kernel.log.
func staleCursorDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC)
	stamp := ts.Format(timeLayout)
	files := map[string]string{
		"exec.log.1":    execRecord(ts, "stdout", 1, "rotated one\n") + execRecord(ts, "stdout", 1, "rotated two\n"),
		"exec.log":      execRecord(ts, "stdout", 1, "live one\n") + execRecord(ts, "stdout", 1, "live two\n"),
		"runtime.log.2": stamp + " oldest runtime line\n" + stamp + " a line the rotation cu",
		"runtime.log.1": "t in two\n" + stamp + " middle runtime line\n",
		"runtime.log":   stamp + " live runtime line\n",
		"kernel.log":    "[0.1] kernel one\n[0.2] kernel two\n",
	}
	for name, s := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// fileGen is a log file's inode and size: what a cursor position names.
func fileGen(t *testing.T, dir, name string) (gen, size uint64) {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino, uint64(fi.Size())
}

// TestStaleCursorRefused: a --from cursor whose file is on disk, in any
// slot of its chain, but whose offset is in the middle of a line or past
// the file's end is refused with exit 1 and a message that names the file
// and says why. Only a file that is in no slot at all resumes leniently;
// kernel.log, which is not rotated, starts again from 0 when it shrank.
func TestStaleCursorRefused(t *testing.T) {
	dir := staleCursorDir(t)
	execLive, execLiveSize := fileGen(t, dir, "exec.log")
	exec1, _ := fileGen(t, dir, "exec.log.1")
	rt2, rt2Size := fileGen(t, dir, "runtime.log.2")
	rtLive, rtLiveSize := fileGen(t, dir, "runtime.log")
	kern, kernSize := fileGen(t, dir, "kernel.log")
	good := func(exec, runtime, kernel engine.Position) string {
		return engine.NewCursor(exec, runtime, kernel).String()
	}
	okExec := engine.Position{Inode: execLive, Offset: execLiveSize}
	okRuntime := engine.Position{Inode: rtLive, Offset: rtLiveSize}
	okKernel := engine.Position{Inode: kern, Offset: kernSize}
	gone := engine.Position{Inode: 1 << 40, Offset: 20}
	for _, tc := range []struct {
		name   string
		cursor string
		code   int
		want   []string // in stderr
	}{
		{"live exec.log mid-line", good(engine.Position{Inode: execLive, Offset: 7}, okRuntime, okKernel),
			1, []string{"exec.log", "offset 7", "middle of a line"}},
		{"live exec.log past its end", good(engine.Position{Inode: execLive, Offset: execLiveSize + 40}, okRuntime, okKernel),
			1, []string{"exec.log", "past the end"}},
		{"exec.log.1 mid-line", good(engine.Position{Inode: exec1, Offset: 9}, okRuntime, okKernel),
			1, []string{"exec.log.1", "middle of a line"}},
		{"runtime.log.2 inside the line a rotation cut", good(okExec, engine.Position{Inode: rt2, Offset: rt2Size - 4}, okKernel),
			1, []string{"runtime.log.2", "middle of a line"}},
		{"runtime.log.2 past its end", good(okExec, engine.Position{Inode: rt2, Offset: rt2Size + 1}, okKernel),
			1, []string{"runtime.log.2", "past the end"}},
		{"exec.log gone but runtime.log.2 mid-line", good(gone, engine.Position{Inode: rt2, Offset: 3}, okKernel),
			1, []string{"runtime.log.2", "middle of a line"}},
		{"kernel.log mid-line", good(okExec, okRuntime, engine.Position{Inode: kern, Offset: 5}),
			1, []string{"kernel.log", "middle of a line"}},
		{"exec.log in no slot", good(gone, okRuntime, okKernel),
			0, []string{"exec.log", "no longer on disk", "gap in exec.log"}},
		{"kernel.log shorter than the offset", good(okExec, okRuntime, engine.Position{Inode: kern, Offset: kernSize + 100}),
			0, []string{"restart in kernel.log"}},
		{"runtime.log.2 at the end of its cut line", good(okExec, engine.Position{Inode: rt2, Offset: rt2Size}, okKernel),
			0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := sandtail(t, nil, "--dir", dir, "--source", "all", "--print", "--from", tc.cursor)
			if r.code != tc.code {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tc.code, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q: %q", w, r.stderr)
				}
			}
			if tc.code == 1 && (r.stdout != "" || strings.Contains(r.stderr, "continuing")) {
				t.Errorf("a refused cursor still printed or continued: stdout %q stderr %q", r.stdout, r.stderr)
			}
		})
	}
}

// TestViewerRefusesStaleCursor: the viewer checks the cursor before it
// takes the terminal, so a stale one ends with the same message and exit
// 1 on the shell, the screen left as it was.
func TestViewerRefusesStaleCursor(t *testing.T) {
	dir := staleCursorDir(t)
	exec1, _ := fileGen(t, dir, "exec.log.1")
	c := engine.NewCursor(engine.Position{Inode: exec1, Offset: 9}).String()
	p := openPane(t, nil, 80, 12, "--dir", dir, "--from", c)
	if code := p.exitStatus(); code != 1 {
		t.Fatalf("exit %d, want 1; stderr %q", code, p.stderr())
	}
	for _, w := range []string{"exec.log.1", "middle of a line", "--from cursor"} {
		if !strings.Contains(p.stderr(), w) {
			t.Errorf("stderr lacks %q: %q", w, p.stderr())
		}
	}
	if p.paneVar("alternate_on") != "0" {
		t.Fatal("the viewer took the screen for a cursor it refuses")
	}
}
