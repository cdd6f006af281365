package dialog

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"sandtail/engine"
	"sandtail/keymap"
	"sandtail/theme"
	"sandtail/tui/keytest"
)

// noColor is the NoColor theme's dialog styles: no colour tokens at all.
func noColor() theme.Dialog { return theme.NewDialog(theme.MonoPalette()) }

func testErr() *engine.MissedRotationError {
	return &engine.MissedRotationError{
		File:   "exec.log",
		Offset: 10 << 20,
		Lost:   engine.Loss{Files: 3, Bytes: 3 * 65_000},
		Last:   engine.NewCursor(engine.Position{Inode: 42, Offset: 1234}),
	}
}

func newRotation() *Rotation {
	return NewRotation(testErr(), keymap.DefaultRotation(), noColor())
}

// background is a full screen of log-like rows for the dialog to cover.
func background(w, h int) string {
	rows := make([]string, h)
	for i := range rows {
		rows[i] = ansi.Truncate(strings.Repeat("10:00:01.204  out  [3] listening on :8080 ", 8), w, "")
	}
	return strings.Join(rows, "\n")
}

// checkScreen fails when s is not exactly h rows of at most w cells.
func checkScreen(t *testing.T, s string, w, h int) {
	t.Helper()
	rows := strings.Split(s, "\n")
	if len(rows) != h {
		t.Fatalf("screen has %d rows, want %d", len(rows), h)
	}
	for i, r := range rows {
		if got := ansi.StringWidth(r); got > w {
			t.Fatalf("row %d is %d cells wide, screen is %d: %q", i, got, w, r)
		}
	}
}

func TestRotationMessage(t *testing.T) {
	got := newRotation().Message()
	want := "sandtail fell behind log rotation: exec.log rotated past its last kept file (exec.log.4) before it could be read; lost at least 190 KiB (3 files rotated away unread)."
	if got != want {
		t.Fatalf("message:\n got %q\nwant %q", got, want)
	}
	unknown := NewRotation(&engine.MissedRotationError{File: "runtime.log"}, keymap.DefaultRotation(), noColor())
	if !strings.Contains(unknown.Message(), "how much was lost is not known") ||
		!strings.Contains(unknown.Message(), "runtime.log.4") {
		t.Fatalf("unknown-loss message: %q", unknown.Message())
	}
	nameless := NewRotation(&engine.MissedRotationError{Lost: engine.Loss{Files: 1, Bytes: 5 << 20}}, keymap.DefaultRotation(), noColor())
	if got := nameless.Message(); strings.Contains(got, ".4") || !strings.Contains(got, "a log file") || !strings.Contains(got, "lost at least 5 MiB (1 file rotated away unread)") {
		t.Fatalf("message without a file name: %q", got)
	}
}

func TestRotationSanitisesFileName(t *testing.T) {
	err := &engine.MissedRotationError{File: "exec.log\x1b]52;c;aGk=\x07\x1b[2J"}
	r := NewRotation(err, keymap.DefaultRotation(), noColor())
	for _, s := range []string{r.Message(), r.Render(100, 30), r.Render(40, 10)} {
		// Only the theme's own SGR may be escapes; the name's show as text.
		if strings.ContainsAny(ansi.Strip(s), "\x1b\x07") || strings.Contains(s, "\x1b]") || !strings.Contains(s, "␛") {
			t.Fatalf("escape reached the screen: %q", s)
		}
	}
}

