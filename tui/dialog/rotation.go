package dialog

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/keymap"
	"sandtail/text/sanitize"
	"sandtail/theme"
)

// RotationID is the ID of the missed-rotation dialog.
const RotationID = "missed-rotation"

// lastKept is the highest rotation suffix microsandbox keeps (NAME.1 to
// NAME.4, see docs/log-format.md): a file rotated past NAME.4 is gone.
const lastKept = 4

// Widths that pick a layout: the full one needs room for its sentences, and
// is never wider than a comfortable reading width.
const (
	fullMinInner = 40
	fullMaxInner = 64
)

// rotationItem is one action of the dialog.
type rotationItem struct {
	binding key.Binding
	letter  string
	full    string // label in the full layout
	short   string // label in the compact layouts
	action  Action
}

// Rotation explains a missed rotation and offers the ways to go on: resume
// from the last good cursor, reload from the beginning, jump to now, or
// close and keep scrolling the frozen buffer. It opens by itself when the
// stream ends with a *engine.MissedRotationError.
type Rotation struct {
	err      engine.MissedRotationError
	keys     keymap.Rotation
	styles   theme.Dialog
	items    []rotationItem
	selected int
}

var _ Dialog = (*Rotation)(nil)

// NewRotation builds the dialog for err. Resume is highlighted: it loses
// the least.
func NewRotation(err *engine.MissedRotationError, keys keymap.Rotation, styles theme.Dialog) *Rotation {
	r := &Rotation{keys: keys, styles: styles}
	if err != nil {
		r.err = *err
	}
	r.items = []rotationItem{
		{keys.Resume, "r", "Resume from the last good cursor (gap marked)", "Resume (gap marked)",
			ActionRestart{Choice: ChoiceResume, Start: engine.ResumeLenient(r.err.Last)}},
		{keys.Reload, "b", "Reload from the beginning", "Reload from start",
			ActionRestart{Choice: ChoiceReload, Start: engine.FromBeginning()}},
		{keys.Now, "n", "Jump to now", "Jump to now",
			ActionRestart{Choice: ChoiceNow, Start: engine.FromEnd()}},
		{keys.Close, "c", "Close (keep scrolling the frozen buffer)", "Close, keep buffer",
			ActionClose{}},
	}
	// Show the binding's own single-letter key, so a changed keymap
	// changes what the dialog says.
	for i := range r.items {
		for _, k := range r.items[i].binding.Keys() {
			if len(k) == 1 {
				r.items[i].letter = k
				break
			}
		}
	}
	return r
}

// ID implements Dialog.
func (*Rotation) ID() string { return RotationID }

// Selected returns the index of the highlighted action (0 resume, 1 reload,
// 2 now, 3 close).
func (r *Rotation) Selected() int { return r.selected }

// HandleMsg implements Dialog.
func (r *Rotation) HandleMsg(msg tea.Msg) Action {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(k, r.keys.Quit):
		return ActionQuit{}
	case key.Matches(k, r.keys.Up):
		r.selected = (r.selected + len(r.items) - 1) % len(r.items)
	case key.Matches(k, r.keys.Down):
		r.selected = (r.selected + 1) % len(r.items)
	case key.Matches(k, r.keys.Choose):
		return r.items[r.selected].action
	default:
		for _, it := range r.items {
			if key.Matches(k, it.binding) {
				return it.action
			}
		}
	}
	return nil
}

// Message returns the plain-words explanation shown in the full layout.
// The amount is what the engine could know: a lower bound with the files
// counted, or that it is not known.
func (r *Rotation) Message() string {
	lost := "how much was lost is not known"
	if r.err.Lost.Known() {
		lost = "lost " + r.err.Lost.String()
	}
	file := sanitize.Plain(r.err.File)
	if r.err.Lost.Released > 0 {
		// Files it held, let go of to keep within the disk budget: the
		// figures are exact.
		if file == "" {
			file = "log"
		}
		return fmt.Sprintf("sandtail fell behind: %s files left the slots before they could be read, and were let go of to keep the disk held open within its budget (--hold-budget); %s.", file, lost)
	}
	if file == "" {
		return fmt.Sprintf("sandtail fell behind log rotation: a log file rotated past its last kept rotation before it could be read; %s.", lost)
	}
	return fmt.Sprintf("sandtail fell behind log rotation: %s rotated past its last kept file (%s.%d) before it could be read; %s.",
		file, file, lastKept, lost)
}

