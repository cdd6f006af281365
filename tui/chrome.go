package tui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/text/level"
	"sandtail/text/sanitize"
)

// sourceLabels are the header's names for the sources, long and short.
var sourceLabels = [4][2]string{
	{"stdout", "out"}, {"stderr", "err"}, {"output", "pty"}, {"system", "sys"},
}

// part is one piece of the header: its text and style.
type part struct {
	text string
	st   lipgloss.Style
}

// header draws the top row: name, state, source toggles and counts,
// skipped records, solo, filter and search status. On a narrow pane it
// falls back to short labels, then cuts the end.
func (m *Model) header() string {
	name := m.displayName()
	left := []part{{" " + name + " ", m.styles.HeaderName}}
	if m.cfg.Demo {
		left = append(left, part{"simulated ", m.styles.HeaderDemo})
	}
	if m.cfg.Cloud != nil {
		left = append(left, part{"cloud ", m.styles.HeaderDemo})
	}
	left = append(left, m.statePart())
	right := m.statusParts()
	// Long labels, then short ones, then without the sparklines (H).
	variants := []struct{ short, spark bool }{{false, true}, {true, true}, {true, false}}
	for i, v := range variants {
		parts := append(append(append([]part{}, left...), m.sourceParts(v.short, v.spark)...), right...)
		if s, w := m.joinParts(parts); w <= m.width || i == len(variants)-1 {
			return m.fitRow(s, w, m.styles.Header)
		}
	}
	return ""
}

// displayName is the sanitised sandbox name, or the directory's.
func (m *Model) displayName() string {
	if m.multi != nil {
		return m.multi.headerName(m.cfg.AllHome != "")
	}
	if m.cfg.Name != "" {
		return sanitize.Plain(m.cfg.Name)
	}
	if m.cfg.Dir != "" {
		return sanitize.Plain(m.cfg.Dir)
	}
	return "sandtail"
}

// statePart is LIVE, PAUSED with the count of new lines, ENDED or ERROR.
func (m *Model) statePart() part {
	below := ""
	if n := m.vp.NewBelow(); n > 0 {
		below = fmt.Sprintf(" ↓%s new", humanCount(n))
	}
	switch {
	case m.state == stateError:
		return part{"✗ ERROR" + below, m.styles.StateError}
	case m.state == stateEnded:
		return part{"■ ENDED" + below, m.styles.StateEnded}
	case m.state == stateLoading:
		return part{"… LOADING", m.styles.StateEnded}
	case m.reconnecting > 0:
		return part{fmt.Sprintf("⟳ reconnecting (%d)", m.reconnecting) + below, m.styles.StatePaused}
	case !m.vp.Following():
		return part{"‖ PAUSED" + below, m.styles.StatePaused}
	default:
		return part{"● LIVE", m.styles.StateLive}
	}
}

// sourceParts are the four toggles with their counts.
func (m *Model) sourceParts(short, spark bool) []part {
	var out []part
	for i, src := range engine.AllSourceList() {
		on, st, mark := m.show.Has(src), m.styles.SourceOn, "✓"
		if !on {
			st, mark = m.styles.SourceOff, "✗"
		}
		label := sourceLabels[i][0] + " " + mark + " "
		if short {
			label = sourceLabels[i][1] + mark
		}
		out = append(out, part{"  " + label, st}, part{humanCount(m.counts[src]), m.styles.Count})
		if spark {
			out = append(out, m.sparkPart(src)...)
		}
	}
	return out
}

// statusParts are skipped records, solo, filter and search status.
func (m *Model) statusParts() []part {
	var out []part
	if n := m.skippedBase + m.skippedLive; n > 0 {
		out = append(out, part{fmt.Sprintf("  skipped %s", humanCount(int(n))), m.styles.Skipped})
	}
	if m.solo != nil {
		out = append(out, part{"  solo " + soloLabel(m.solo), m.styles.SearchStatus})
	}
	if m.filter != nil {
		op := "filter:"
		if m.filterInvert {
			op = "exclude:"
		}
		out = append(out, part{"  " + op + queryLabel(m.filter) + m.contextLabel(), m.styles.SearchStatus})
	}
	if m.minLevel != level.None {
		out = append(out, part{"  level:" + levelLabel(m.minLevel), m.styles.SearchStatus})
	}
	if m.search != nil {
		out = append(out, part{"  /" + queryLabel(m.search) + " " + m.searchInfo, m.styles.SearchStatus})
	}
	return out
}

