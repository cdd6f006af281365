package picker

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"sandtail/engine"
	"sandtail/keymap"
	"sandtail/theme"
	"sandtail/tui/keytest"
)

var testNow = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

func typeText(p *Picker, s string) Action {
	var act Action
	for _, r := range s {
		act = p.HandleMsg(keytest.Press(string(r)))
	}
	return act
}

func sandboxes() []engine.Sandbox {
	return []engine.Sandbox{
		{Name: "api-server", LogDir: "/h/sandboxes/api-server/logs", LastWrite: testNow.Add(-3 * time.Minute), Size: 12_700_000},
		{Name: "devbox", LogDir: "/h/sandboxes/devbox/logs", LastWrite: testNow.Add(-42 * time.Second), Size: 51_200},
		{Name: "failed-boot", LogDir: "/h/sandboxes/failed-boot/logs", LastWrite: testNow.Add(-26 * time.Hour), Size: 812, BootError: true},
		{Name: "web-1", LogDir: "/h/sandboxes/web-1/logs", LastWrite: testNow.Add(-5 * time.Hour), Size: 3 << 30},
		{Name: "web-2", LogDir: "/h/sandboxes/web-2/logs", LastWrite: testNow.Add(-40 * 24 * time.Hour), Size: 0},
	}
}

func newPicker(list []engine.Sandbox, err error) *Picker {
	p := New("/home/u/.microsandbox", keymap.DefaultPicker(), theme.NewPicker(theme.MonoPalette()))
	p.SetClock(func() time.Time { return testNow })
	p.SetSandboxes(list, err)
	return p
}

// checkScreen fails when s is not exactly h rows of at most w cells.
func checkScreen(t *testing.T, s string, w, h int) {
	t.Helper()
	rows := strings.Split(s, "\n")
	if len(rows) != h {
		t.Fatalf("screen has %d rows, want %d:\n%s", len(rows), h, s)
	}
	for i, r := range rows {
		if got := ansi.StringWidth(r); got > w {
			t.Fatalf("row %d is %d cells wide, screen is %d: %q", i, got, w, r)
		}
	}
}

func TestPickerGolden(t *testing.T) {
	p := newPicker(sandboxes(), nil)
	p.HandleMsg(keytest.Press("down"))
	s := p.Render(80, 12)
	checkScreen(t, s, 80, 12)
	golden.RequireEqual(t, ansi.Strip(s))
}

func TestPickerGoldenNarrow(t *testing.T) {
	p := newPicker(sandboxes(), nil)
	s := p.Render(40, 10)
	checkScreen(t, s, 40, 10)
	golden.RequireEqual(t, ansi.Strip(s))
}

func TestPickerGoldenFiltered(t *testing.T) {
	p := newPicker(sandboxes(), nil)
	typeText(p, "WEB")
	s := p.Render(80, 8)
	checkScreen(t, s, 80, 8)
	golden.RequireEqual(t, ansi.Strip(s))
}

func TestPickerGoldenEmpty(t *testing.T) {
	p := newPicker(nil, nil)
	s := p.Render(60, 12)
	checkScreen(t, s, 60, 12)
	golden.RequireEqual(t, ansi.Strip(s))
}

func TestPickerEmptyExplains(t *testing.T) {
	for _, w := range []int{40, 80, 200} {
		plain := ansi.Strip(newPicker(nil, nil).Render(w, 20))
		flat := strings.Join(strings.Fields(plain), " ")
		for _, want := range []string{"/home/u/.microsandbox/sandboxes", "MSB_HOME", "sandtail --demo"} {
			if !strings.Contains(flat, want) {
				t.Fatalf("width %d: %q missing:\n%s", w, want, plain)
			}
		}
	}
}

func TestPickerListErrorShown(t *testing.T) {
	p := newPicker(nil, fmt.Errorf("list sandboxes in /h: %w", os.ErrPermission))
	plain := ansi.Strip(p.Render(100, 12))
	if !strings.Contains(plain, "permission denied") || !strings.Contains(plain, "sandtail --demo") {
		t.Fatalf("error not explained:\n%s", plain)
	}
	// A missing home is just "no sandboxes", not an error.
	p = newPicker(nil, fmt.Errorf("open: %w", os.ErrNotExist))
	if plain := ansi.Strip(p.Render(100, 12)); !strings.Contains(plain, "No sandboxes found") {
		t.Fatalf("missing home shown as:\n%s", plain)
	}
}

func TestPickerLoading(t *testing.T) {
	p := New("/h", keymap.DefaultPicker(), theme.NewPicker(theme.MonoPalette()))
	if plain := ansi.Strip(p.Render(60, 8)); !strings.Contains(plain, "Looking for sandboxes") {
		t.Fatalf("before loading:\n%s", plain)
	}
	if act := p.HandleMsg(keytest.Press("enter")); act != nil {
		t.Fatalf("enter before loading: %#v", act)
	}
}

