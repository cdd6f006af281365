package dialog

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"sandtail/keymap"
	"sandtail/tui/keytest"
)

func newHelp() *Help { return NewHelp(keymap.Default(), keymap.DefaultHelpOverlay(), noColor()) }

func TestHelpGolden(t *testing.T) {
	var o Overlay
	o.Open(newHelp())
	screen := o.Render(background(100, 30), 100, 30)
	checkScreen(t, screen, 100, 30)
	golden.RequireEqual(t, ansi.Strip(screen))
}

func TestHelpGoldenNarrow(t *testing.T) {
	var o Overlay
	o.Open(newHelp())
	screen := o.Render(background(40, 10), 40, 10)
	checkScreen(t, screen, 40, 10)
	golden.RequireEqual(t, ansi.Strip(screen))
}

func TestHelpListsEveryKeyWhenWide(t *testing.T) {
	h := newHelp()
	plain := ansi.Strip(h.Render(200, 60))
	for _, group := range keymap.Default().FullHelp() {
		for _, b := range group {
			if !strings.Contains(plain, b.Help().Desc) {
				t.Fatalf("%q missing from help:\n%s", b.Help().Desc, plain)
			}
		}
	}
}

func TestHelpScrollsToEveryKeyWhenSmall(t *testing.T) {
	h := newHelp()
	seen := map[string]bool{}
	// Enough presses to scroll through every column stacked one above
	// the other.
	for range 120 {
		for _, l := range strings.Split(ansi.Strip(h.Render(40, 10)), "\n") {
			seen[strings.TrimSpace(strings.Trim(l, "│"))] = true
		}
		h.HandleMsg(keytest.Press("j"))
	}
	all := strings.Join(keysOf(seen), "\n")
	for _, group := range keymap.Default().FullHelp() {
		for _, b := range group {
			if !strings.Contains(all, b.Help().Desc) {
				t.Fatalf("%q never shown while scrolling:\n%s", b.Help().Desc, all)
			}
		}
	}
	// Scrolling stops at the end: one press up moves the view at once.
	before := h.Render(40, 10)
	h.HandleMsg(keytest.Press("k"))
	if h.Render(40, 10) == before {
		t.Fatal("scrolling ran past the end of the list")
	}
}

func TestHelpKeys(t *testing.T) {
	for _, k := range []string{"esc", "?", "q"} {
		if act := newHelp().HandleMsg(keytest.Press(k)); act != (ActionClose{}) {
			t.Fatalf("%s: %#v", k, act)
		}
	}
	if act := newHelp().HandleMsg(keytest.Press("ctrl+c")); act != (ActionQuit{}) {
		t.Fatalf("ctrl+c: %#v", act)
	}
	if act := newHelp().HandleMsg(keytest.Press("enter")); act != nil {
		t.Fatalf("enter: %#v", act)
	}
}

func TestHelpFitsEverySize(t *testing.T) {
	h := newHelp()
	for w := 10; w <= 300; w += 9 {
		for hh := 3; hh <= 80; hh += 7 {
			box := h.Render(w, hh)
			rows := strings.Split(box, "\n")
			if len(rows) > hh {
				t.Fatalf("%d×%d: %d rows", w, hh, len(rows))
			}
			for _, r := range rows {
				if ansi.StringWidth(r) > w {
					t.Fatalf("%d×%d: row %q too wide", w, hh, r)
				}
			}
		}
	}
}

func keysOf(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
