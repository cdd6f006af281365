package dialog

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"sandtail/keymap"
	"sandtail/theme"
)

// HelpID is the ID of the full-help overlay.
const HelpID = "help"

// columnGap separates help columns placed side by side.
const columnGap = "   "

// Help shows every key of a help.KeyMap. Its groups are laid out as columns
// side by side while they fit and wrap below when they do not, so a narrow
// pane still lists every key; taller than the screen, it scrolls.
type Help struct {
	keyMap help.KeyMap
	keys   keymap.HelpOverlay
	styles theme.Dialog
	offset int
	// maxOffset is the scroll limit found by the last Render, so scrolling
	// stops at the end of the list instead of running past it.
	maxOffset int
}

var _ Dialog = (*Help)(nil)

// NewHelp builds the overlay for km, the whole program's keymap.
func NewHelp(km help.KeyMap, keys keymap.HelpOverlay, styles theme.Dialog) *Help {
	return &Help{keyMap: km, keys: keys, styles: styles}
}

// ID implements Dialog.
func (*Help) ID() string { return HelpID }

// HandleMsg implements Dialog.
func (h *Help) HandleMsg(msg tea.Msg) Action {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	switch {
	case key.Matches(k, h.keys.Quit):
		return ActionQuit{}
	case key.Matches(k, h.keys.Close):
		return ActionClose{}
	case key.Matches(k, h.keys.Up):
		h.offset = max(0, h.offset-1)
	case key.Matches(k, h.keys.Down):
		h.offset = min(h.offset+1, h.maxOffset)
	}
	return nil
}

// Render implements Dialog.
func (h *Help) Render(width, height int) string {
	frameW := h.styles.Frame.GetHorizontalFrameSize()
	frameH := h.styles.Frame.GetVerticalFrameSize()
	inner := width - frameW
	rows := height - frameH
	if inner < 4 || rows < 2 {
		return ""
	}
	body := h.columns(inner)
	head := h.styles.Title.Render("Keys")
	foot := h.hint(inner)
	// Title and hint take a row each; the rest scrolls.
	room := rows - 2
	if room < 1 {
		room = rows
		head, foot = "", ""
	}
	h.maxOffset = max(0, len(body)-room)
	off := min(h.offset, h.maxOffset)
	visible := body[off:min(len(body), off+room)]
	var lines []string
	if head != "" {
		lines = append(lines, head)
	}
	lines = append(lines, visible...)
	if foot != "" {
		lines = append(lines, foot)
	}
	return h.styles.Frame.Render(fitLines(lines, inner))
}

// columns renders each key group as a column and packs the columns into
// bands no wider than w, one blank row between bands.
func (h *Help) columns(w int) []string {
	m := help.New()
	m.Styles = h.styles.Help
	var bands []string
	var band []string
	bandW := 0
	for _, group := range h.keyMap.FullHelp() {
		col := m.FullHelpView([][]key.Binding{group})
		if col == "" {
			continue
		}
		cw := lipgloss.Width(col)
		if len(band) > 0 && bandW+len(columnGap)+cw > w {
			bands = append(bands, lipgloss.JoinHorizontal(lipgloss.Top, band...))
			band, bandW = nil, 0
		}
		if len(band) > 0 {
			band = append(band, columnGap)
			bandW += len(columnGap)
		}
		band = append(band, col)
		bandW += cw
	}
	if len(band) > 0 {
		bands = append(bands, lipgloss.JoinHorizontal(lipgloss.Top, band...))
	}
	var lines []string
	for i, b := range bands {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, strings.Split(b, "\n")...)
	}
	return lines
}

// hint is the one-line reminder of how to close or scroll the overlay.
func (h *Help) hint(w int) string {
	m := help.New()
	m.Styles = h.styles.Help
	m.SetWidth(w)
	return m.ShortHelpView(h.keys.ShortHelp())
}
