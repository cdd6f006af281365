package theme

import "charm.land/lipgloss/v2"

// Picker holds the styles of the sandbox picker.
type Picker struct {
	// Title is the picker's heading.
	Title lipgloss.Style
	// Path is the home directory shown next to the title.
	Path lipgloss.Style
	// Prompt is the filter prompt ("filter:").
	Prompt lipgloss.Style
	// Filter is the text typed into the filter.
	Filter lipgloss.Style
	// Header is the column-name row.
	Header lipgloss.Style
	// Row is an ordinary sandbox row.
	Row lipgloss.Style
	// Selected is the highlighted row; it must stand out without colour.
	Selected lipgloss.Style
	// Meta is the time and size columns.
	Meta lipgloss.Style
	// BootError flags a sandbox whose boot-error.json is present.
	BootError lipgloss.Style
	// Message is the explanation shown when there is nothing to pick.
	Message lipgloss.Style
	// Error is a failure to list the home directory.
	Error lipgloss.Style
	// Hint is the key reminder at the foot.
	Hint lipgloss.Style
}

// NewPicker builds the picker styles from palette tokens.
func NewPicker(p Palette) Picker {
	fg := lipgloss.NewStyle().Foreground(p.Fg)
	muted := lipgloss.NewStyle().Foreground(p.Muted)
	return Picker{
		Title:     lipgloss.NewStyle().Foreground(p.Accent).Bold(true),
		Path:      muted,
		Prompt:    lipgloss.NewStyle().Foreground(p.Accent),
		Filter:    fg.Bold(true),
		Header:    muted.Bold(true),
		Row:       fg,
		Selected:  lipgloss.NewStyle().Reverse(true).Bold(true),
		Meta:      muted,
		BootError: lipgloss.NewStyle().Foreground(p.Err).Bold(true),
		Message:   fg,
		Error:     lipgloss.NewStyle().Foreground(p.Err),
		Hint:      muted,
	}
}