// queryLabel is a query as the header shows it: "re:" in front of a
// regular expression, so the mode is visible with the box closed.
func queryLabel(mt *matcher) string {
	q := sanitize.Plain(mt.query)
	if mt.isRegex() {
		return "re:" + q
	}
	return q
}

// soloLabel names the solo session.
func soloLabel(s *soloSession) string {
	if !s.has {
		return s.source.String() + " (no session)"
	}
	return fmt.Sprintf("[%d]", s.session)
}

// matchStatus is "i/N" when the selection is on the i-th of N matching
// lines, else how many lines match.
func (m *Model) matchStatus() string {
	if hs := m.scans[scanSearch]; hs != nil && m.win != nil {
		if p := m.scanProgress(scanSearch); p != "" {
			// Until the search of the log is done, the lines held are
			// what is known for sure.
			return m.heldMatchStatus() + " (searching " + p + ")"
		}
		return m.logMatchStatus(hs)
	}
	return m.heldMatchStatus()
}

// heldMatchStatus is matchStatus over the lines held.
func (m *Model) heldMatchStatus() string {
	n := m.vp.MatchLen()
	i, ok := m.vp.MatchIndex(m.vp.Selected())
	switch {
	case n == 0:
		return "no match"
	case !ok && n == 1:
		return "1 match"
	case !ok:
		return fmt.Sprintf("%d matches", n)
	}
	return fmt.Sprintf("%d/%d", i+1, n)
}

// logMatchStatus is matchStatus over the whole History, once its search
// is done: the selection's place among all the matches.
func (m *Model) logMatchStatus(hs *histScan) string {
	n := hs.scan.Count()
	// Lines that arrived after the search of the log got to its end are
	// matched in the lines held, when those reach the newest entries.
	done, _, finished, _ := hs.scan.Progress()
	newer, newerRank := 0, -1
	if finished && m.win.attached() {
		newer, newerRank = m.matchesFrom(done)
	}
	n += newer
	more := ""
	if hs.scan.Capped() {
		more = "+"
	}
	ord, nth, ok := m.selectedOrd()
	switch {
	case n == 0 && more == "":
		return "no match"
	case ok && m.vp.IsMatch(m.vp.Selected()) && ord >= done && newerRank >= 0:
		return fmt.Sprintf("%d/%d%s", n-newer+newerRank+1, n, more)
	case ok && m.vp.IsMatch(m.vp.Selected()):
		return fmt.Sprintf("%d/%d%s", hs.scan.Rank(uint32(ord), nth)+1, n, more)
	case n == 1 && more == "":
		return "1 match"
	}
	return fmt.Sprintf("%d matches%s", n, more)
}

// matchesFrom counts the matches among the lines held made from entries
// at or after ord, and returns the selection's place among them (-1 when
// it is not one).
func (m *Model) matchesFrom(ord int) (n, rank int) {
	rank = -1
	sel := m.vp.Selected()
	var seqs []uint64
	for i := m.vp.MatchLen() - 1; i >= 0; i-- {
		seq := m.vp.MatchAt(i)
		l := m.vp.Line(seq)
		if l == nil || l.ord < ord {
			break
		}
		seqs = append(seqs, seq)
	}
	for i := range seqs {
		if seqs[len(seqs)-1-i] == sel {
			rank = i
		}
	}
	return len(seqs), rank
}

// joinParts renders parts over the header background and returns the
// result and its width.
func (m *Model) joinParts(parts []part) (string, int) {
	var b strings.Builder
	w := 0
	for _, p := range parts {
		b.WriteString(p.st.Inherit(m.styles.Header).Render(p.text))
		w += ansi.StringWidth(p.text)
	}
	return b.String(), w
}

// fitRow cuts or pads a rendered row of width w to exactly the pane width.
func (m *Model) fitRow(s string, w int, pad lipgloss.Style) string {
	if w > m.width {
		return ansi.Truncate(s, m.width-1, "") + pad.Render("…") + reset
	}
	if w < m.width {
		s += pad.Render(strings.Repeat(" ", m.width-w))
	}
	return s + reset
}

