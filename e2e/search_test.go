package e2e

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sandtail/resumecmd"
)

// openLog starts sandtail in a w×h pane over a sandbox holding n stdout
// lines "line-i", those in at marked "status=500", and waits for the
// newest line.
func openLog(t *testing.T, w, h, n int, at ...int) (*pane, func(format string, args ...any)) {
	t.Helper()
	p := newPane(t, w, h)
	sb := newSandbox(t, p.home, "logs")
	hit := map[int]bool{}
	for _, i := range at {
		hit[i] = true
	}
	for i := 0; i < n; i++ {
		if hit[i] {
			write(t, sb, "stdout", 1, "line-%d status=500\n", i)
		} else {
			write(t, sb, "stdout", 1, "line-%d\n", i)
		}
	}
	// Colour is left to the test's own toggles, whatever NO_COLOR says here.
	p.run(fmt.Sprintf("unset NO_COLOR; %s --home %s logs", resumecmd.Quote(binary), resumecmd.Quote(p.home)))
	p.waitText(fmt.Sprintf("line-%d", n-1), "LIVE")
	return p, func(format string, args ...any) { write(t, sb, "stdout", 1, format, args...) }
}

// selectedRow is the row the selection marker ▌ is on, or "".
func selectedRow(screen string) string {
	for _, r := range strings.Split(screen, "\n") {
		if strings.HasPrefix(r, "▌") {
			return r
		}
	}
	return ""
}

// waitSelected waits until the selected row holds text and the header
// matches count.
func (p *pane) waitSelected(text, count string) string {
	p.t.Helper()
	return p.waitFor(fmt.Sprintf("%q selected and %q in the header", text, count), func(s string) bool {
		header := strings.SplitN(s, "\n", 2)[0]
		return strings.Contains(selectedRow(s), text) && strings.Contains(header, count)
	})
}

// TestSearchFromTheTailLandsOnTheNearestMatchAbove types a search at the
// live tail, with a match arriving mid-query: the search lands on the
// newest match that was there when / was pressed, n goes up and N down.
func TestSearchFromTheTailLandsOnTheNearestMatchAbove(t *testing.T) {
	t.Parallel()
	p, add := openLog(t, 100, 30, 200, 10, 100, 190)
	p.text("/status=5")
	p.waitSelected("line-190 status=500", "3/3")
	add("line-200 status=500 arrived while typing\n")
	p.waitText("/status=5 3/4")
	p.text("00")
	p.keys("Enter")
	p.waitSelected("line-190 status=500", "/status=500 3/4")
	p.text("n")
	p.waitSelected("line-100 status=500", "2/4")
	p.text("N")
	p.waitSelected("line-190 status=500", "3/4")
	p.text("N")
	p.waitSelected("arrived while typing", "4/4")
	p.text("q")
	p.waitText(strings.TrimSpace(prompt))
}

// TestSearchBoxEditsLikeAPrompt edits in the box with the arrow keys,
// reopens it (the old query selected, replaced by typing), recalls the
// earlier query with ↑, and pastes a 3 KB text through tmux's bracketed
// paste.
func TestSearchBoxEditsLikeAPrompt(t *testing.T) {
	t.Parallel()
	p, _ := openLog(t, 100, 30, 50, 20, 40)
	p.text("/satus=500")
	p.keys("Home", "Right")
	p.text("t")
	p.waitText("/status=500")
	// The terminal's cursor is in the box, after "/st".
	row := strconv.Itoa(29)
	p.waitFor("the cursor after /st", func(string) bool {
		return p.format("cursor_y") == row && p.format("cursor_x") == strconv.Itoa(len(" /st"))
	})
	p.keys("Enter")
	p.waitSelected("line-40 status=500", "2/2")

	// Reopened, the query is selected: typing replaces it.
	p.text("/")
	p.waitText("/status=500")
	p.text("line-2")
	p.waitText("/line-2 ")
	p.waitSelected("line-29", "")
	p.keys("Enter")
	// ↑ recalls the query before.
	p.text("/")
	p.keys("Up")
	p.waitText("/status=500 ")
	p.keys("Escape")
	p.waitFor("the box to close", func(s string) bool { return !strings.Contains(s, "ctrl+r regex") })

	// A 3000-byte paste arrives whole.
	p.text("/")
	p.waitText("ctrl+r regex")
	paste := strings.Repeat("pasted-", 428) + "tail"
	p.tmux("set-buffer", "-b", "big", paste)
	p.tmux("paste-buffer", "-p", "-b", "big", "-t", "e2e")
	s := p.waitText("/…", "pasted-tail")
	if strings.Contains(s, "cut to") {
		t.Fatalf("a 3000-byte paste was cut:\n%s", s)
	}
	p.keys("Escape")
	p.waitFor("the box to close", func(s string) bool { return !strings.Contains(s, "ctrl+r regex") })
	p.text("q")
	p.waitText(strings.TrimSpace(prompt))
}

