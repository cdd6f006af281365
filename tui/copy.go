package tui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/resumecmd"
	"sandtail/text/sanitize"
)

// copyCommand copies a command that opens the selected line in a
// partner's viewer, and shows it so it can be read out or selected with
// tmux's mouse in the same session.
func (m *Model) copyCommand() tea.Cmd {
	sel := m.vp.Selected()
	l := m.vp.Line(sel)
	if l == nil || m.vp.VisibleLen() == 0 {
		m.setStatus("nothing selected", true)
		return nil
	}
	cur, n, exact := m.lineSpot(sel, l)
	if cur.IsZero() {
		m.setStatus("no cursor for this line", true)
		return nil
	}
	if m.cfg.Demo {
		// The demo's directory is removed on exit, so a command would
		// find nothing; the cursor alone still names the spot.
		m.setStatus("copied cursor "+cur.String()+" (the demo's logs are removed on exit)", false)
		return tea.SetClipboard(cur.String())
	}
	cfg := m.cfg
	if m.multi != nil {
		// The line's own sandbox: its cursor fits no other.
		cfg.Name, cfg.Dir = m.multi.name(l.origin), ""
	}
	cmd := resumecmd.Build(ResumeSpec(cfg, m.readSources, cur, n))
	if exact {
		m.setStatus("copied a command that opens this line:", false)
	} else {
		m.setStatus("copied a command that opens the next line (the oldest line held has no cursor before it):", false)
	}
	m.shownCommand = &cmd
	return tea.SetClipboard(cmd.String())
}

// ResumeSpec is what the viewer's Y command reads: the same sandbox (or
// directory), the sources the viewer reads, which the cursor's positions
// fit, and its --until, opening at the n-th line after cur.
func ResumeSpec(cfg Config, read engine.Sources, cur engine.Cursor, n int) resumecmd.Spec {
	return resumecmd.Spec{
		Name:    cfg.Name,
		Home:    cfg.Home,
		Dir:     cfg.Dir,
		Cursor:  cur,
		Sources: read,
		Line:    n,
		Until:   cfg.Until,
		Cloud:   cfg.Cloud != nil,
	}
}

// lineSpot is where a read must start to show line seq, and which line
// after that start it is: the cursor just before the entry that started
// the line, and the line's place in that entry. When the cursor before the
// line is unknown (the first lines of a snapshot's tail) it is the next
// known line's spot, and exact is false.
func (m *Model) lineSpot(seq uint64, l *line) (cur engine.Cursor, n int, exact bool) {
	for next := seq; next < m.vp.End(); next++ {
		if nl := m.vp.Line(next); nl != nil && nl.origin == l.origin && !nl.from.IsZero() {
			return nl.from, int(nl.nth) + 1, next == seq
		}
	}
	return engine.Cursor{}, 0, false
}

// commandRows draws the status above the copied command and the command
// in rows of at most w cells, each continued with a backslash, so that a
// mouse selection of the rows pastes as one command. The command keeps the
// rows it needs while the pane leaves a header and one body row; a pane
// too short for it says that the whole command is on the clipboard.
func (m *Model) commandRows(w int) []string {
	st := m.styles.Status
	cmd := m.shownCommand.Rows(w)
	room := max(m.height-2-len(m.bootRows()), 1)
	var rows []string
	if len(cmd) < room {
		rows = append(rows, " "+st.Render(ansi.Truncate(m.status, w, "…"))+reset)
	}
	if len(cmd) > room {
		cmd = append(cmd[:room-1], "(the pane is too small for the whole command: it is on the clipboard)")
	}
	for _, r := range cmd {
		rows = append(rows, " "+st.Render(ansi.Truncate(sanitize.Plain(r), w, "…"))+reset)
	}
	return rows
}
