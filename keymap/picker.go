package keymap

import "charm.land/bubbles/v2/key"

// Picker holds the keys of the sandbox picker. Printable characters type
// into the filter, so movement uses arrows and ctrl chords rather than j/k.
type Picker struct {
	Up        key.Binding // previous sandbox
	Down      key.Binding // next sandbox
	PageUp    key.Binding // one screen up
	PageDown  key.Binding // one screen down
	Top       key.Binding // first sandbox
	Bottom    key.Binding // last sandbox
	Open      key.Binding // open the highlighted sandbox, or every one marked
	Mark      key.Binding // mark the highlighted sandbox to open several at once
	Erase     key.Binding // delete the filter's last character
	Clear     key.Binding // empty the filter
	Back      key.Binding // clear the filter, or quit when it is empty
	Quit      key.Binding // quit when the filter is empty (else q is typed)
	ForceQuit key.Binding // quit whatever the filter holds
}

// DefaultPicker returns the sandbox picker's keys.
func DefaultPicker() Picker {
	return Picker{
		Up: key.NewBinding(
			key.WithKeys("up", "ctrl+p", "ctrl+k", "shift+tab"),
			key.WithHelp("↑", "up"),
		),
		Down: key.NewBinding(
			key.WithKeys("down", "ctrl+n", "ctrl+j", "tab"),
			key.WithHelp("↓", "down"),
		),
		PageUp: key.NewBinding(
			key.WithKeys("pgup"),
			key.WithHelp("pgup", "page up"),
		),
		PageDown: key.NewBinding(
			key.WithKeys("pgdown"),
			key.WithHelp("pgdn", "page down"),
		),
		Top: key.NewBinding(
			key.WithKeys("home"),
			key.WithHelp("home", "first"),
		),
		Bottom: key.NewBinding(
			key.WithKeys("end"),
			key.WithHelp("end", "last"),
		),
		Open: key.NewBinding(
			key.WithKeys("enter"),
			key.WithHelp("enter", "open"),
		),
		Mark: key.NewBinding(
			key.WithKeys("space"),
			key.WithHelp("space", "select several"),
		),
		Erase: key.NewBinding(
			key.WithKeys("backspace", "ctrl+h"),
			key.WithHelp("⌫", "erase"),
		),
		Clear: key.NewBinding(
			key.WithKeys("ctrl+u"),
			key.WithHelp("ctrl+u", "clear filter"),
		),
		Back: key.NewBinding(
			key.WithKeys("esc"),
			key.WithHelp("esc", "clear/quit"),
		),
		Quit: key.NewBinding(
			key.WithKeys("q"),
			key.WithHelp("q", "quit"),
		),
		ForceQuit: key.NewBinding(
			key.WithKeys("ctrl+c"),
			key.WithHelp("ctrl+c", "quit"),
		),
	}
}

// ShortHelp implements help.KeyMap: the picker's footer.
func (k Picker) ShortHelp() []key.Binding {
	return []key.Binding{k.Down, k.Open, k.Mark, k.Back}
}

// FullHelp implements help.KeyMap.
func (k Picker) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Open, k.Mark, k.Erase, k.Clear, k.Back, k.Quit, k.ForceQuit},
	}
}