func TestRotationKeys(t *testing.T) {
	last := testErr().Last
	tests := []struct {
		name string
		keys []string
		want Action
	}{
		{"enter resumes by default", []string{"enter"}, ActionRestart{ChoiceResume, engine.ResumeLenient(last)}},
		{"space chooses too", []string{"space"}, ActionRestart{ChoiceResume, engine.ResumeLenient(last)}},
		{"down then enter reloads", []string{"down", "enter"}, ActionRestart{ChoiceReload, engine.FromBeginning()}},
		{"j j enter jumps to now", []string{"j", "j", "enter"}, ActionRestart{ChoiceNow, engine.FromEnd()}},
		{"tab x3 enter closes", []string{"tab", "tab", "tab", "enter"}, ActionClose{}},
		{"up wraps to close", []string{"up", "enter"}, ActionClose{}},
		{"k wraps to close", []string{"k", "enter"}, ActionClose{}},
		{"shift+tab wraps to close", []string{"shift+tab", "enter"}, ActionClose{}},
		{"down up returns to resume", []string{"down", "up", "enter"}, ActionRestart{ChoiceResume, engine.ResumeLenient(last)}},
		{"r", []string{"r"}, ActionRestart{ChoiceResume, engine.ResumeLenient(last)}},
		{"b", []string{"b"}, ActionRestart{ChoiceReload, engine.FromBeginning()}},
		{"n", []string{"n"}, ActionRestart{ChoiceNow, engine.FromEnd()}},
		{"c", []string{"c"}, ActionClose{}},
		{"esc", []string{"esc"}, ActionClose{}},
		{"esc after moving", []string{"down", "esc"}, ActionClose{}},
		{"q quits", []string{"q"}, ActionQuit{}},
		{"ctrl+c quits", []string{"ctrl+c"}, ActionQuit{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRotation()
			var got Action
			for i, k := range tt.keys {
				got = r.HandleMsg(keytest.Press(k))
				if i < len(tt.keys)-1 && got != nil {
					t.Fatalf("key %q returned %#v before the last key", k, got)
				}
			}
			if got != tt.want {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

func TestRotationIgnoresOtherMessages(t *testing.T) {
	r := newRotation()
	for _, msg := range []tea.Msg{tea.WindowSizeMsg{Width: 10, Height: 5}, keytest.Press("x"), keytest.Press("1"), nil} {
		if act := r.HandleMsg(msg); act != nil {
			t.Fatalf("%#v gave action %#v", msg, act)
		}
	}
	if r.Selected() != 0 {
		t.Fatalf("selection moved to %d", r.Selected())
	}
}

func TestRotationFitsEverySize(t *testing.T) {
	for _, styles := range []theme.Dialog{noColor(), theme.NewDialog(theme.DarkPalette())} {
		testRotationFits(t, NewRotation(testErr(), keymap.DefaultRotation(), styles))
	}
}

func testRotationFits(t *testing.T, r *Rotation) {
	t.Helper()
	// The edges of each layout, and the sizes the issue names.
	for _, w := range []int{20, 27, 35, 39, 40, 41, 44, 45, 60, 68, 69, 100, 200, 300} {
		for _, h := range []int{6, 7, 8, 9, 10, 11, 13, 14, 15, 30, 80} {
			box := r.Render(w, h)
			bw, bh := 0, len(strings.Split(box, "\n"))
			for _, row := range strings.Split(box, "\n") {
				bw = max(bw, ansi.StringWidth(row))
			}
			if bw > w || bh > h {
				t.Fatalf("%d×%d: box is %d×%d", w, h, bw, bh)
			}
			plain := ansi.Strip(box)
			if w >= 40 && h >= 10 {
				for _, want := range []string{"Resume", "Reload", "Jump to now", "Close"} {
					if !strings.Contains(plain, want) {
						t.Fatalf("%d×%d: %q missing:\n%s", w, h, want, plain)
					}
				}
				if !strings.Contains(plain, "lost") {
					t.Fatalf("%d×%d: the loss is not explained:\n%s", w, h, plain)
				}
			}
		}
	}
}

func TestRotationGolden(t *testing.T) {
	var o Overlay
	o.Open(newRotation())
	screen := o.Render(background(100, 30), 100, 30)
	checkScreen(t, screen, 100, 30)
	golden.RequireEqual(t, ansi.Strip(screen))
}

func TestRotationGoldenCompact(t *testing.T) {
	var o Overlay
	r := newRotation()
	r.HandleMsg(keytest.Press("down"))
	o.Open(r)
	screen := o.Render(background(40, 10), 40, 10)
	checkScreen(t, screen, 40, 10)
	golden.RequireEqual(t, ansi.Strip(screen))
}

func TestRotationGoldenLarge(t *testing.T) {
	var o Overlay
	o.Open(newRotation())
	screen := o.Render(background(300, 80), 300, 80)
	checkScreen(t, screen, 300, 80)
	rows := strings.Split(ansi.Strip(screen), "\n")
	top := -1
	for i, r := range rows {
		if strings.Contains(r, "╭") {
			top = i
			break
		}
	}
	if top < 30 || top > 40 {
		t.Fatalf("box top at row %d, want it centred in 80 rows", top)
	}
	left := strings.Index(rows[top], "╭")
	if col := ansi.StringWidth(rows[top][:left]); col < 100 || col > 130 {
		t.Fatalf("box left edge at column %d, want it centred in 300", col)
	}
}

func TestOverlayStack(t *testing.T) {
	var o Overlay
	if o.Active() || o.Front() != nil || o.HandleMsg(keytest.Press("enter")) != nil {
		t.Fatal("empty overlay is not inert")
	}
	h := newHelp()
	o.Open(newRotation())
	o.Open(h)
	if o.Front() != h || !o.Has(RotationID) || !o.Has(HelpID) {
		t.Fatal("help should be in front of the rotation dialog")
	}
	// Keys go to the front dialog only: "r" means nothing to help.
	if act := o.HandleMsg(keytest.Press("r")); act != nil {
		t.Fatalf("help handled r: %#v", act)
	}
	if act := o.HandleMsg(keytest.Press("esc")); act != (ActionClose{}) {
		t.Fatalf("esc on help: %#v", act)
	}
	if o.Has(HelpID) || o.Front() == nil || o.Front().ID() != RotationID {
		t.Fatal("closing help should leave the rotation dialog in front")
	}
	// Opening a dialog with the same ID replaces it instead of stacking.
	second := newRotation()
	o.Open(second)
	if o.Front() != second || len(o.dialogs) != 1 {
		t.Fatalf("reopen stacked: %d dialogs", len(o.dialogs))
	}
	if act := o.HandleMsg(keytest.Press("n")); act != (ActionRestart{ChoiceNow, engine.FromEnd()}) {
		t.Fatalf("n: %#v", act)
	}
	if o.Active() {
		t.Fatal("a chosen action should close the dialog")
	}
	o.Open(h)
	o.Close(HelpID)
	if o.Active() {
		t.Fatal("Close left the dialog open")
	}
}

func TestOverlayKeepsBackgroundAroundTheBox(t *testing.T) {
	var o Overlay
	o.Open(newRotation())
	bg := background(100, 30)
	screen := ansi.Strip(o.Render(bg, 100, 30))
	rows := strings.Split(screen, "\n")
	if rows[0] != strings.Split(bg, "\n")[0] {
		t.Fatalf("top row changed:\n%q\n%q", rows[0], strings.Split(bg, "\n")[0])
	}
	if !strings.Contains(screen, "Fell behind log rotation") {
		t.Fatal("dialog not drawn")
	}
}

func TestChoiceString(t *testing.T) {
	for c, want := range map[Choice]string{ChoiceResume: "resumed", ChoiceReload: "reloaded", ChoiceNow: "now"} {
		if !strings.Contains(c.String(), want) {
			t.Fatalf("%d: %q", c, c.String())
		}
	}
}

func TestRotationCompactSaysWhatWasLost(t *testing.T) {
	r := newRotation()
	// Room for the actions and one line: the shortest message, whole.
	plain := ansi.Strip(r.Render(40, 7))
	if !strings.Contains(plain, "Lost at least 190 KiB.") || !strings.Contains(plain, "Close") {
		t.Fatalf("one-line compact layout:\n%s", plain)
	}
	plain = ansi.Strip(r.Render(40, 10))
	if !strings.Contains(plain, "at least") || !strings.Contains(plain, "190 KiB of exec.log lost.") {
		t.Fatalf("40×10 compact layout:\n%s", plain)
	}
}

func TestOverlayKeepsBackgroundColours(t *testing.T) {
	var o Overlay
	o.Open(newRotation())
	rows := strings.Split(background(100, 30), "\n")
	rows[0] = "\x1b[31mred-row\x1b[m " + rows[0]
	screen := o.Render(strings.Join(rows, "\n"), 100, 30)
	first := strings.Split(screen, "\n")[0]
	if !strings.Contains(first, "31m") || !strings.HasPrefix(ansi.Strip(first), "red-row") {
		t.Fatalf("background colour lost outside the dialog: %q", first)
	}
}

func TestOverlayFillsTheScreen(t *testing.T) {
	var o Overlay
	o.Open(newRotation())
	for _, size := range [][2]int{{40, 10}, {100, 30}, {300, 80}, {20, 5}} {
		// An empty or oversized background still gives exactly the screen.
		checkScreen(t, o.Render("", size[0], size[1]), size[0], size[1])
		checkScreen(t, o.Render(background(size[0]+50, size[1]+20), size[0], size[1]), size[0], size[1])
	}
	if o.Render("x", 0, 10) != "" {
		t.Fatal("a zero-width screen should render nothing")
	}
}

// Files let go of to keep within the disk budget: the dialog says so,
// with the exact figures.
func TestRotationMessageBudget(t *testing.T) {
	mr := &engine.MissedRotationError{File: "exec.log", Lost: engine.Loss{Files: 3, Bytes: 3 << 20, Exact: true, Released: 3, ReleasedBytes: 3 << 20, Budget: 8 << 20}}
	msg := NewRotation(mr, keymap.DefaultRotation(), noColor()).Message()
	for _, want := range []string{"--hold-budget", "3145728 bytes", "3 files let go of"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}
