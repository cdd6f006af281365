package dialog

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/keymap"
	"sandtail/theme"
)

// MarksID is the ID of the list of marks.
const MarksID = "marks"

// MarkState says where a mark's line is.
type MarkState uint8

const (
	MarkHeld   MarkState = iota // among the lines the viewer holds
	MarkOnDisk                  // still in the logs, older than the lines held
	MarkGone                    // its file left the logs' retention
)

// MarkItem is one mark as the list shows it; its texts are already safe
// to show (sanitised by the owner).
type MarkItem struct {
	Time, Source, Text string
	State              MarkState
}

// ActionGoToMark asks the owner to go to the Index-th mark listed.
type ActionGoToMark struct{ Index int }

// ActionDeleteMark asks the owner to unmark the Index-th mark listed.
type ActionDeleteMark struct{ Index int }

func (ActionGoToMark) isAction()   {}
func (ActionDeleteMark) isAction() {}

// Marks lists a sandbox's marks: time, source and first words, and for a
// mark whose line is not held, whether it is still on disk or gone.
type Marks struct {
	items    []MarkItem
	keys     keymap.MarksList
	styles   theme.Dialog
	selected int
	offset   int
}

var _ Dialog = (*Marks)(nil)

// NewMarks builds the list; the newest mark is highlighted.
func NewMarks(items []MarkItem, keys keymap.MarksList, styles theme.Dialog) *Marks {
	return &Marks{items: items, keys: keys, styles: styles, selected: max(len(items)-1, 0)}
}

// ID implements Dialog.
func (*Marks) ID() string { return MarksID }

// Selected is the index of the highlighted mark.
func (d *Marks) Selected() int { return d.selected }

// HandleMsg implements Dialog.
func (d *Marks) HandleMsg(msg tea.Msg) Action {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || len(d.items) == 0 {
		if ok && key.Matches(k, d.keys.Close, d.keys.Choose) {
			return ActionClose{}
		}
		return nil
	}
	switch {
	case key.Matches(k, d.keys.Close):
		return ActionClose{}
	case key.Matches(k, d.keys.Up):
		d.selected = (d.selected + len(d.items) - 1) % len(d.items)
	case key.Matches(k, d.keys.Down):
		d.selected = (d.selected + 1) % len(d.items)
	case key.Matches(k, d.keys.Choose):
		return ActionGoToMark{Index: d.selected}
	case key.Matches(k, d.keys.Delete):
		return ActionDeleteMark{Index: d.selected}
	}
	return nil
}

// stateWords says where a mark's line is, for the marks not held.
func stateWords(s MarkState) string {
	switch s {
	case MarkOnDisk:
		return "older than the lines held"
	case MarkGone:
		return "gone (its file left retention)"
	}
	return ""
}

// Render implements Dialog: a title, one row per mark (scrolled to keep
// the highlighted one in view) and the key reminder.
func (d *Marks) Render(width, height int) string {
	frameW := d.styles.Frame.GetHorizontalFrameSize()
	frameH := d.styles.Frame.GetVerticalFrameSize()
	w := min(max(width-frameW, 10), 100)
	rows := max(height-frameH-3, 1) // title, blank, hint
	if rows > len(d.items) {
		rows = len(d.items)
	}
	if d.selected < d.offset {
		d.offset = d.selected
	}
	if d.selected >= d.offset+rows {
		d.offset = d.selected - rows + 1
	}
	lines := []string{d.styles.Title.Render(ansi.Truncate(fmt.Sprintf("Marks (%d)", len(d.items)), w, "…")), ""}
	for i := d.offset; i < d.offset+rows && i < len(d.items); i++ {
		it := d.items[i]
		text := it.Text
		if s := stateWords(it.State); s != "" {
			text = "[" + s + "] " + text
		}
		plain := fmt.Sprintf("%s %-6s %s", it.Time, it.Source, text)
		marker := "  "
		if i == d.selected {
			marker = "▸ "
		}
		plain = ansi.Truncate(marker+plain, w, "…")
		plain += strings.Repeat(" ", max(0, w-ansi.StringWidth(plain)))
		switch {
		case i == d.selected:
			lines = append(lines, d.styles.Selected.Render(plain))
		case it.State == MarkGone:
			lines = append(lines, d.styles.Hint.Render(plain))
		default:
			lines = append(lines, d.styles.Action.Render(plain))
		}
	}
	h := help.New()
	h.Styles = d.styles.Help
	h.SetWidth(w)
	lines = append(lines, h.ShortHelpView(d.keys.ShortHelp()))
	box := d.styles.Frame.Render(fitLines(lines, w))
	if lipgloss.Height(box) > height {
		return fitScreen(strings.Join(lines, "\n"), width, height)
	}
	return box
}
