package picker

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/text/human"
	"sandtail/text/sanitize"
)

// Column widths of the time, size and boot-error columns. "364d ago" and
// "1023 KiB" are the widest values the formatters produce.
const (
	timeWidth      = 8
	sizeWidth      = 8
	flagWideText   = "boot error"
	flagNarrowText = "!"
	// The flag of a sandbox whose logs cannot be read, as wide as the
	// boot-error flag.
	unreadableWide   = "unreadable"
	unreadableNarrow = "?"
	// wideAt is the screen width from which the boot-error flag is spelled
	// out instead of shown as "!".
	wideAt = 60
)

// chromeRows is what the title, filter, column header and hint take.
const chromeRows = 4

// pageRows is how many sandboxes one screen shows, for paging; before the
// first window size arrives it guesses a small screen.
func (p *Picker) pageRows() int {
	if p.height <= 0 {
		return 10
	}
	return max(1, p.height-chromeRows)
}

// Render draws the picker to exactly height rows of at most width cells.
func (p *Picker) Render(width, height int) string {
	if width <= 0 || height <= 0 {
		return ""
	}
	var rows []string
	rows = append(rows, p.title(width))
	if p.loaded && p.err == nil && len(p.all) > 0 {
		rows = append(rows, p.filterLine(width))
	}
	switch {
	case !p.loaded:
		rows = append(rows, "", p.styles.Message.Render("Looking for sandboxes…"))
	case p.err != nil || len(p.all) == 0:
		rows = append(rows, "")
		rows = append(rows, p.explain(width)...)
	default:
		note := p.noteRows(width)
		listRows := max(1, height-chromeRows-len(note))
		rows = append(rows, p.header(width))
		rows = append(rows, p.list(width, listRows)...)
		if len(note) > 0 {
			for len(rows) < height-1-len(note) {
				rows = append(rows, "")
			}
			rows = append(rows, note...)
		}
	}
	hint := p.hint(width)
	if len(rows) >= height {
		rows = rows[:max(1, height-1)]
	}
	for len(rows) < height-1 {
		rows = append(rows, "")
	}
	if len(rows) < height {
		rows = append(rows, hint)
	}
	for i, r := range rows {
		if ansi.StringWidth(r) > width {
			rows[i] = ansi.Truncate(r, width, "…")
		}
	}
	return strings.Join(rows[:height], "\n")
}

// title is the heading row: what this is, where it looked, and how many
// sandboxes the filter leaves.
func (p *Picker) title(width int) string {
	left := p.styles.Title.Render("sandtail · pick a sandbox")
	if p.cloud() {
		left = p.styles.Title.Render("sandtail · pick a cloud sandbox")
	}
	path := p.styles.Path.Render(" in " + sanitize.Plain(p.home))
	count := ""
	if p.loaded && len(p.all) > 0 {
		count = fmt.Sprintf("%d/%d", len(p.matches), len(p.all))
		if n := len(p.marked); n > 0 {
			count = fmt.Sprintf("%d selected · %s", n, count)
		}
	}
	room := width - lipgloss.Width(left) - len(count) - 1
	if room > 4 {
		left += ansi.Truncate(path, room, "…")
	}
	gap := max(1, width-lipgloss.Width(left)-len(count))
	return left + strings.Repeat(" ", gap) + p.styles.Meta.Render(count)
}

// filterLine shows the filter being typed, or how to start one.
func (p *Picker) filterLine(width int) string {
	prompt := p.styles.Prompt.Render("filter: ")
	if p.filter == "" {
		return prompt + p.styles.Hint.Render("type to filter")
	}
	f := sanitize.Plain(p.filter)
	room := width - lipgloss.Width(prompt) - 1
	// Show the end of a long filter: that is where the user is typing.
	if ansi.StringWidth(f) > room {
		f = ansi.TruncateLeft(f, ansi.StringWidth(f)-room+1, "…")
	}
	return prompt + p.styles.Filter.Render(f) + p.styles.Prompt.Render("▏")
}

// explain says why there is nothing to pick and what to do about it.
func (p *Picker) explain(width int) []string {
	home := sanitize.Plain(p.home)
	var text []string
	switch {
	case p.err != nil:
		text = append(text, p.styles.Error.Render(wrap("Could not list the sandboxes: "+sanitize.Plain(p.err.Error()), width)))
	case p.cloud():
		text = append(text, p.styles.Message.Render(wrap("No sandboxes in "+home+".", width)))
	default:
		text = append(text, p.styles.Message.Render(wrap("No sandboxes found in "+home+"/sandboxes.", width)))
	}
	if p.cloud() {
		text = append(text, "", p.styles.Message.Render(wrap("sandtail asks the cloud at $MSB_API_URL with the key in $MSB_API_KEY; without --cloud it lists the sandboxes on this machine.", width)))
		return strings.Split(strings.Join(text, "\n"), "\n")
	}
	text = append(text,
		"",
		p.styles.Message.Render(wrap("sandtail looks in $MSB_HOME, else ~/.microsandbox; use --home to look elsewhere, or --dir for a log directory.", width)),
		"",
		p.styles.Message.Render(wrap("Try `sandtail --demo` to watch a simulated sandbox.", width)),
	)
	return strings.Split(strings.Join(text, "\n"), "\n")
}

// maxNoteRows bounds the rows the note about an unreadable sandbox takes.
const maxNoteRows = 3

