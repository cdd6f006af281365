package e2e

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sandtail/engine/sim"
	"sandtail/resumecmd"
)

// newSandbox creates a simulated sandbox named name under home.
func newSandbox(t *testing.T, home, name string) *sim.Sandbox {
	t.Helper()
	return newSim(t, filepath.Join(home, "sandboxes", name, "logs"), sim.Config{})
}

// newSim creates a simulated sandbox writing its logs to dir, closed when
// the test ends.
func newSim(t *testing.T, dir string, cfg sim.Config) *sim.Sandbox {
	t.Helper()
	sb, err := sim.New(dir, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func write(t *testing.T, sb *sim.Sandbox, source string, session uint64, format string, args ...any) {
	t.Helper()
	if err := sb.Exec(source, session, []byte(fmt.Sprintf(format, args...))); err != nil {
		t.Fatalf("sim exec: %v", err)
	}
}

// TestLiveSession drives one sandtail session the way a user would: lines
// arrive live, the help opens and closes, stderr is hidden and shown, a
// search finds a line, a missed rotation opens the dialog by itself and
// resume continues the stream with the gap marked, the pane shrinks to
// 40×10 and back, and q restores the shell.
func TestLiveSession(t *testing.T) {
	t.Parallel()
	p := newPane(t, 100, 30)
	sb := newSandbox(t, p.home, "live")
	for i := 1; i <= 3; i++ {
		write(t, sb, "stdout", 1, "hello-out-%d\n", i)
		write(t, sb, "stderr", 1, "oops-err-%d\n", i)
	}
	write(t, sb, "stdout", 2, "needle-in-the-haystack\n")

	p.run(fmt.Sprintf("%s --home %s live", resumecmd.Quote(binary), resumecmd.Quote(p.home)))
	p.waitText("hello-out-1", "oops-err-3", "needle-in-the-haystack")
	// The viewer uses the alternate screen and, by default, leaves the
	// mouse to tmux so text can be selected.
	if got := p.format("alternate_on"); got != "1" {
		t.Fatalf("alternate_on = %q while sandtail runs, want 1", got)
	}
	if got := p.format("mouse_any_flag"); got != "0" {
		t.Fatalf("mouse_any_flag = %q, want 0: mouse capture is off by default", got)
	}
	header := regexp.MustCompile(`^\s*live\b`)
	footer := regexp.MustCompile(`\S`)

	// Live: a line written now shows up without a key press.
	write(t, sb, "stdout", 1, "live-line-1\n")
	p.waitText("live-line-1")

	// ? opens the full help over the view and ? closes it again.
	p.text("?")
	p.waitText("Keys", "close help")
	p.text("?")
	p.waitFor("the help to close", func(s string) bool {
		return !strings.Contains(s, "close help") && strings.Contains(s, "live-line-1")
	})

	// 2 hides stderr and shows it again, without re-reading.
	p.text("2")
	p.waitFor("stderr hidden", func(s string) bool {
		return !strings.Contains(s, "oops-err") && strings.Contains(s, "hello-out-3")
	})
	p.text("2")
	p.waitText("oops-err-1", "oops-err-3")

	// / finds a line and the header counts the match.
	p.text("/needle")
	p.keys("Enter")
	p.waitMatch(`needle\S* 1/1`)
	// Esc clears the search. Wait for it: a lone Esc is held back briefly
	// to tell it from an escape sequence, and a stop below must not delay
	// it until after the dialog opens.
	p.keys("Escape")
	p.waitFor("the search to clear", func(s string) bool { return !strings.Contains(s, "1/1") })
	// The search moved the selection up and paused following; G follows
	// again, so every later line shows up at the bottom.
	p.text("G")
	p.waitText("LIVE")

	// A missed rotation: the reader (and its holder process) is stopped
	// while more than five rotations go by, so the file it was reading is
	// gone when it wakes.
	pid := p.sandtailPID()
	procs := p.stop(pid)
	if len(procs) < 2 {
		t.Fatal("sandtail started no holder process")
	}
	for i := range 6 {
		write(t, sb, "stdout", 1, "rotated-away-%d\n", i)
		if err := sb.Rotate(sim.ExecLog); err != nil {
			t.Fatal(err)
		}
	}
	write(t, sb, "stdout", 1, "kept-after-rotations\n")
	p.cont(procs)
	p.waitText("Fell behind log rotation", "Resume")

	// The dialog fits a 40×10 pane with the frame intact, and comes back
	// full size.
	p.resize(40, 10)
	p.waitText("Resume", "Reload", "Jump to now", "Close")
	p.waitFrame(40, 10, header, footer)
	p.resize(100, 30)
	p.waitText("Fell behind log rotation", "exec.log.4", "lost")

	// Enter picks the highlighted action, resume: the dialog closes, the
	// gap is marked in the buffer and new lines keep coming.
	p.keys("Enter")
	p.waitFor("the dialog to close", func(s string) bool { return !strings.Contains(s, "Fell behind log rotation") })
	write(t, sb, "stdout", 1, "after-resume-1\n")
	s := p.waitText("after-resume-1", "kept-after-rotations")
	// rotated-away-1 was in the only file that rotated past exec.log.4
	// unseen; the gap line stands where it was, and the rest follows in
	// order. rotated-away-0 was read, but its file has left retention
	// since: its lines left the view, a notice in their place.
	if strings.Contains(s, "rotated-away-1") || strings.Contains(s, "rotated-away-0") {
		t.Fatalf("data from a file no longer on disk is on screen:\n%s", s)
	}
	rows := strings.Split(s, "\n")
	order := []int{
		rowWith(rows, regexp.MustCompile(`earlier lines of exec\.log left retention`)),
		rowWith(rows, regexp.MustCompile(`^\s*gap\b.*exec\.log`)),
		rowWith(rows, regexp.MustCompile(`rotated-away-2`)),
		rowWith(rows, regexp.MustCompile(`rotated-away-5`)),
		rowWith(rows, regexp.MustCompile(`kept-after-rotations`)),
		rowWith(rows, regexp.MustCompile(`after-resume-1`)),
	}
	for i := 1; i < len(order); i++ {
		if order[i-1] < 0 || order[i] <= order[i-1] {
			t.Fatalf("after resume, want the notice of the lines that left retention, a gap line, rotated-away-2…5, kept-after-rotations, after-resume-1 in that order (rows %v):\n%s", order, s)
		}
	}

	// A 40×10 pane keeps the frame: header first, footer last, no row
	// wider than the pane.
	p.resize(40, 10)
	write(t, sb, "stdout", 1, "narrow-%s\n", strings.Repeat("wide-", 30))
	p.waitText("narrow-")
	p.waitFrame(40, 10, header, footer)
	p.resize(100, 30)

	// q quits, the alternate screen is gone, the shell is back.
	p.text("q")
	p.waitFor("the shell prompt after quitting", func(s string) bool {
		rows := strings.Split(strings.TrimRight(s, "\n "), "\n")
		return strings.HasPrefix(rows[len(rows)-1], strings.TrimSpace(prompt)) && !strings.Contains(s, "hello-out")
	})
	if got := p.format("alternate_on"); got != "0" {
		t.Fatalf("alternate_on = %q after quitting, want 0", got)
	}
	p.run("echo exit=$?")
	p.waitText("exit=0")
}

// rowWith is the index of the first row matching re, or -1.
func rowWith(rows []string, re *regexp.Regexp) int {
	for i, r := range rows {
		if re.MatchString(r) {
			return i
		}
	}
	return -1
}
