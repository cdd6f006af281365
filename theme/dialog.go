package theme

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Dialog holds the styles of the modal dialogs (the missed-rotation dialog
// and the full-help overlay).
type Dialog struct {
	// Frame is the box around a dialog: border and inner padding.
	Frame lipgloss.Style
	// Title is a dialog's first line.
	Title lipgloss.Style
	// Body is explanatory text.
	Body lipgloss.Style
	// Action is an action that is not highlighted.
	Action lipgloss.Style
	// Selected is the highlighted action; it must stand out without colour.
	Selected lipgloss.Style
	// Shortcut is the letter that runs an action directly.
	Shortcut lipgloss.Style
	// Hint is the key reminder at a dialog's foot.
	Hint lipgloss.Style
	// Help styles the key list of the full-help overlay.
	Help help.Styles
}

// NewDialog builds the dialog styles from palette tokens. A nil colour leaves
// the terminal's own colour, which is how the NoColor theme stays plain.
func NewDialog(p Palette) Dialog {
	fg := lipgloss.NewStyle().Foreground(p.Fg)
	muted := lipgloss.NewStyle().Foreground(p.Muted)
	keyStyle := lipgloss.NewStyle().Foreground(p.Accent).Bold(true)
	return Dialog{
		Frame: lipgloss.NewStyle().
			Border(lipgloss.RoundedBorder()).
			BorderForeground(p.Border).
			Padding(0, 1),
		Title:    lipgloss.NewStyle().Foreground(p.Warn).Bold(true),
		Body:     fg,
		Action:   fg,
		Selected: lipgloss.NewStyle().Reverse(true).Bold(true),
		Shortcut: keyStyle,
		Hint:     muted,
		Help: help.Styles{
			Ellipsis:       muted,
			ShortKey:       keyStyle,
			ShortDesc:      muted,
			ShortSeparator: muted,
			FullKey:        keyStyle,
			FullDesc:       fg,
			FullSeparator:  muted,
		},
	}
}
