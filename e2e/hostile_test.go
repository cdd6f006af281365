package e2e

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sandtail/resumecmd"
)

// hostile is program output that attacks the terminal it is shown on
// (see docs/untrusted-text.md). Each line names its attack so a failure says which one got
// through; PWNED marks the payloads that must never take effect.
var hostile = []string{
	"title-attack \x1b]0;PWNED-title0\x07 and \x1b]2;PWNED-title2\x1b\\ end\n",
	"clipboard-attack \x1b]52;c;UFdORUQtY2xpcA==\x07 end\n",
	"link-attack \x1b]8;;https://evil.example/\x1b\\https://good.example/\x1b]8;;\x1b\\ end\n",
	"dcs-attack \x1bP+q544e\x1b\\ and \x1b_apc\x1b\\ end\n",
	"before-clear marker\n",
	"clear-attack \x1b[2J\x1b[3J\x1b[H end\n",
	"cursor-attack \x1b[1;1H\x1b[5A\x1b[10C\x1b[K end\n",
	"mode-attack \x1b[?1049l\x1b[?1000h\x1b[?25l end\n",
	"query-attack \x1b[6n\x1b]11;?\x07\x1b[c end\n",
	"c1-attack \u009b2J and \x9b2J end\n",
	"bidi-attack \u202eevil\u202c and \u2066x\u2069 end\n",
	"rm -rf /tmp/overstrike-attack\rls -la\n",
	"HOSTILE-END\n",
}

// writeHostile writes the fixture through the simulator, as a sandboxed
// program would.
func writeHostile(t *testing.T, home, name string) {
	t.Helper()
	sb := newSandbox(t, home, name)
	for _, line := range hostile {
		write(t, sb, "stdout", 7, "%s", line)
	}
}

// controls proves the pane would show a leak: a title set and an OSC 52
// written by the shell do change tmux's title and paste buffers. They are
// then reset so the real check starts clean.
func controls(t *testing.T, p *pane) {
	t.Helper()
	p.run(`printf '\033]2;control-title\033\\'; printf '\033]52;c;Y29udHJvbA==\a'; echo controls-$((40+2))`)
	p.waitText("controls-42")
	if got := p.title(); got != "control-title" {
		t.Fatalf("control: OSC 2 from the pane did not set the title (got %q); the title check would prove nothing", got)
	}
	if p.buffers() == "" {
		t.Fatal("control: OSC 52 from the pane made no paste buffer; the clipboard check would prove nothing")
	}
	p.tmux("delete-buffer")
	p.tmux("select-pane", "-t", "e2e", "-T", "e2e-title")
	p.run("clear")
}

// checkTmux fails if a payload took effect on tmux itself.
func checkTmux(t *testing.T, p *pane) {
	t.Helper()
	if title := p.title(); strings.Contains(title, "PWNED") {
		t.Fatalf("a log line set the pane title: %q", title)
	}
	if b := p.buffers(); b != "" {
		t.Fatalf("a log line wrote tmux's clipboard (OSC 52): %s", b)
	}
	// mode-attack asks for mouse reporting; only sandtail's own --mouse may.
	if m := p.format("mouse_any_flag"); m != "0" {
		t.Fatalf("a log line turned on mouse reporting (mouse_any_flag=%s)", m)
	}
}

// checkShown fails unless the fixture is on screen as inert text.
func checkShown(t *testing.T, screen string) {
	t.Helper()
	// Escapes are shown, not obeyed: a visible ESC stands in for each.
	if !strings.Contains(screen, "␛") {
		t.Fatalf("no visible escape on screen:\n%s", screen)
	}
	for _, attack := range []string{"bidi-attack", "c1-attack", "overstrike-attack"} {
		if !strings.Contains(screen, attack) {
			t.Fatalf("%s line missing:\n%s", attack, screen)
		}
	}
	if strings.ContainsAny(screen, "\u202e\u2066\u2069\u009b") {
		t.Fatalf("a bidi override or C1 control reached the screen:\n%q", screen)
	}
	if regexp.MustCompile(`evil\.example`).MatchString(screen) && !strings.Contains(screen, "]8;") {
		t.Fatalf("an OSC 8 link target shows as if it were text:\n%s", screen)
	}
}

// TestHostileOutputUI shows the fixture in the viewer (--dir) and checks
// that nothing reached tmux and the frame held.
func TestHostileOutputUI(t *testing.T) {
	t.Parallel()
	p := newPane(t, 160, 30)
	controls(t, p)
	writeHostile(t, p.home, "hostile")
	dir := filepath.Join(p.home, "sandboxes", "hostile", "logs")
	p.run(fmt.Sprintf("%s --dir %s", resumecmd.Quote(binary), resumecmd.Quote(dir)))
	screen := p.waitText("HOSTILE-END", "before-clear marker", "title-attack")
	checkTmux(t, p)
	checkShown(t, screen)
	// mode-attack also asks to leave the alternate screen.
	if got := p.format("alternate_on"); got != "1" {
		t.Fatalf("a log line switched off the alternate screen (alternate_on=%s)", got)
	}
	rows := p.screen()
	if !strings.Contains(rows[0], "LIVE") {
		t.Fatalf("the header is not on the first row any more:\n%s", screen)
	}
	// Shown escapes are measured like any text: a 40×10 pane keeps its frame.
	p.resize(40, 10)
	p.waitFrame(40, 10, regexp.MustCompile(`^ /`), regexp.MustCompile(`\S`))
	p.text("q")
	p.waitFor("the shell after quitting", func(s string) bool { return !strings.Contains(s, "HOSTILE-END") })
	checkTmux(t, p)
}

// TestHostileOutputPrint prints the fixture straight to the tmux terminal
// (--print) with the same checks: print mode on a terminal is sanitised too.
func TestHostileOutputPrint(t *testing.T) {
	t.Parallel()
	p := newPane(t, 160, 30)
	controls(t, p)
	writeHostile(t, p.home, "hostile")
	p.run(fmt.Sprintf("%s --print --home %s hostile; echo print-exit=$?", resumecmd.Quote(binary), resumecmd.Quote(p.home)))
	screen := p.waitText("print-exit=0")
	for _, want := range []string{"before-clear marker", "title-attack", "HOSTILE-END"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("%q missing: the screen was cleared or moved over:\n%s", want, screen)
		}
	}
	checkTmux(t, p)
	checkShown(t, screen)
}
