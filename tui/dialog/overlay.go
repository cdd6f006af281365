package dialog

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Overlay is a stack of dialogs drawn over the log view. The owner's Update
// hands key presses to the overlay first while it is active, and its View
// draws the overlay last, on top of everything else.
type Overlay struct {
	dialogs []Dialog
}

// Active reports whether any dialog is open.
func (o *Overlay) Active() bool { return len(o.dialogs) > 0 }

// Has reports whether a dialog with this ID is open.
func (o *Overlay) Has(id string) bool { return o.index(id) >= 0 }

// Front returns the dialog that receives keys, or nil.
func (o *Overlay) Front() Dialog {
	if len(o.dialogs) == 0 {
		return nil
	}
	return o.dialogs[len(o.dialogs)-1]
}

// Open puts d in front. A dialog with the same ID is replaced, so a second
// missed rotation updates the open dialog instead of stacking another.
func (o *Overlay) Open(d Dialog) {
	o.Close(d.ID())
	o.dialogs = append(o.dialogs, d)
}

// Close removes the dialog with this ID, if open.
func (o *Overlay) Close(id string) {
	if i := o.index(id); i >= 0 {
		o.dialogs = append(o.dialogs[:i], o.dialogs[i+1:]...)
	}
}

// HandleMsg gives msg to the front dialog. A non-nil action closes that
// dialog before it is returned, so the owner only acts on it.
func (o *Overlay) HandleMsg(msg tea.Msg) Action {
	d := o.Front()
	if d == nil {
		return nil
	}
	act := d.HandleMsg(msg)
	if act != nil {
		o.dialogs = o.dialogs[:len(o.dialogs)-1]
	}
	return act
}

// Render draws every open dialog, front last, centred over background, a
// width×height screen. The result has exactly height rows, none wider than
// width.
func (o *Overlay) Render(background string, width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	layers := []*lipgloss.Layer{lipgloss.NewLayer(background)}
	for i, d := range o.dialogs {
		box := d.Render(width, height)
		w, h := lipgloss.Size(box)
		x := max(0, (width-w)/2)
		y := max(0, (height-h)/2)
		layers = append(layers, lipgloss.NewLayer(box).X(x).Y(y).Z(i+1))
	}
	canvas := lipgloss.NewCanvas(width, height)
	canvas.Compose(lipgloss.NewCompositor(layers...))
	return fitScreen(canvas.Render(), width, height)
}

func (o *Overlay) index(id string) int {
	for i, d := range o.dialogs {
		if d.ID() == id {
			return i
		}
	}
	return -1
}

// fitScreen pads or cuts s to exactly height rows of at most width cells,
// because the canvas trims trailing blank rows and the frame must not move.
func fitScreen(s string, width, height int) string {
	rows := strings.Split(s, "\n")
	if len(rows) > height {
		rows = rows[:height]
	}
	for i, r := range rows {
		if ansi.StringWidth(r) > width {
			rows[i] = ansi.Truncate(r, width, "")
		}
	}
	for len(rows) < height {
		rows = append(rows, "")
	}
	return strings.Join(rows, "\n")
}
