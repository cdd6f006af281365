package e2e

import (
	"fmt"
	"strings"
	"testing"

	"sandtail/resumecmd"
)

// setTitle sets the pane's title as a shell prompt or the user would, and
// waits until tmux has it.
func (p *pane) setTitle(title string) {
	p.t.Helper()
	p.run(fmt.Sprintf(`printf '\033]2;%s\033\\'`, title))
	p.waitFor("the pane title "+title, func(string) bool { return p.title() == title })
}

// TestTitleIsGivenBackAfterQuit: in tmux, which keeps a title stack, the
// viewer names the pane and, after q, the pane has the title it had
// before, not an empty one.
func TestTitleIsGivenBackAfterQuit(t *testing.T) {
	t.Parallel()
	p := newPane(t, 80, 12)
	write(t, newSandbox(t, p.home, "titled"), "stdout", 1, "titled-line\n")
	p.setTitle("my-own-title")
	p.run(fmt.Sprintf("%s titled", resumecmd.Quote(binary)))
	p.waitText("titled-line")
	p.waitFor("the pane named after the sandbox", func(string) bool { return p.title() == "sandtail: titled" })
	p.text("q")
	p.waitFor("the shell after q", func(s string) bool { return !strings.Contains(s, "titled-line") })
	p.run("echo exit=$?")
	p.waitText("exit=0")
	if got := p.title(); got != "my-own-title" {
		t.Fatalf("after q the pane title is %q, want the one it had before, my-own-title", got)
	}
}

// TestTitleIsLeftAloneWithoutAStack: where sandtail cannot tell that the
// terminal keeps a title stack (here: tmux's variables removed), it does
// not touch the title at all.
func TestTitleIsLeftAloneWithoutAStack(t *testing.T) {
	t.Parallel()
	p := newPane(t, 80, 12)
	write(t, newSandbox(t, p.home, "plain"), "stdout", 1, "plain-line\n")
	p.setTitle("kept-title")
	p.run(fmt.Sprintf("env -u TMUX -u TERM_PROGRAM -u TERM_PROGRAM_VERSION %s plain", resumecmd.Quote(binary)))
	p.waitText("plain-line")
	if got := p.title(); got != "kept-title" {
		t.Fatalf("while running the pane title is %q, want it untouched", got)
	}
	p.text("q")
	p.waitFor("the shell after q", func(s string) bool { return !strings.Contains(s, "plain-line") })
	if got := p.title(); got != "kept-title" {
		t.Fatalf("after q the pane title is %q, want kept-title", got)
	}
}

// TestCtrlZSuspendsAndFgResumes: Ctrl-Z gives the terminal back to the
// shell (main screen, the user's title) with sandtail stopped as a job, and
// fg brings the viewer back where it was: same selection, not following.
func TestCtrlZSuspendsAndFgResumes(t *testing.T) {
	t.Parallel()
	p := newPane(t, 80, 14)
	sb := newSandbox(t, p.home, "susp")
	for i := 0; i < 20; i++ {
		write(t, sb, "stdout", 1, "susp-line-%02d\n", i)
	}
	p.run("set -m") // job control, as in any interactive shell
	p.setTitle("shell-title")
	p.run(fmt.Sprintf("%s susp", resumecmd.Quote(binary)))
	p.waitText("susp-line-19", "LIVE")
	p.text("kkk")
	p.waitMatch(`▌out susp-line-16`)
	pid := p.sandtailPID()

	p.keys("C-z")
	p.waitText("Stopped")
	if got := p.format("alternate_on"); got != "0" {
		t.Fatalf("suspended, the pane is still on the alternate screen (alternate_on=%s)", got)
	}
	if got := p.title(); got != "shell-title" {
		t.Fatalf("suspended, the pane title is %q, want the shell's", got)
	}
	if !threadsStopped(pid) {
		t.Fatal("sandtail is not stopped after Ctrl-Z")
	}
	// While it is stopped the shell works.
	p.run("echo still-here-$((6*7))")
	p.waitText("still-here-42")

	write(t, sb, "stdout", 1, "written-while-stopped\n")
	p.run("fg")
	s := p.waitMatch(`▌out susp-line-16`)
	if !strings.Contains(s, "PAUSED") {
		t.Fatalf("after fg the viewer is not where it was:\n%s", s)
	}
	if got := p.format("alternate_on"); got != "1" {
		t.Fatalf("after fg alternate_on=%s", got)
	}
	p.waitFor("the pane named again", func(string) bool { return p.title() == "sandtail: susp" })
	p.text("G")
	p.waitMatch(`▌out written-while-stopped`)
	p.text("q")
	p.waitFor("the shell after q", func(s string) bool { return !strings.Contains(s, "written-while-stopped") })
	p.run("echo exit=$?")
	p.waitText("exit=0")
	if got := p.title(); got != "shell-title" {
		t.Fatalf("after q the pane title is %q", got)
	}
}
