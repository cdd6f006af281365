package dialog

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/keymap"
	"sandtail/tui/keytest"
)

func newSandboxList(shown *Shown, names ...string) *Sandboxes {
	return NewSandboxes(names, shown, keymap.DefaultSandboxList(), noColor(), func(string) lipgloss.Style { return lipgloss.NewStyle() })
}

func hidden(s *Shown, n int) string {
	var b strings.Builder
	for i := range n {
		if s.IsHidden(uint16(i)) {
			b.WriteByte('-')
		} else {
			b.WriteByte('x')
		}
	}
	return b.String()
}

// Space toggles the highlighted sandbox, s shows it alone and again all,
// a shows all; each change bumps the version the viewer watches.
func TestSandboxListTogglesSolosAndShowsAll(t *testing.T) {
	var shown Shown
	d := newSandboxList(&shown, "api", "db", "worker")
	steps := []struct {
		key, want string
	}{
		{"space", "-xx"},
		{"down", "-xx"},
		{"s", "-x-"},
		{"s", "xxx"},
		{"down", "xxx"},
		{"space", "xx-"},
		{"a", "xxx"},
	}
	v := shown.Version
	for _, st := range steps {
		if a := d.HandleMsg(keytest.Press(st.key)); a != nil {
			t.Fatalf("%s closed the list: %T", st.key, a)
		}
		if got := hidden(&shown, 3); got != st.want {
			t.Fatalf("after %s: %s, want %s", st.key, got, st.want)
		}
	}
	if shown.Version == v {
		t.Fatal("the version did not change")
	}
	out := ansi.Strip(d.Render(60, 12))
	for _, want := range []string{"Sandboxes: 3 of 3 shown", "[x] api", "›[x] worker"} {
		if !strings.Contains(out, want) {
			t.Fatalf("no %q in\n%s", want, out)
		}
	}
	if _, ok := d.HandleMsg(keytest.Press("esc")).(ActionClose); !ok {
		t.Fatal("esc does not close")
	}
	if _, ok := d.HandleMsg(keytest.Press("q")).(ActionQuit); !ok {
		t.Fatal("q does not quit")
	}
}