func TestPickerOpen(t *testing.T) {
	tests := []struct {
		keys []string
		want string
	}{
		{[]string{"enter"}, "api-server"},
		{[]string{"down", "enter"}, "devbox"},
		{[]string{"ctrl+n", "ctrl+n", "ctrl+p", "enter"}, "devbox"},
		{[]string{"end", "enter"}, "web-2"},
		{[]string{"end", "home", "enter"}, "api-server"},
		{[]string{"up", "enter"}, "api-server"},
		{[]string{"end", "down", "enter"}, "web-2"},
		{[]string{"pgdown", "enter"}, "web-2"},
		{[]string{"pgdown", "pgup", "enter"}, "api-server"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.keys, ","), func(t *testing.T) {
			p := newPicker(sandboxes(), nil)
			var act Action
			for _, k := range tt.keys {
				act = p.HandleMsg(keytest.Press(k))
			}
			open, ok := act.(ActionOpen)
			if !ok || open.Sandbox.Name != tt.want {
				t.Fatalf("got %#v, want open %s", act, tt.want)
			}
		})
	}
}

func TestPickerFilterAsYouType(t *testing.T) {
	p := newPicker(sandboxes(), nil)
	typeText(p, "web")
	if p.Filter() != "web" {
		t.Fatalf("filter %q", p.Filter())
	}
	plain := ansi.Strip(p.Render(80, 12))
	if strings.Contains(plain, "devbox") || !strings.Contains(plain, "web-1") || !strings.Contains(plain, "2/5") {
		t.Fatalf("filter not applied:\n%s", plain)
	}
	typeText(p, "-2")
	if act := p.HandleMsg(keytest.Press("enter")); act.(ActionOpen).Sandbox.Name != "web-2" {
		t.Fatalf("enter after filtering: %#v", act)
	}
	p.HandleMsg(keytest.Press("backspace"))
	p.HandleMsg(keytest.Press("backspace"))
	if p.Filter() != "web" {
		t.Fatalf("after backspaces: %q", p.Filter())
	}
	// The highlighted sandbox stays highlighted while it still matches.
	p.HandleMsg(keytest.Press("down"))
	p.HandleMsg(keytest.Press("backspace"))
	if sb, _ := p.Selected(); sb.Name != "web-2" {
		t.Fatalf("selection lost on widening: %s", sb.Name)
	}
	p.HandleMsg(keytest.Press("ctrl+u"))
	if p.Filter() != "" || !strings.Contains(ansi.Strip(p.Render(80, 12)), "devbox") {
		t.Fatal("ctrl+u did not clear the filter")
	}
}

func TestPickerNoMatch(t *testing.T) {
	p := newPicker(sandboxes(), nil)
	typeText(p, "zzz")
	if act := p.HandleMsg(keytest.Press("enter")); act != nil {
		t.Fatalf("enter with no match: %#v", act)
	}
	if plain := ansi.Strip(p.Render(80, 10)); !strings.Contains(plain, `No sandbox matches "zzz"`) {
		t.Fatalf("no-match message missing:\n%s", plain)
	}
}

func TestPickerQuitKeys(t *testing.T) {
	if act := newPicker(sandboxes(), nil).HandleMsg(keytest.Press("q")); act != (ActionQuit{}) {
		t.Fatalf("q: %#v", act)
	}
	if act := newPicker(sandboxes(), nil).HandleMsg(keytest.Press("esc")); act != (ActionQuit{}) {
		t.Fatalf("esc: %#v", act)
	}
	if act := newPicker(nil, nil).HandleMsg(keytest.Press("q")); act != (ActionQuit{}) {
		t.Fatalf("q on the empty picker: %#v", act)
	}
	// With a filter typed, q is a letter and esc clears the filter first.
	p := newPicker(sandboxes(), nil)
	typeText(p, "a")
	if act := p.HandleMsg(keytest.Press("q")); act != nil || p.Filter() != "aq" {
		t.Fatalf("q while filtering: %#v, filter %q", act, p.Filter())
	}
	if act := p.HandleMsg(keytest.Press("esc")); act != nil || p.Filter() != "" {
		t.Fatalf("esc while filtering: %#v, filter %q", act, p.Filter())
	}
	if act := p.HandleMsg(keytest.Press("esc")); act != (ActionQuit{}) {
		t.Fatalf("second esc: %#v", act)
	}
	p = newPicker(sandboxes(), nil)
	typeText(p, "dev")
	if act := p.HandleMsg(keytest.Press("ctrl+c")); act != (ActionQuit{}) {
		t.Fatalf("ctrl+c while filtering: %#v", act)
	}
}

func TestPickerIgnoresControlText(t *testing.T) {
	p := newPicker(sandboxes(), nil)
	p.HandleMsg(tea.KeyPressMsg{Code: 'x', Text: "x", Mod: tea.ModAlt})
	p.HandleMsg(tea.KeyPressMsg{Code: 0x1b, Text: "\x1b[2J"})
	if p.Filter() != "" {
		t.Fatalf("filter took %q", p.Filter())
	}
}