// shortMessages are the explanation for the compact layout, longest
// first: the first that fits the room left above the actions is used.
func (r *Rotation) shortMessages() []string {
	file := sanitize.Plain(r.err.File)
	if file == "" {
		file = "a log file"
	}
	amount := "part"
	if r.err.Lost.Known() {
		amount = r.err.Lost.Amount()
	}
	return []string{
		fmt.Sprintf("Fell behind log rotation: %s of %s lost.", amount, file),
		fmt.Sprintf("Missed rotation: %s lost.", amount),
		fmt.Sprintf("Lost %s.", amount),
	}
}

// Render implements Dialog. It tries the full layout, then a compact one,
// then the bare list of actions, and cuts the last to fit if it must.
func (r *Rotation) Render(width, height int) string {
	frameW := r.styles.Frame.GetHorizontalFrameSize()
	frameH := r.styles.Frame.GetVerticalFrameSize()
	inner := width - frameW
	if inner >= fullMinInner {
		box := r.styles.Frame.Render(r.full(min(inner, fullMaxInner)))
		if lipgloss.Height(box) <= height {
			return box
		}
	}
	if inner >= 12 {
		w := min(inner, fullMinInner)
		box := r.styles.Frame.Render(r.compact(w, height-frameH))
		if lipgloss.Height(box) <= height {
			return box
		}
	}
	// Too small for a frame: the actions alone, cut to the screen.
	lines := r.actionLines(width, false)
	if len(lines) > height {
		lines = lines[:max(0, height)]
	}
	return strings.Join(lines, "\n")
}

// full is the roomy layout: a title, the whole explanation, the actions
// with their long labels and the key reminder.
func (r *Rotation) full(w int) string {
	var b []string
	b = append(b, r.styles.Title.Render(ansi.Truncate("Fell behind log rotation", w, "…")), "")
	b = append(b, r.wrap(r.Message(), w)...)
	b = append(b, r.styles.Body.Render(ansi.Truncate("The stream has stopped; what was shown is kept.", w, "…")), "")
	b = append(b, r.actionLines(w, true)...)
	b = append(b, "", r.hint(w))
	return fitLines(b, w)
}

// compact fits the dialog in a 40×10 pane: a short explanation, the actions
// with short labels, and the key reminder only if there is room.
func (r *Rotation) compact(w, rows int) string {
	actions := r.actionLines(w, false)
	room := rows - len(actions)
	if room <= 0 {
		return strings.Join(actions, "\n")
	}
	var msg []string
	for _, m := range r.shortMessages() {
		if msg = r.wrap(m, w); len(msg) <= room {
			break
		}
	}
	if len(msg) > room {
		msg = msg[:room]
		msg[room-1] = ansi.Truncate(msg[room-1], w-1, "") + "…"
	}
	b := append(msg, actions...)
	if len(b) < rows {
		b = append(b, r.hint(w))
	}
	return fitLines(b, w)
}

// actionLines renders the four actions, one per line, each exactly w cells
// wide so the highlight spans the box.
func (r *Rotation) actionLines(w int, long bool) []string {
	lines := make([]string, len(r.items))
	for i, it := range r.items {
		label := it.short
		if long {
			label = it.full
		}
		marker := "  "
		if i == r.selected {
			marker = "▸ "
		}
		plain := ansi.Truncate(marker+it.letter+"  "+label, w, "…")
		plain += strings.Repeat(" ", max(0, w-ansi.StringWidth(plain)))
		if i == r.selected {
			lines[i] = r.styles.Selected.Render(plain)
			continue
		}
		// Style the shortcut letter on its own so it reads as a key.
		head, rest := marker, strings.TrimPrefix(plain, marker+it.letter)
		lines[i] = r.styles.Action.Render(head) + r.styles.Shortcut.Render(it.letter) + r.styles.Action.Render(rest)
	}
	return lines
}

// fitLines joins lines after cutting each to w cells: help views and
// wrapped words may overshoot, and the frame must not stretch.
func fitLines(lines []string, w int) string {
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// hint is the one-line key reminder.
func (r *Rotation) hint(w int) string {
	h := help.New()
	h.Styles = r.styles.Help
	h.SetWidth(w)
	return h.ShortHelpView(r.keys.ShortHelp())
}

// wrap word-wraps s to w cells and styles it as body text.
func (r *Rotation) wrap(s string, w int) []string {
	lines := strings.Split(ansi.Wrap(s, w, ""), "\n")
	for i, l := range lines {
		lines[i] = r.styles.Body.Render(l)
	}
	return lines
}
