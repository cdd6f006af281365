package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandtail/engine/sim"
	"sandtail/resumecmd"
)

// TestPairingOpensThePartnerAtTheLine is pairing in tmux as two people do
// it: in one pane Y is pressed on a line in the middle of a record of
// several lines; the command shown is selected with tmux's copy mode (as a
// mouse drag selects it: row by row) and pasted into a second pane's
// shell, where sandtail opens with that very line selected and in view,
// not following, and everything after it loaded.
func TestPairingOpensThePartnerAtTheLine(t *testing.T) {
	t.Parallel()
	a := newPane(t, 72, 20)
	sb := newSandbox(t, a.home, "pair")
	for i := 0; i < 30; i++ {
		write(t, sb, "stdout", 1, "before-%02d\n", i)
	}
	write(t, sb, "stdout", 1, "rec-a\nrec-b-the-spot\nrec-c\n")
	for i := 0; i < 30; i++ {
		write(t, sb, "stdout", 1, "after-%02d\n", i)
	}
	a.run(fmt.Sprintf("%s pair", resumecmd.Quote(binary)))
	a.waitText("after-29", "LIVE")
	a.text("/rec-b-the-spot")
	a.keys("Enter")
	a.waitMatch(`▌out rec-b-the-spot`)
	a.text("Y")
	a.waitText("copied a command that opens this line")

	cmd := a.copyRows("sandtail pair --from", "--line 2")
	if strings.ContainsAny(cmd, "\x1b\x07") {
		t.Fatalf("the selection holds control characters: %q", cmd)
	}
	clip := a.tmux("show-buffer", "-b", "buffer0")
	if !strings.HasPrefix(clip, "sandtail pair --from ") || strings.Contains(clip, "\n") || strings.Contains(clip, "--source") {
		t.Fatalf("Y put %q on the clipboard, want the one-line command without --source", clip)
	}

	b := newPane(t, 72, 20)
	b.run(fmt.Sprintf("export MSB_HOME=%s PATH=%s:$PATH", resumecmd.Quote(a.home), resumecmd.Quote(filepath.Dir(binary))))
	b.paste(cmd)
	b.keys("Enter")
	s := b.waitMatch(`▌out rec-b-the-spot`)
	if !strings.Contains(s, "PAUSED") || !strings.Contains(s, "rec-a") || !strings.Contains(s, "after-00") {
		t.Fatalf("the partner's viewer is not paused at the line with what follows it:\n%s", s)
	}
	if strings.Contains(s, "before-29") {
		t.Fatalf("the partner read from before the line:\n%s", s)
	}
	write(t, sb, "stdout", 1, "while-paired\n")
	b.waitText("1 new")
	if !strings.Contains(strings.Join(b.screen(), "\n"), "▌out rec-b-the-spot") {
		t.Fatal("a new line moved the partner's selection")
	}
	b.text("G")
	b.waitMatch(`▌out while-paired`)
	b.waitText("LIVE")
	b.text("q")
	a.text("q")
}

// TestCopiedCommandQuotesControlCharacters: a --dir holding ESC [ 201 ~
// (the end of a bracketed paste) and newlines is copied and shown as a
// printable $'…' word, and pasting the copied command into bash, with
// bracketed paste, runs nothing else: it opens the same directory.
func TestCopiedCommandQuotesControlCharacters(t *testing.T) {
	t.Parallel()
	a := newPane(t, 100, 20)
	dir := filepath.Join(t.TempDir(), "x\x1b[201~\ntouch PWNED\n", "logs")
	sb := newSim(t, dir, sim.Config{})
	write(t, sb, "stdout", 1, "first\n")
	write(t, sb, "stdout", 1, "hostile-dir-spot\n")
	write(t, sb, "stdout", 1, "last\n")
	a.run(fmt.Sprintf("%s --dir %s", resumecmd.Quote(binary), resumecmd.Quote(dir)))
	a.waitText("last", "LIVE")
	a.text("k")
	a.waitMatch(`▌out hostile-dir-spot`)
	a.text("Y")
	s := a.waitText("copied a command")
	if !strings.Contains(s, `\x1b[201~\ntouch PWNED\n`) {
		t.Fatalf("the command on screen does not spell the control characters out:\n%s", s)
	}
	clip := a.tmux("show-buffer", "-b", "buffer0")
	for _, c := range clip {
		if c < 0x20 || c == 0x7f {
			t.Fatalf("the clipboard holds control character %#x: %q", c, clip)
		}
	}

	b := newPane(t, 100, 20)
	work := t.TempDir()
	b.run(fmt.Sprintf("cd %s && export PATH=%s:$PATH", resumecmd.Quote(work), resumecmd.Quote(filepath.Dir(binary))))
	b.paste(clip)
	b.keys("Enter")
	b.waitMatch(`▌out hostile-dir-spot`)
	b.text("q")
	b.waitText(strings.TrimSpace(prompt))
	if _, err := os.Stat(filepath.Join(work, "PWNED")); err == nil {
		t.Fatal("pasting the copied command ran touch PWNED")
	}
	a.text("q")
}

// copyRows selects, in copy mode, the rows from the one holding first to
// the one holding last, as a mouse drag over them would, and returns what
// tmux copied.
func (p *pane) copyRows(first, last string) string {
	p.t.Helper()
	rows := p.screen()
	from, to := -1, -1
	for i, r := range rows {
		if from < 0 && strings.Contains(r, first) {
			from = i
		}
		if strings.Contains(r, last) {
			to = i
		}
	}
	if from < 0 || to < from {
		p.t.Fatalf("no rows from %q to %q on screen:\n%s", first, last, strings.Join(rows, "\n"))
	}
	p.tmux("copy-mode", "-t", "e2e")
	x := func(args ...string) { p.tmux(append([]string{"send-keys", "-t", "e2e", "-X"}, args...)...) }
	x("top-line")
	for i := 0; i < from; i++ {
		x("cursor-down")
	}
	x("start-of-line")
	x("begin-selection")
	for i := from; i < to; i++ {
		x("cursor-down")
	}
	x("end-of-line")
	x("copy-selection-and-cancel")
	return p.tmux("show-buffer")
}

// paste pastes text into the pane as a terminal paste: bracketed, when
// the shell asked for it (bash does).
func (p *pane) paste(text string) {
	p.t.Helper()
	p.tmux("set-buffer", "-b", "paste", "--", text)
	p.tmux("paste-buffer", "-p", "-d", "-b", "paste", "-t", "e2e")
}
