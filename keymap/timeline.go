package keymap

import "charm.land/bubbles/v2/key"

// Timeline is the viewer's keys for restarts, times and marks (issue 12):
// they live in their own group of the full help.
type Timeline struct {
	PrevRestart key.Binding // the restart divider above
	NextRestart key.Binding // the restart divider below
	GoToTime    key.Binding // open the go-to-time box
	UTC         key.Binding // show every time in UTC, and back to local time
	Mark        key.Binding // mark or unmark the selected line
	NextMark    key.Binding // the next marked line, wrapping
	PrevMark    key.Binding // the previous marked line, wrapping
	Marks       key.Binding // list the sandbox's marks
}

// DefaultTimeline returns the timeline keys.
func DefaultTimeline() Timeline {
	return Timeline{
		PrevRestart: key.NewBinding(key.WithKeys("{"), key.WithHelp("{", "restart above")),
		NextRestart: key.NewBinding(key.WithKeys("}"), key.WithHelp("}", "restart below")),
		GoToTime:    key.NewBinding(key.WithKeys("@"), key.WithHelp("@", "go to time")),
		UTC:         key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "UTC/local time")),
		Mark:        key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "mark/unmark")),
		NextMark:    key.NewBinding(key.WithKeys("'"), key.WithHelp("'", "next mark")),
		PrevMark:    key.NewBinding(key.WithKeys("\""), key.WithHelp("\"", "previous mark")),
		Marks:       key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "list marks")),
	}
}

// Column is the timeline keys as one column of the full help.
func (t Timeline) Column() []key.Binding {
	return []key.Binding{t.PrevRestart, t.NextRestart, t.GoToTime, t.UTC, t.Mark, t.NextMark, t.PrevMark, t.Marks}
}

// MarksList holds the keys of the list of marks (M).
type MarksList struct {
	Up     key.Binding // previous mark
	Down   key.Binding // next mark
	Choose key.Binding // go to the highlighted mark
	Delete key.Binding // unmark the highlighted mark
	Close  key.Binding // close the list
}

// DefaultMarksList returns the list's keys.
func DefaultMarksList() MarksList {
	return MarksList{
		Up:     key.NewBinding(key.WithKeys("up", "k", "shift+tab"), key.WithHelp("↑/k", "previous")),
		Down:   key.NewBinding(key.WithKeys("down", "j", "tab"), key.WithHelp("↓/j", "next")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "go to")),
		Delete: key.NewBinding(key.WithKeys("d", "x", "delete"), key.WithHelp("d", "unmark")),
		Close:  key.NewBinding(key.WithKeys("esc", "q", "M"), key.WithHelp("esc", "close")),
	}
}

// ShortHelp implements help.KeyMap.
func (k MarksList) ShortHelp() []key.Binding {
	return []key.Binding{k.Down, k.Choose, k.Delete, k.Close}
}

// FullHelp implements help.KeyMap.
func (k MarksList) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.Choose, k.Delete, k.Close}}
}