// bootRows draws boot-error.json's content, at most three rows.
func (m *Model) bootRows() []string {
	b := m.boot
	if b == nil {
		return nil
	}
	title := "✗ sandbox failed to start"
	detail := "stage " + sanitize.Plain(b.Stage)
	if b.Errno != nil {
		detail += fmt.Sprintf(", errno %d", *b.Errno)
	}
	msg := sanitize.Plain(b.Message)
	text := title + " (" + detail + "): " + msg
	w := max(m.width-1, 1)
	var rows []string
	for i := 0; i < 3; i++ {
		cut := ansi.Cut(text, i*w, (i+1)*w)
		if cut == "" {
			break
		}
		if i == 2 && ansi.StringWidth(text) > 3*w {
			cut = ansi.Truncate(cut, w-1, "") + "…"
		}
		st := m.styles.BootErrorText
		if i == 0 {
			st = m.styles.BootError
		}
		rows = append(rows, " "+st.Render(cut)+reset)
	}
	return rows
}

// maxStatusRows bounds how many rows a long status message (the copied
// resume command) may take, so it can be read out whole.
const maxStatusRows = 4

// footerRows draws the bottom rows: the open prompt, else a status
// message (wrapped, so a copied command is shown whole), else the
// stream's error, else the short help.
func (m *Model) footerRows() []string {
	if m.save != nil {
		row, _ := m.saveRow()
		return []string{row}
	}
	if m.prompt != nil {
		row, _ := m.promptRow()
		return []string{row}
	}
	if m.tl.gotoBox != nil {
		row, _ := m.gotoRow()
		return []string{row}
	}
	w := max(m.width-1, 1)
	modes := strings.Join(m.activeModes(), " · ")
	if modes != "" {
		modes += " · "
	}
	below := ""
	if n := m.vp.NewBelow(); n > 0 {
		below = fmt.Sprintf("↓ %s new · ", humanCount(n))
	}
	switch {
	case m.shownCommand != nil:
		return m.commandRows(w)
	case m.status != "":
		st := m.styles.Status
		if m.statusErr {
			st = m.styles.StatusError
		}
		return m.infoAbove(m.wrapRows(modes+below+m.status, w, st))
	case m.streamErr != "":
		return m.infoAbove(m.wrapRows(modes+below+m.streamErr, w, m.styles.StatusError))
	}
	m.help.SetWidth(max(w-ansi.StringWidth(modes+below), 0))
	row := " " + renderNonEmpty(m.styles.ModeOn, modes) + renderNonEmpty(m.styles.Footer, below) +
		m.help.ShortHelpView(m.shortHelp())
	return m.withPositionInfo(ansi.Truncate(row, m.width, "") + reset)
}

// activeModes names the display modes that change what lines look like
// and are not otherwise visible: wrap off (with the first column shown
// when scrolled sideways), the raw view and colour turned off. They lead
// the footer, so a screen that looks odd says why.
func (m *Model) activeModes() []string {
	var out []string
	if !m.wrap {
		s := "wrap off"
		if x := m.vp.XOffset(); x > 0 {
			s += fmt.Sprintf(", from column %d", x+1)
		}
		out = append(out, s)
	}
	if m.raw {
		out = append(out, "raw view")
	}
	if m.colorOK && !m.color {
		out = append(out, "colour off")
	}
	return out
}

// wrapRows cuts plain text into rows of w cells, at most maxStatusRows
// (and never more than leaves one body row), the last ending in "…" when
// cut.
func (m *Model) wrapRows(text string, w int, st lipgloss.Style) []string {
	limit := min(maxStatusRows, max(m.height-2-len(m.bootRows())-1, 1))
	total := ansi.StringWidth(text)
	var rows []string
	for i := 0; i < limit && i*w < total; i++ {
		cut := ansi.Cut(text, i*w, (i+1)*w)
		if i == limit-1 && total > (i+1)*w {
			cut = ansi.Truncate(cut, w-1, "") + "…"
		}
		rows = append(rows, " "+st.Render(cut)+reset)
	}
	if len(rows) == 0 {
		rows = []string{""}
	}
	return rows
}
