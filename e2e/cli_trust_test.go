package e2e

import (
	"os"
	"path/filepath"
	"regexp"
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
		s := p.screenText()
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

// TestPrintOnATerminalShowsTextInNearlyItsOwnColour prints text whose
// background is a hair away from its colour: the pane (read with its
// colours) draws it without that background, and keeps a readable one.
func TestPrintOnATerminalShowsTextInNearlyItsOwnColour(t *testing.T) {
	dir := t.TempDir()
	log := `{"t":"2026-04-30T20:00:01Z","s":"stdout","d":"a \u001b[38;2;0;0;0;48;2;0;0;1mhidden1\u001b[0m b\n","id":1}` + "\n" +
		`{"t":"2026-04-30T20:00:02Z","s":"stdout","d":"c \u001b[30;48;5;0mhidden2\u001b[0m d \u001b[37;44mreadable\u001b[0m\n","id":1}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	p := openPane(t, nil, 80, 10, "--dir", dir, "--print")
	if code := p.exitStatus(); code != 0 {
		t.Fatalf("exit %d; stderr %q", code, p.stderr())
	}
	s := p.tmux("capture-pane", "-p", "-e")
	background := regexp.MustCompile(`\x1b\[(?:[0-9;]*;)?(?:4[0-7]|10[0-7]|48;[0-9;]+)m`)
	for _, word := range []string{"hidden1", "hidden2", "readable"} {
		i := strings.Index(s, word)
		if i < 0 {
			t.Fatalf("the pane lacks %q:\n%q", word, s)
		}
		start := strings.LastIndexByte(s[:i], '\n') + 1
		if j := strings.LastIndex(s[start:i], " "); j >= 0 {
			start += j // only the sequences between the word before and this one
		}
		if got, want := background.MatchString(s[start:i]), word == "readable"; got != want {
			t.Errorf("%q drawn with a background: %v, want %v; the pane shows %q", word, got, want, s[start:i+len(word)])
		}
	}
}
