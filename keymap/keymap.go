// Package keymap holds every key binding of sandtail's viewer. Nothing else
// in the program defines a key: the model matches key presses against the
// bindings built here, and the help views render their help text.
package keymap

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
)

// KeyMap is the viewer's bindings, grouped the way the full help shows them.
// Build one with Default; it is a value, so a caller that wants to change a
// binding changes its own copy.
type KeyMap struct {
	// Moving the selected row and the view.
	Up       key.Binding // select the previous line
	Down     key.Binding // select the next line
	PageUp   key.Binding // one screen up
	PageDown key.Binding // one screen down
	HalfUp   key.Binding // half a screen up
	HalfDown key.Binding // half a screen down
	Top      key.Binding // the oldest buffered line
	Bottom   key.Binding // the newest line, and follow again
	Left     key.Binding // scroll left when wrap is off
	Right    key.Binding // scroll right when wrap is off
	Follow   key.Binding // toggle following new lines

	// Sources, toggled independently.
	Stdout  key.Binding // show or hide stdout
	Stderr  key.Binding // show or hide stderr
	Output  key.Binding // show or hide output (PTY sessions)
	System  key.Binding // show or hide system messages
	Sources key.Binding // help-only summary of the four source keys

	// Search and filter.
	Search key.Binding // open the search box
	Filter key.Binding // open the filter box (show only matching lines)
	Next   key.Binding // the next match upwards, the way a new search looks
	Prev   key.Binding // the next match downwards
	Clear  key.Binding // clear search and filter

	// Reading aids.
	MoreContext key.Binding // one more line of context around filter matches
	LessContext key.Binding // one line of context less
	Level       key.Binding // cycle the minimum level: all, info, warn, error
	Expand      key.Binding // show the selected JSON line pretty-printed, and back
	Save        key.Binding // write the shown lines to a file
	// SaveOverwrite and SaveKeep answer whether to overwrite an existing
	// file with a save.
	SaveOverwrite key.Binding
	SaveKeep      key.Binding
	// Strip shows and focuses the activity strip; on a focused strip it
	// hides it. The Strip* keys act while it is focused.
	Strip          key.Binding
	StripLeft      key.Binding // one column earlier, and jump there
	StripRight     key.Binding // one column later
	StripPageLeft  key.Binding // an eighth of the strip earlier
	StripPageRight key.Binding // an eighth of the strip later
	StripStart     key.Binding // the first column
	StripEnd       key.Binding // the last column
	StripZoomIn    key.Binding // halve the time the strip spans
	StripZoomOut   key.Binding // double it, up to the whole history
	StripBack      key.Binding // back to the lines, the strip stays

	// What each line shows.
	Timestamps key.Binding // toggle timestamps
	Sessions   key.Binding // toggle session ids
	Wrap       key.Binding // toggle wrapping long lines
	Color      key.Binding // toggle program colours
	Raw        key.Binding // toggle the raw view (control characters as escapes)
	Solo       key.Binding // show only the selected line's session, and back
	// Sandboxes opens the list of the sandboxes read (several at once):
	// show, hide or solo each.
	Sandboxes key.Binding

	// Copying, for pairing.
	CopyLine    key.Binding // copy the selected line's text
	CopyCommand key.Binding // copy a command that opens this spot

	// The program.
	Help      key.Binding // toggle the full help
	Quit      key.Binding // leave sandtail
	ForceQuit key.Binding // leave sandtail from anywhere, even the search box
	// Suspend stops sandtail and gives the terminal back to the shell
	// until fg, as in less or vim; the sandbox picker takes it too.
	Suspend key.Binding
	// Back returns to the sandbox picker from a sandbox opened through it.
	// It shares esc with Clear, which goes first: esc goes back only when
	// there is no search, filter or solo to clear.
	Back key.Binding

	// Timeline holds the keys of restarts, times and marks.
	Timeline Timeline

	// Prompt holds the keys of the open search or filter box.
	Prompt PromptKeyMap
}

// PromptKeyMap is the bindings active while the search or filter box is
// open; every other key types into the box.
type PromptKeyMap struct {
	Accept  key.Binding // close the box and keep the result
	Cancel  key.Binding // close the box and go back to where it opened
	Regex   key.Binding // toggle regular-expression matching
	Exclude key.Binding // toggle hiding the matching lines instead (filter box)
	Older   key.Binding // recall the previous query of this box
	Newer   key.Binding // recall the next query, back to what was typed
	// Edit is the line editing inside the box: cursor moves and erasing,
	// as in a shell.
	Edit textinput.KeyMap
	// Editing is a help-only summary of Edit.
	Editing key.Binding
}

// promptEdit is the box's line editing: readline's keys and the arrows.
// Pasting goes through the terminal's own paste (bracketed paste), so the
// box never runs a clipboard tool; there are no completions.
func promptEdit() textinput.KeyMap {
	k := textinput.DefaultKeyMap()
	k.Paste = key.NewBinding(key.WithDisabled())
	k.AcceptSuggestion = key.NewBinding(key.WithDisabled())
	k.NextSuggestion = key.NewBinding(key.WithDisabled())
	k.PrevSuggestion = key.NewBinding(key.WithDisabled())
	return k
}