// TestFilterBoxShowsItsModes shows the filter box's mode keys and the
// exclude label, and a leading ! as text.
func TestFilterBoxShowsItsModes(t *testing.T) {
	t.Parallel()
	p, add := openLog(t, 100, 30, 20)
	add("!important line\n")
	p.waitText("!important line")
	p.text("&")
	p.waitText("filter:", "ctrl+r regex ✗", "ctrl+x exclude ✗")
	p.text("!important")
	p.waitFor("only the !important line", func(s string) bool {
		return strings.Contains(s, "!important line") && !strings.Contains(s, "line-19")
	})
	p.keys("C-x")
	p.waitText("exclude:!important", "ctrl+x exclude ✓")
	p.waitFor("the !important line hidden", func(s string) bool {
		return !strings.Contains(s, "!important line") && strings.Contains(s, "line-19")
	})
	p.keys("C-r")
	p.waitText("ctrl+r regex ✓")
	p.keys("Enter")
	p.waitMatch(`exclude:re:!important`)
	p.text("q")
	p.waitText(strings.TrimSpace(prompt))
}

// TestModesAreShown turns on each display mode and checks the footer says
// so, and that a row cut at the right edge ends in a marker.
func TestModesAreShown(t *testing.T) {
	t.Parallel()
	p, add := openLog(t, 80, 20, 10)
	add("long-%s-END\n", strings.Repeat("x", 200))
	p.waitText("-END")
	p.text("w")
	s := p.waitText("wrap off")
	if r := rowWith(strings.Split(s, "\n"), regexp.MustCompile(`long-x`)); r < 0 || !strings.HasSuffix(strings.TrimRight(strings.Split(s, "\n")[r], " "), "›") {
		t.Fatalf("the cut row does not end in ›:\n%s", s)
	}
	p.text("l")
	p.waitText("wrap off, from column 21")
	p.text("r")
	p.waitText("raw view")
	p.text("c")
	p.waitText("colour off")
	p.text("wrc")
	p.waitFor("the modes gone", func(s string) bool {
		return !strings.Contains(s, "wrap off") && !strings.Contains(s, "raw view") && !strings.Contains(s, "colour off")
	})
	// Paused, the count of new lines leaves out what the sources hide.
	p.text("k")
	p.waitText("PAUSED")
	add("visible-new\n")
	p.waitText("↓1 new")
	p.text("1")
	p.waitFor("no new line counted with stdout hidden", func(s string) bool {
		return !strings.Contains(s, "new") && strings.Contains(s, "stdout ✗")
	})
	p.text("q")
	p.waitText(strings.TrimSpace(prompt))
}

// TestCopyOfALongLineWholeReachesTmux copies a 2 MiB line: y takes the
// kept 16 KiB, y again the first 750 KiB read from the log, which tmux
// (set-clipboard on) stores as a paste buffer of exactly that size.
func TestCopyOfALongLineWholeReachesTmux(t *testing.T) {
	t.Parallel()
	p, add := openLog(t, 100, 20, 3)
	add("start-%s\n", strings.Repeat("0123456789", 2<<20/10))
	add("after\n")
	p.waitText("after", "stdout ✓ 5")
	p.text("ky")
	p.waitText("copied the first 16 KiB of this 2 MiB line")
	p.waitFor("a 16384-byte paste buffer", func(string) bool {
		return strings.Contains(p.buffers(), ": 16384 bytes")
	})
	p.text("y")
	p.waitText("copied the first 750 KiB of this 2 MiB line")
	p.waitFor("a 768000-byte paste buffer", func(string) bool {
		return strings.Contains(p.buffers(), ": 768000 bytes")
	})
	p.text("q")
	p.waitText(strings.TrimSpace(prompt))
}
