package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestPrintOnATerminalMarksOverwrittenText runs print mode in a tmux pane:
// what the terminal shows of a line whose \b or \r hid text carries the
// same marker as in the viewer.
func TestPrintOnATerminalMarksOverwrittenText(t *testing.T) {
	dir := t.TempDir()
	at := time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC)
	log := execRecord(at, "stdout", 1, "safe\b\b\b\bEVIL\n") +
		execRecord(at.Add(time.Second), "stdout", 1, "rm -rf /\rls -la\n") +
		execRecord(at.Add(2*time.Second), "stdout", 1, "the end\n")
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"--print"}, {"--print", "--color", "never"}} {
		p := openPane(t, nil, 80, 10, append([]string{"--dir", dir}, args...)...)
		if code := p.exitStatus(); code != 0 {
			t.Fatalf("%q: exit %d; stderr %q", args, code, p.stderr())
		}
		s := p.screen()
		for _, want := range []string{"⟲ EVIL\n", "⟲ ls -la /\n", "\nthe end\n"} {
			if !strings.Contains(s, want) {
				t.Errorf("%q: the pane lacks %q; it shows:\n%s", args, want, s)
			}
		}
	}
}

// TestPrintYearZero prints an entry of 0000-01-01: its date is printed as
// it was written.
func TestPrintYearZero(t *testing.T) {
	dir := t.TempDir()
	log := `{"t":"0000-01-01T00:00:00Z","s":"stdout","d":"year zero\n","id":1}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	r := sandtail(t, nil, "--dir", dir, "--timestamps")
	if want := "0000-01-01T00:00:00.000Z year zero\n"; r.code != 0 || r.stdout != want {
		t.Fatalf("exit %d stdout %q stderr %q, want %q", r.code, r.stdout, r.stderr, want)
	}
}
