package engine

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestOneUnreadableSandboxDoesNotHideTheOthers: a sandbox whose log
// directory cannot be read (here "logs" is a file, and a symlink loop) is
// listed with the reason, between the others, instead of failing the
// whole list. (Permission denied, which root never sees, is covered by the
// tests that run sandtail as nobody.)
func TestOneUnreadableSandboxDoesNotHideTheOthers(t *testing.T) {
	home := t.TempDir()
	for _, n := range []string{"alpha", "zulu"} {
		dir := filepath.Join(home, "sandboxes", n, "logs")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		appendFile(t, dir, "exec.log", "x\n")
	}
	if err := os.MkdirAll(filepath.Join(home, "sandboxes", "broken"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, "sandboxes", "broken", "logs"), []byte("not a dir"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(home, "sandboxes", "loop"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("logs", filepath.Join(home, "sandboxes", "loop", "logs")); err != nil {
		t.Fatal(err)
	}
	got, err := ListSandboxes(home)
	if err != nil {
		t.Fatalf("one unreadable sandbox failed the list: %v", err)
	}
	var names []string
	for _, sb := range got {
		names = append(names, sb.Name)
	}
	if len(got) != 4 || got[0].Name != "alpha" || got[1].Name != "broken" || got[2].Name != "loop" || got[3].Name != "zulu" {
		t.Fatalf("listed %q, want alpha, broken, loop, zulu", names)
	}
	if got[0].Err != nil || got[3].Err != nil || got[0].Size != 2 {
		t.Fatalf("readable sandboxes: %+v %+v", got[0], got[3])
	}
	for _, sb := range got[1:3] {
		if sb.Err == nil || sb.LogDir == "" {
			t.Fatalf("%s: %+v, want the reason it cannot be read", sb.Name, sb)
		}
	}
	if !errors.Is(got[1].Err, syscall.ENOTDIR) || !errors.Is(got[2].Err, syscall.ELOOP) {
		t.Errorf("reasons %v, %v", got[1].Err, got[2].Err)
	}
}