// noteRows is the note wrapped to the width, in at most maxNoteRows rows.
func (p *Picker) noteRows(width int) []string {
	note := p.note
	if note == "" {
		note = p.listNote
	}
	if note == "" {
		return nil
	}
	rows := strings.Split(wrap(sanitize.Plain(note), width), "\n")
	if len(rows) > maxNoteRows {
		rows = rows[:maxNoteRows]
		rows[maxNoteRows-1] = ansi.Truncate(rows[maxNoteRows-1], width-1, "") + "…"
	}
	for i, r := range rows {
		rows[i] = p.styles.Error.Render(r)
	}
	return rows
}

// list renders up to rows sandboxes, starting at the scroll offset, moved
// if needed so the selection is visible.
func (p *Picker) list(width, rows int) []string {
	if len(p.matches) == 0 {
		return []string{p.styles.Message.Render(fmt.Sprintf("No sandbox matches %q.", sanitize.Plain(p.filter)))}
	}
	off := min(p.offset, max(0, len(p.matches)-rows))
	if p.selected < off {
		off = p.selected
	}
	if p.selected >= off+rows {
		off = p.selected - rows + 1
	}
	now := p.now()
	var out []string
	for i := off; i < len(p.matches) && i < off+rows; i++ {
		sb := p.all[p.matches[i]]
		flag, written, size := "", ago(now, sb.LastWrite), human.Bytes(sb.Size)
		switch {
		case p.cloud():
			// The status says what the flag would: a sandbox that is
			// not running cannot stream.
			size = sanitize.Plain(p.status[sb.Name])
		case sb.Err != nil:
			flag, written, size = unreadableNarrow, "?", "?"
			if width >= wideAt {
				flag = unreadableWide
			}
		case sb.BootError:
			flag = flagNarrowText
			if width >= wideAt {
				flag = flagWideText
			}
		}
		name, meta := p.cells(width, sanitize.Plain(sb.Name), written, size)
		flagCell := padRight(flag, p.flagWidth(width))
		mark := " "
		if p.marked[sb.Name] {
			mark = "✓"
		}
		if i == p.selected {
			out = append(out, p.styles.Selected.Render("▸"+mark+name+meta+flagCell))
			continue
		}
		// Style the columns apart: name bright, metadata dim, flag loud.
		out = append(out, " "+mark+p.styles.Row.Render(name)+p.styles.Meta.Render(meta)+p.styles.BootError.Render(flagCell))
	}
	return out
}

// header is the column-name row, aligned with the list rows.
func (p *Picker) header(width int) string {
	name, meta := p.cells(width, "NAME", "WRITTEN", "SIZE")
	if p.cloud() {
		name, meta = p.cells(width, "NAME", "STARTED", "STATUS")
	}
	return p.styles.Header.Render("  " + name + meta + padRight("", p.flagWidth(width)))
}

// cells lays out one row after the two-cell selection marker: the name
// takes what the fixed time, size and flag columns leave.
func (p *Picker) cells(width int, name, written, size string) (nameCell, metaCell string) {
	metaCell = " " + padLeft(written, timeWidth) + " " + padLeft(size, sizeWidth) + " "
	nameW := max(1, width-2-ansi.StringWidth(metaCell)-p.flagWidth(width))
	// Keep the columns next to the names on a wide screen.
	nameW = min(nameW, p.longestName()+2)
	if ansi.StringWidth(name) > nameW {
		name = ansi.Truncate(name, nameW, "…")
	}
	return padRight(name, nameW), metaCell
}

// longestName is the widest sandbox name (at least "NAME"), over the whole
// list so the columns do not move while the filter narrows it.
func (p *Picker) longestName() int {
	w := len("NAME")
	for _, sb := range p.all {
		w = max(w, ansi.StringWidth(sanitize.Plain(sb.Name)))
	}
	return w
}

// flagWidth is the boot-error column's width: spelled out on wide screens.
func (p *Picker) flagWidth(width int) int {
	if width >= wideAt {
		return len(flagWideText)
	}
	return len(flagNarrowText)
}

// hint is the key reminder on the last row: only quitting makes sense
// when there is nothing to pick.
func (p *Picker) hint(width int) string {
	h := help.New()
	h.Styles.ShortKey = p.styles.Hint.Bold(true)
	h.Styles.ShortDesc = p.styles.Hint
	h.Styles.ShortSeparator = p.styles.Hint
	h.Styles.Ellipsis = p.styles.Hint
	h.SetWidth(width)
	if !p.loaded || p.err != nil || len(p.all) == 0 {
		return h.ShortHelpView([]key.Binding{p.keys.Quit})
	}
	return h.ShortHelpView(p.keys.ShortHelp())
}

// padLeft right-aligns s in w cells.
func padLeft(s string, w int) string {
	return strings.Repeat(" ", max(0, w-ansi.StringWidth(s))) + s
}

// padRight left-aligns s in w cells.
func padRight(s string, w int) string {
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

// wrap fills lines of at most w cells with whole words, breaking only at
// spaces (ansi.Wrap also breaks after hyphens, which splits "--home"); a
// word longer than a line is cut hard.
func wrap(s string, w int) string {
	w = max(w, 1)
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		switch {
		case line == "":
			line = word
		case ansi.StringWidth(line)+1+ansi.StringWidth(word) <= w:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
		for ansi.StringWidth(line) > w {
			lines = append(lines, ansi.Cut(line, 0, w))
			line = ansi.Cut(line, w, ansi.StringWidth(line))
		}
	}
	return strings.Join(append(lines, line), "\n")
}

// ago says how long before now t was, in the largest whole unit: "12s ago",
// "3m ago", "5h ago", "12d ago", "2y ago".
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	d := now.Sub(t)
	switch {
	case d < time.Second:
		return "just now"
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh ago", int(d/time.Hour))
	case d < 365*24*time.Hour:
		return fmt.Sprintf("%dd ago", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%dy ago", int(d/(365*24*time.Hour)))
}
