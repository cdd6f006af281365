package keymap

import "charm.land/bubbles/v2/key"

// Rotation holds the keys of the missed-rotation dialog: moving between its
// actions, choosing one, and the shortcut letter of each action.
type Rotation struct {
	Up     key.Binding // previous action
	Down   key.Binding // next action
	Choose key.Binding // run the highlighted action
	Resume key.Binding // resume from the last good cursor, gap marked
	Reload key.Binding // read again from the beginning
	Now    key.Binding // skip to what is written from now on
	Close  key.Binding // close the dialog, keep the frozen buffer
	Quit   key.Binding // quit sandtail
}

// DefaultRotation returns the missed-rotation dialog's keys. Arrows, tab and
// vim keys all move, so whichever habit the user has works.
func DefaultRotation() Rotation {
	return Rotation{
		Up: key.NewBinding(
			key.WithKeys("up", "k", "shift+tab", "left", "h"),
			key.WithHelp("↑/k", "previous"),
		),
		Down: key.NewBinding(
			key.WithKeys("down", "j", "tab", "right", "l"),
			key.WithHelp("↓/j", "next"),
		),
		Choose: key.NewBinding(
			key.WithKeys("enter", "space"),
			key.WithHelp("enter", "choose"),
		),
		Resume: key.NewBinding(
			key.WithKeys("r"),
			key.WithHelp("r", "resume"),
		),
		Reload: key.NewBinding(
			key.WithKeys("b"),
			key.WithHelp("b", "reload from beginning"),
		),
		Now: key.NewBinding(
			key.WithKeys("n"),
			key.WithHelp("n", "jump to now"),
		),
		Close: key.NewBinding(
			key.WithKeys("esc", "c"),
			key.WithHelp("esc", "close"),
		),
		Quit: key.NewBinding(
			key.WithKeys("q", "ctrl+c"),
			key.WithHelp("q", "quit"),
		),
	}
}

// ShortHelp implements help.KeyMap: the line shown at the dialog's foot.
func (k Rotation) ShortHelp() []key.Binding {
	return []key.Binding{k.Down, k.Choose, k.Close}
}

// FullHelp implements help.KeyMap.
func (k Rotation) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Choose},
		{k.Resume, k.Reload, k.Now, k.Close, k.Quit},
	}
}

// HelpOverlay holds the keys of the full-help overlay.
type HelpOverlay struct {
	Up    key.Binding // scroll up when the help is taller than the screen
	Down  key.Binding // scroll down
	Close key.Binding // close the overlay
	Quit  key.Binding // quit sandtail
}

// DefaultHelpOverlay returns the full-help overlay's keys. The key that
// opened the help (?) also closes it.
func DefaultHelpOverlay() HelpOverlay {
	return HelpOverlay{
		Up: key.NewBinding(
			key.WithKeys("up", "k"),
			key.WithHelp("↑/k", "scroll up"),
		),
		Down: key.NewBinding(
			key.WithKeys("down", "j"),
			key.WithHelp("↓/j", "scroll down"),
		),
		Close: key.NewBinding(
			key.WithKeys("esc", "?", "q"),
			key.WithHelp("esc/?", "close help"),
		),
		Quit: key.NewBinding(
			key.WithKeys("ctrl+c"),
			key.WithHelp("ctrl+c", "quit"),
		),
	}
}

// ShortHelp implements help.KeyMap.
func (k HelpOverlay) ShortHelp() []key.Binding {
	return []key.Binding{k.Close, k.Down}
}

// FullHelp implements help.KeyMap.
func (k HelpOverlay) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Close, k.Quit}}
}