// Default returns sandtail's bindings: vim keys and arrow keys both work.
func Default() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+b", "b"), key.WithHelp("pgup/b", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+f", "space"), key.WithHelp("pgdn/space", "page down")),
		HalfUp:   key.NewBinding(key.WithKeys("ctrl+u", "u"), key.WithHelp("ctrl+u", "half page up")),
		HalfDown: key.NewBinding(key.WithKeys("ctrl+d", "d"), key.WithHelp("ctrl+d", "half page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "oldest line")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "newest, follow")),
		Left:     key.NewBinding(key.WithKeys("h", "left"), key.WithHelp("←/h", "scroll left")),
		Right:    key.NewBinding(key.WithKeys("l", "right"), key.WithHelp("→/l", "scroll right")),
		Follow:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "follow")),

		Stdout:  key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "stdout")),
		Stderr:  key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "stderr")),
		Output:  key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "output")),
		System:  key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "system")),
		Sources: key.NewBinding(key.WithKeys("1", "2", "3", "4"), key.WithHelp("1-4", "sources")),

		Search: key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Filter: key.NewBinding(key.WithKeys("&"), key.WithHelp("&", "filter")),
		Next:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "match above")),
		Prev:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "match below")),
		Clear:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search/filter")),

		MoreContext:   key.NewBinding(key.WithKeys("+"), key.WithHelp("+", "more context")),
		LessContext:   key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "less context")),
		Level:         key.NewBinding(key.WithKeys("L"), key.WithHelp("L", "minimum level")),
		Expand:        key.NewBinding(key.WithKeys("J"), key.WithHelp("J", "expand JSON")),
		Save:          key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "save shown lines")),
		SaveOverwrite: key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "overwrite")),
		SaveKeep:      key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "keep the file")),

		Strip:          key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "activity strip")),
		StripLeft:      key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/→", "strip: move, jump")),
		StripRight:     key.NewBinding(key.WithKeys("right", "l"), key.WithHelp("→", "strip: later")),
		StripPageLeft:  key.NewBinding(key.WithKeys("shift+left", "pgup", "b"), key.WithHelp("pgup/pgdn", "strip: move more")),
		StripPageRight: key.NewBinding(key.WithKeys("shift+right", "pgdown", "space"), key.WithHelp("pgdn", "strip: later, more")),
		StripStart:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/G", "strip: first, last")),
		StripEnd:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "strip: last")),
		StripZoomIn:    key.NewBinding(key.WithKeys("+"), key.WithHelp("+/-", "strip: zoom")),
		StripZoomOut:   key.NewBinding(key.WithKeys("-"), key.WithHelp("-", "strip: zoom out")),
		StripBack:      key.NewBinding(key.WithKeys("enter", "esc"), key.WithHelp("enter", "strip: back to lines")),

		Timestamps: key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "time")),
		Sessions:   key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "session ids")),
		Wrap:       key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap")),
		Color:      key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "colour")),
		Raw:        key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "raw view")),
		Solo:       key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "solo session")),
		Sandboxes:  key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "sandboxes")),

		CopyLine:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy")),
		CopyCommand: key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy resume command")),

		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit from anywhere")),
		Suspend:   key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "suspend (fg resumes)")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "sandboxes")),

		Timeline: DefaultTimeline(),

		Prompt: PromptKeyMap{
			Accept:  key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep")),
			Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
			Regex:   key.NewBinding(key.WithKeys("ctrl+r"), key.WithHelp("ctrl+r", "in / &: regex")),
			Exclude: key.NewBinding(key.WithKeys("ctrl+x"), key.WithHelp("ctrl+x", "in &: exclude")),
			Older:   key.NewBinding(key.WithKeys("up", "ctrl+p"), key.WithHelp("↑/↓", "in / &: history")),
			Newer:   key.NewBinding(key.WithKeys("down", "ctrl+n"), key.WithHelp("↓", "later query")),
			Edit:    promptEdit(),
			Editing: key.NewBinding(key.WithKeys("left", "right", "home", "end"),
				key.WithHelp("ctrl+a/e/w/u/k", "in / &: edit")),
		},
	}
}

// ShortHelp returns the bindings of the one-line footer, most useful first,
// so a narrow pane still shows the ones that matter.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Search, k.Sources, k.Timestamps, k.Follow, k.CopyLine, k.Quit}
}

// FullHelp returns every binding in columns: moving, sources and search,
// display toggles, copying and the program. ForceQuit (ctrl+c) is left
// out: everyone knows it, and the column is long enough.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown, k.Top, k.Bottom, k.Left, k.Right},
		{k.Stdout, k.Stderr, k.Output, k.System, k.Search, k.Filter, k.Next, k.Prev, k.Clear},
		{k.MoreContext, k.LessContext, k.Level, k.Expand, k.Save},
		{k.Strip, k.StripLeft, k.StripPageLeft, k.StripStart, k.StripZoomIn, k.StripBack},
		{k.Follow, k.Timestamps, k.Sessions, k.Wrap, k.Color, k.Raw, k.Solo, k.Sandboxes},
		{k.CopyLine, k.CopyCommand, k.Help, k.Suspend, k.Quit},
		k.Timeline.Column(),
		k.Prompt.FullHelp()[0],
	}
}

// ShortHelp returns the prompt's most used bindings.
func (p PromptKeyMap) ShortHelp() []key.Binding {
	return []key.Binding{p.Accept, p.Cancel, p.Regex, p.Exclude}
}

// FullHelp returns the keys inside the search and filter box as one
// column: its modes, the history and the line editing.
func (p PromptKeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.Regex, p.Exclude, p.Older, p.Editing}}
}
