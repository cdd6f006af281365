package keymap

import "charm.land/bubbles/v2/key"

// SandboxList holds the keys of the list of sandboxes read at once (S in
// the viewer): a checkbox per sandbox, like the picker's marks.
type SandboxList struct {
	Up     key.Binding // previous sandbox
	Down   key.Binding // next sandbox
	Toggle key.Binding // show or hide the highlighted sandbox
	Solo   key.Binding // show only the highlighted sandbox; again, show all
	All    key.Binding // show every sandbox
	Close  key.Binding // close the list
	Quit   key.Binding // quit sandtail
}

// DefaultSandboxList returns the sandbox list's keys.
func DefaultSandboxList() SandboxList {
	return SandboxList{
		Up:     key.NewBinding(key.WithKeys("up", "k", "shift+tab"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j", "tab"), key.WithHelp("↓/j", "down")),
		Toggle: key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "show/hide")),
		Solo:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "solo")),
		All:    key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "all")),
		Close:  key.NewBinding(key.WithKeys("esc", "enter", "S"), key.WithHelp("esc", "close")),
		Quit:   key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
	}
}
