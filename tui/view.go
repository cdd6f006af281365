package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// View draws the screen: header, boot error, the visible rows, footer, and
// any open dialog on top. It only reads the model. The window title is not
// part of it: it is set only where it can be given back (title.go).
func (m *Model) View() tea.View {
	if m.picker != nil {
		v := tea.NewView(m.picker.Render(m.width, m.height))
		v.AltScreen = true
		return v
	}
	v := tea.NewView(m.screen())
	if m.vp.VisibleLen() > 0 {
		m.timing.note("frame")
	}
	v.AltScreen = true
	v.Cursor = m.promptCursor()
	if m.cfg.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}

// promptCursor places the terminal's cursor in the open search or filter
// box, where the next character goes; nil hides it.
func (m *Model) promptCursor() *tea.Cursor {
	if m.tl.gotoBox != nil && m.prompt == nil && m.save == nil && !m.overlay.Active() {
		y := 1 + len(m.bootRows()) + m.stripRows() + m.bodyHeight()
		if y >= m.height {
			return nil
		}
		_, x := m.gotoRow()
		return tea.NewCursor(min(x, m.width-1), y)
	}
	if (m.prompt == nil && m.save == nil) || m.overlay.Active() {
		return nil
	}
	y := 1 + len(m.bootRows()) + m.stripRows() + m.bodyHeight()
	if y >= m.height {
		return nil // the pane is too short for the box's row
	}
	var x int
	if m.save != nil {
		if _, x = m.saveRow(); x < 0 {
			return nil
		}
	} else {
		_, x = m.promptRow()
	}
	return tea.NewCursor(min(x, m.width-1), y)
}

// screen is the frame as text: exactly m.height rows, none wider than
// m.width.
func (m *Model) screen() string {
	h := m.bodyHeight()
	body := m.bodyRows()
	for len(body) < h {
		body = append(body, "")
	}
	bodyText := strings.Join(body, "\n")
	if m.overlay.Active() {
		bodyText = m.overlay.Render(bodyText, m.width, h)
	}
	rows := make([]string, 0, m.height)
	rows = append(rows, m.header())
	rows = append(rows, m.bootRows()...)
	rows = append(rows, m.stripView()...)
	rows = append(rows, strings.Split(bodyText, "\n")...)
	rows = append(rows, m.footerRows()...)
	if len(rows) > m.height {
		// A pane too short for all the parts: the top ones win, and the
		// frame never scrolls the terminal.
		rows = rows[:m.height]
	}
	return strings.Join(rows, "\n")
}
