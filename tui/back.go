package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
)

// canGoBack reports whether esc, with nothing else to clear, returns to the
// picker: the sandbox was opened through it. hadStatus says a message was
// on screen when the key came; esc then only dismisses it.
func (m *Model) canGoBack(hadStatus bool) bool {
	return m.fromPicker && !hadStatus && m.search == nil && m.filter == nil && m.solo == nil
}

// backToPicker leaves the sandbox for the picker, as if sandtail had just
// started without a name: the stream stops, the buffer is dropped, and the
// list is read again with this sandbox highlighted. What the user set up
// for the view (colour, the terminal's size and background) is kept. A
// --from cursor belongs to the sandbox it was opened with, so the next one
// is read from its beginning.
func (m *Model) backToPicker() tea.Cmd {
	old, name := m.gen, m.cfg.Name
	cfg := m.cfg
	cfg.Name, cfg.Dir = "", ""
	cfg.Sandboxes, cfg.AllHome = nil, ""
	if opensAtCursor(cfg.Start) {
		cfg.Start, cfg.Line = engine.FromBeginning(), 0
	}
	styles := m.styles
	fresh := newModel(m.ctx, cfg, options{backend: m.oneBackend(), styles: &styles, colorOK: m.colorOK, titles: m.titles})
	fresh.width, fresh.height, fresh.dark, fresh.color = m.width, m.height, m.dark, m.color
	fresh.title, fresh.genSeq = m.title, m.genSeq
	fresh.picker.Reopen(name)
	fresh.picker.HandleMsg(tea.WindowSizeMsg{Width: m.width, Height: m.height})
	if l := m.pickerList; l != nil {
		// The last list, until the new one arrives.
		fresh.pickerList = l
		fresh.picker.SetLoaded(*l)
	}
	*m = *fresh
	// The viewport asks the model it was made for: this one now.
	m.vp.SetLayout(bodyLayout{m})
	var stop tea.Cmd
	if old != nil {
		old.cancel()
		stop = closeCmd(old.stream)
	}
	return tea.Batch(stop, m.loadPicker(), m.titleCmd())
}

// shortHelp is the footer's key list: with the way back to the picker when
// there is one. Timestamps give way to it, so the line still fits 80
// columns; the full help (?) lists them.
func (m *Model) shortHelp() []key.Binding {
	keys := m.keys.ShortHelp()
	if m.multi != nil {
		keys = m.multiShortHelp(keys)
	}
	if !m.fromPicker {
		return keys
	}
	out := make([]key.Binding, 0, len(keys))
	for _, b := range keys {
		switch b.Help().Key {
		case m.keys.Timestamps.Help().Key:
			continue
		case m.keys.Quit.Help().Key:
			out = append(out, m.keys.Back)
		}
		out = append(out, b)
	}
	return out
}
