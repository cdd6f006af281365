package tui

// The go-to-time box (@): the user types a time (see timeprompt) and Enter
// selects the first line shown at or after it. A time before the oldest
// line held or after the newest says so and leaves the selection alone.

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/text/sanitize"
	"sandtail/timeprompt"
)

// gotoBox is the open @ box.
type gotoBox struct {
	input textinput.Model
	err   string // why the last Enter did not go anywhere
}

// maxGotoBytes bounds what the box takes: every accepted form is short.
const maxGotoBytes = 64

// openGoto opens the @ box.
func (m *Model) openGoto() {
	if m.vp.VisibleLen() == 0 {
		m.setStatus("no line to go to yet", true)
		return
	}
	in := textinput.New()
	in.KeyMap = m.keys.Prompt.Edit
	in.Prompt = ""
	in.CharLimit = maxGotoBytes
	in.SetVirtualCursor(false)
	in.Focus()
	m.tl.gotoBox = &gotoBox{input: in}
}

// updateGoto handles a key while the box is open.
func (m *Model) updateGoto(msg tea.KeyPressMsg) {
	b := m.tl.gotoBox
	switch {
	case key.Matches(msg, m.keys.Prompt.Accept):
		if err := m.gotoTime(b.input.Value()); err != nil {
			if bad, ok := err.(badTime); ok {
				b.err = string(bad) // left open, to be corrected
				return
			}
			m.setStatus(err.Error(), true)
		}
		m.tl.gotoBox = nil
	case key.Matches(msg, m.keys.Prompt.Cancel):
		m.tl.gotoBox = nil
	default:
		b.err = ""
		b.input, _ = b.input.Update(msg)
	}
}

// pasteIntoGoto types pasted text into the box, up to its limit; control
// characters are dropped.
func (m *Model) pasteIntoGoto(s string) {
	b := m.tl.gotoBox
	clean := []rune{}
	for _, r := range s {
		if r >= 0x20 && r != 0x7f && utf8.ValidRune(r) {
			clean = append(clean, r)
		}
	}
	b.input.SetValue(b.input.Value() + string(clean))
	b.input.CursorEnd()
}

// badTime is a time the box cannot read: the box stays open to fix it.
type badTime string

func (b badTime) Error() string { return string(b) }

// gotoTime selects the first line shown at or after the time typed, and
// says why it cannot: a badTime, or a time outside the history.
func (m *Model) gotoTime(typed string) error {
	n := m.vp.VisibleLen()
	if n == 0 {
		return errors.New("no line to go to")
	}
	oldest, newest := m.vp.Line(m.vp.VisibleAt(0)).time(), m.vp.Line(m.vp.VisibleAt(n-1)).time()
	for i := 0; i < n; i++ {
		t := m.vp.Line(m.vp.VisibleAt(i)).time()
		if t.Before(oldest) {
			oldest = t
		}
		if t.After(newest) {
			newest = t
		}
	}
	held := "held"
	if m.win != nil {
		// The whole log on disk, not only the lines held.
		if o, nw, ok := m.win.h.Span(); ok {
			oldest, newest = minTime(oldest, o), maxTime(newest, nw)
		}
		held = "on disk"
	}
	day := oldest
	if l := m.vp.Line(m.vp.Selected()); l != nil {
		day = l.time()
	}
	want, err := timeprompt.Parse(typed, timeprompt.Context{Day: day, Newest: newest, Loc: m.zone()})
	if err != nil {
		return badTime(err.Error())
	}
	show := func(t interface{ Format(string) string }) string { return t.Format(fullTimeLayout) }
	switch {
	case want.Before(oldest):
		return fmt.Errorf("%s is outside the history: before the oldest line %s (%s)", show(m.inZone(want)), held, show(m.inZone(oldest)))
	case want.After(newest):
		return fmt.Errorf("%s is outside the history: after the newest line (%s)", show(m.inZone(want)), show(m.inZone(newest)))
	}
	if m.windowAtTime(want) {
		n = m.vp.VisibleLen()
	}
	for i := 0; i < n; i++ {
		seq := m.vp.VisibleAt(i)
		if !m.vp.Line(seq).time().Before(want) {
			m.vp.Goto(seq)
			m.setStatus("went to the first line at or after "+show(m.inZone(want)), false)
			return nil
		}
	}
	return errors.New("no line at or after " + show(m.inZone(want)))
}

// gotoRow draws the open box in the footer and returns where the
// terminal's cursor goes.
func (m *Model) gotoRow() (string, int) {
	b := m.tl.gotoBox
	label := "go to time: "
	msg, st := b.err, m.styles.PromptError
	if msg == "" {
		msg, st = "RFC 3339, 14:05[:30.250] or -5m; enter goes, esc cancels", m.styles.ModeOff
	}
	msg = "  " + sanitize.Plain(msg)
	room := max(m.width-1-ansi.StringWidth(label)-ansi.StringWidth(msg), minInputCells)
	text, col, cut := inputWindow([]rune(b.input.Value()), b.input.Position(), room)
	s := " " + m.styles.Prompt.Render(label) + renderNonEmpty(m.styles.PromptText, text)
	if cut {
		s += m.styles.PromptText.Render("…")
	}
	s += st.Render(msg)
	return ansi.Truncate(s, m.width, "") + reset, 1 + ansi.StringWidth(label) + col
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
