package tui

import (
	"strings"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
)

// copyCommand copies a command that opens the selected line's spot, and
// shows it so it can be read out to someone in the same tmux session.
func (m *Model) copyCommand() tea.Cmd {
	l := m.ring.At(m.sel)
	if l == nil || m.visible.Len() == 0 {
		m.setStatus("nothing selected", true)
		return nil
	}
	cur, ok := m.lineCursor(m.sel, l)
	if !ok {
		m.setStatus("no cursor for this line", true)
		return nil
	}
	if m.cfg.Demo {
		// The demo's directory is removed on exit, so a command would
		// find nothing; the cursor alone still names the spot.
		m.setStatus("copied cursor "+cur.String()+" (the demo's logs are removed on exit)", false)
		return tea.SetClipboard(cur.String())
	}
	cmd := m.resumeCommand(cur)
	m.setStatus(cmd, false)
	return tea.SetClipboard(cmd)
}

// lineCursor is the cursor that opens line seq: the one just before the
// entry that started it, so resuming shows the line itself; when that is
// unknown (the first line of a snapshot's tail) it is the next line's,
// which opens just after it.
func (m *Model) lineCursor(seq uint64, l *line) (engine.Cursor, bool) {
	cur := l.from
	for next := seq + 1; cur.IsZero() && next < m.ring.End(); next++ {
		cur = m.ring.At(next).from
	}
	return cur, !cur.IsZero()
}

// resumeCommand builds "sandtail NAME --from CURSOR --source …". --source
// names exactly the sources this viewer reads, because a cursor holds one
// position per file read and only fits a read of the same sources.
func (m *Model) resumeCommand(cur engine.Cursor) string {
	args := []string{"sandtail"}
	if m.cfg.Name != "" {
		args = append(args, m.cfg.Name)
		// A partner's sandtail looks in its own default home; name ours
		// when this viewer was pointed elsewhere.
		if m.cfg.Home != "" && m.cfg.Home != engine.Home() {
			args = append(args, "--home", shellQuote(m.cfg.Home))
		}
	} else {
		args = append(args, "--dir", shellQuote(m.cfg.Dir))
	}
	args = append(args, "--from", cur.String(), "--source", sourceList(m.readSources))
	return strings.Join(args, " ")
}

// sourceList spells a set of sources the way --source takes it.
func sourceList(s engine.Sources) string {
	if s == engine.AllSources {
		return "all"
	}
	var names []string
	for _, src := range engine.AllSourceList() {
		if s.Has(src) {
			names = append(names, src.String())
		}
	}
	return strings.Join(names, ",")
}

// shellQuote quotes s for a POSIX shell when it holds anything but
// characters that are safe bare.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("/._-+=:,@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
