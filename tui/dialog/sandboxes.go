package dialog

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"sandtail/keymap"
	"sandtail/theme"
)

// SandboxesID is the ID of the list of sandboxes read at once.
const SandboxesID = "sandboxes"

// Shown is which sandboxes of a read of several the view shows, by origin.
// The viewer owns it and the Sandboxes dialog changes it in place as keys
// are pressed, so the view behind the dialog follows each change; Version
// grows with every change so the viewer knows to filter again.
type Shown struct {
	Hidden  []bool // by origin; an origin past its end is shown
	Version uint64
}

// IsHidden reports whether origin's lines are hidden.
func (s *Shown) IsHidden(origin uint16) bool {
	return int(origin) < len(s.Hidden) && s.Hidden[origin]
}

// set hides or shows origin.
func (s *Shown) set(origin int, hidden bool) {
	for len(s.Hidden) <= origin {
		s.Hidden = append(s.Hidden, false)
	}
	if s.Hidden[origin] != hidden {
		s.Hidden[origin] = hidden
		s.Version++
	}
}

// Sandboxes lists the sandboxes read at once with a checkbox each, like
// the picker's marks: space shows or hides one, s shows it alone (again:
// all), a shows all.
type Sandboxes struct {
	names  []string // by origin
	shown  *Shown
	keys   keymap.SandboxList
	styles theme.Dialog
	color  func(name string) lipgloss.Style
	cursor int
	offset int
}

var _ Dialog = (*Sandboxes)(nil)

// NewSandboxes builds the list of names (by origin) over shown; color
// gives each name its style in the view.
func NewSandboxes(names []string, shown *Shown, keys keymap.SandboxList, styles theme.Dialog, color func(string) lipgloss.Style) *Sandboxes {
	return &Sandboxes{names: names, shown: shown, keys: keys, styles: styles, color: color}
}

// ID implements Dialog.
func (*Sandboxes) ID() string { return SandboxesID }

// SetNames updates the list when sandboxes joined while it is open.
func (d *Sandboxes) SetNames(names []string) { d.names = names }

// HandleMsg implements Dialog.
func (d *Sandboxes) HandleMsg(msg tea.Msg) Action {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || len(d.names) == 0 {
		if ok && (key.Matches(k, d.keys.Close) || key.Matches(k, d.keys.Quit)) {
			return ActionClose{}
		}
		return nil
	}
	switch {
	case key.Matches(k, d.keys.Quit):
		return ActionQuit{}
	case key.Matches(k, d.keys.Close):
		return ActionClose{}
	case key.Matches(k, d.keys.Up):
		d.cursor = max(0, d.cursor-1)
	case key.Matches(k, d.keys.Down):
		d.cursor = min(len(d.names)-1, d.cursor+1)
	case key.Matches(k, d.keys.Toggle):
		d.shown.set(d.cursor, !d.shown.IsHidden(uint16(d.cursor)))
	case key.Matches(k, d.keys.Solo):
		if d.solo() {
			d.showAll()
		} else {
			for i := range d.names {
				d.shown.set(i, i != d.cursor)
			}
		}
	case key.Matches(k, d.keys.All):
		d.showAll()
	}
	return nil
}

// solo reports whether the highlighted sandbox is the only one shown.
func (d *Sandboxes) solo() bool {
	for i := range d.names {
		if d.shown.IsHidden(uint16(i)) != (i != d.cursor) {
			return false
		}
	}
	return true
}

func (d *Sandboxes) showAll() {
	for i := range d.names {
		d.shown.set(i, false)
	}
}

// Render implements Dialog.
func (d *Sandboxes) Render(width, height int) string {
	frameW := d.styles.Frame.GetHorizontalFrameSize()
	frameH := d.styles.Frame.GetVerticalFrameSize()
	inner := min(width-frameW, 60)
	rows := height - frameH
	if inner < 8 || rows < 3 {
		return ""
	}
	shown := 0
	for i := range d.names {
		if !d.shown.IsHidden(uint16(i)) {
			shown++
		}
	}
	lines := []string{d.styles.Title.Render(fmt.Sprintf("Sandboxes: %d of %d shown", shown, len(d.names)))}
	room := rows - 2
	if d.cursor < d.offset {
		d.offset = d.cursor
	}
	if d.cursor >= d.offset+room {
		d.offset = d.cursor - room + 1
	}
	for i := d.offset; i < len(d.names) && i < d.offset+room; i++ {
		box := "[x] "
		if d.shown.IsHidden(uint16(i)) {
			box = "[ ] "
		}
		// Names are sandbox names (letters, digits, '.', '-', '_'):
		// nothing a terminal acts on.
		row := box + d.color(d.names[i]).Render(d.names[i])
		if i == d.cursor {
			row = d.styles.Selected.Render("›" + box + d.names[i])
		} else {
			row = " " + row
		}
		lines = append(lines, row)
	}
	h := help.New()
	h.Styles = d.styles.Help
	h.SetWidth(inner)
	lines = append(lines, h.ShortHelpView([]key.Binding{d.keys.Toggle, d.keys.Solo, d.keys.All, d.keys.Close}))
	for i, l := range lines {
		if pad := inner - lipgloss.Width(l); pad > 0 {
			lines[i] = l + strings.Repeat(" ", pad)
		}
	}
	return d.styles.Frame.Render(fitLines(lines, inner))
}
