//go:build linux

package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A log directory with a named pipe for boot-error.json and a link for
// kernel.log: print mode must neither wait on the pipe nor read through
// the link, and must say what it skipped.
func TestPrintSkipsPipesAndLinks(t *testing.T) {
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "shadow")
	if err := os.WriteFile(secret, []byte("root:SECRET-HASH:19000:0:99999:7:::\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	line := `{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"a real line\n","id":1}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(line), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "boot-error.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(secret, filepath.Join(dir, "kernel.log")); err != nil {
		t.Fatal(err)
	}
	r := sandtail(t, nil, "--dir", dir, "--print", "--source", "all")
	if r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "a real line") {
		t.Errorf("stdout %q lacks the log line", r.stdout)
	}
	if strings.Contains(r.stdout+r.stderr, "SECRET") {
		t.Errorf("read through the link: stdout %q stderr %q", r.stdout, r.stderr)
	}
	for _, want := range []string{"boot-error.json is a named pipe", "kernel.log is a symbolic link"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr %q does not say %q", r.stderr, want)
		}
	}
}