func TestPickerScrollsToSelection(t *testing.T) {
	var list []engine.Sandbox
	for i := range 50 {
		list = append(list, engine.Sandbox{Name: fmt.Sprintf("box-%02d", i), LastWrite: testNow})
	}
	p := newPicker(list, nil)
	p.HandleMsg(tea.WindowSizeMsg{Width: 60, Height: 10})
	for range 20 {
		p.HandleMsg(keytest.Press("down"))
	}
	plain := ansi.Strip(p.Render(60, 10))
	if !strings.Contains(plain, "▸ box-20") || strings.Contains(plain, "box-00") {
		t.Fatalf("selection not in view:\n%s", plain)
	}
	p.HandleMsg(keytest.Press("pgdown"))
	if sb, _ := p.Selected(); sb.Name != "box-26" {
		t.Fatalf("page down went to %s, want box-26 (6 rows per page)", sb.Name)
	}
	checkScreen(t, p.Render(60, 10), 60, 10)
}

func TestPickerLoadedMsg(t *testing.T) {
	p := New("/h", keymap.DefaultPicker(), theme.NewPicker(theme.MonoPalette()))
	if act := p.HandleMsg(LoadedMsg{Home: "/other", Sandboxes: sandboxes()[:1]}); act != nil {
		t.Fatalf("message for another home acted on: %#v", act)
	}
	// Exactly one sandbox: nothing to choose, open it at once.
	act := p.HandleMsg(LoadedMsg{Home: "/h", Sandboxes: sandboxes()[1:2]})
	if open, ok := act.(ActionOpen); !ok || open.Sandbox.Name != "devbox" {
		t.Fatalf("single sandbox: %#v", act)
	}
	p = New("/h", keymap.DefaultPicker(), theme.NewPicker(theme.MonoPalette()))
	if act := p.HandleMsg(LoadedMsg{Home: "/h", Sandboxes: sandboxes()}); act != nil {
		t.Fatalf("several sandboxes: %#v", act)
	}
}

func TestLoadReadsTheHome(t *testing.T) {
	home := t.TempDir()
	for _, name := range []string{"beta", "alpha"} {
		dir := filepath.Join(home, "sandboxes", name, "logs")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(`{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"hi\n","id":1}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	msg, ok := Load(home)().(LoadedMsg)
	if !ok || msg.Err != nil || msg.Home != home {
		t.Fatalf("Load: %#v", msg)
	}
	if len(msg.Sandboxes) != 2 || msg.Sandboxes[0].Name != "alpha" || msg.Sandboxes[1].Size == 0 {
		t.Fatalf("Load found %+v", msg.Sandboxes)
	}
	empty, _ := Load(filepath.Join(home, "nope"))().(LoadedMsg)
	if len(empty.Sandboxes) != 0 {
		t.Fatalf("missing home: %+v", empty)
	}
}

func TestPickerSanitisesNames(t *testing.T) {
	bad := []engine.Sandbox{{Name: "x\x1b]0;pwned\x07\x1b[2J\u202e", LastWrite: testNow}}
	p := newPicker(append(bad, sandboxes()...), nil)
	p.home = "/h\x1b]52;c;aGk=\x07"
	for _, s := range []string{p.Render(80, 10), p.Render(40, 10)} {
		// Only the theme's own SGR may be escapes; the rest show as text.
		if strings.ContainsAny(ansi.Strip(s), "\x1b\x07\u202e") || strings.Contains(s, "\x1b]") || !strings.Contains(s, "␛") {
			t.Fatalf("escape reached the screen: %q", s)
		}
	}
}

func TestPickerFitsEverySize(t *testing.T) {
	for _, list := range [][]engine.Sandbox{nil, sandboxes()} {
		for _, err := range []error{nil, errors.New("boom: a very long error message that must wrap somewhere sensible")} {
			for _, pal := range []theme.Palette{theme.MonoPalette(), theme.DarkPalette()} {
				p := New("/home/u/.microsandbox", keymap.DefaultPicker(), theme.NewPicker(pal))
				p.SetClock(func() time.Time { return testNow })
				p.SetSandboxes(list, err)
				for _, w := range []int{1, 2, 10, 20, 39, 40, 41, 59, 60, 61, 100, 300} {
					for _, h := range []int{1, 2, 3, 4, 5, 6, 9, 10, 11, 30, 80} {
						checkScreen(t, p.Render(w, h), w, h)
					}
				}
			}
		}
	}
}

func TestAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0: "just now", -time.Hour: "just now", 42 * time.Second: "42s ago", 3 * time.Minute: "3m ago",
		5 * time.Hour: "5h ago", 47 * time.Hour: "47h ago", 72 * time.Hour: "3d ago",
		400 * 24 * time.Hour: "1y ago",
	} {
		if got := ago(testNow, testNow.Add(-d)); got != want {
			t.Errorf("ago(%v) = %q, want %q", d, got, want)
		}
	}
	if got := ago(testNow, time.Time{}); got != "never" {
		t.Errorf("zero time: %q", got)
	}
}
