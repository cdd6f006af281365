package tui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// promptKind says what the box edits.
type promptKind uint8

const (
	promptSearch promptKind = iota // highlight and jump to matches
	promptFilter                   // show only (or hide) matching lines
)

// maxQueryBytes bounds what can be typed or pasted into the box.
const maxQueryBytes = 1024

// prompt is the open search or filter box. It remembers the state it was
// opened from, so Esc puts everything back.
type prompt struct {
	kind  promptKind
	input string
	regex bool
	err   string // the last invalid regular expression's error

	// What Esc restores.
	search       *matcher
	filter       *matcher
	filterInvert bool
	origin       lineRef // the selected line: where a search looks up from
	top          uint64
	topRow       int
	follow       bool
	paused       bool
	// wrapped says the search found nothing above origin and landed on
	// the newest match instead.
	wrapped bool
}

// openPrompt opens the box, starting from the active query so it can be
// edited rather than retyped.
func (m *Model) openPrompt(kind promptKind) {
	p := &prompt{
		kind: kind, search: m.search, filter: m.filter, filterInvert: m.filterInvert,
		origin: m.refOf(m.sel), top: m.top, topRow: m.topRow, follow: m.follow, paused: m.paused,
	}
	m.landing = nil
	switch {
	case kind == promptSearch && m.search != nil:
		p.input, p.regex = m.search.query, m.search.regexFlag
	case kind == promptFilter && m.filter != nil:
		p.input, p.regex = m.filter.query, m.filter.regexFlag
		if m.filterInvert {
			p.input = "!" + p.input
		}
	}
	m.prompt = p
}

// updatePrompt handles a key while the box is open: every key that is not
// one of the box's own types into it.
func (m *Model) updatePrompt(msg tea.KeyPressMsg) {
	p, k := m.prompt, m.keys.Prompt
	switch {
	case key.Matches(msg, k.Accept):
		m.acceptPrompt()
		return
	case key.Matches(msg, k.Cancel):
		m.cancelPrompt()
		return
	case key.Matches(msg, k.Regex):
		p.regex = !p.regex
	case key.Matches(msg, k.Invert):
		if p.kind == promptFilter {
			if strings.HasPrefix(p.input, "!") {
				p.input = p.input[1:]
			} else {
				p.input = "!" + p.input
			}
		}
	case key.Matches(msg, k.Erase):
		_, n := utf8.DecodeLastRuneInString(p.input)
		p.input = p.input[:len(p.input)-n]
	case key.Matches(msg, k.Word):
		p.input = strings.TrimRightFunc(p.input, unicode.IsSpace)
		p.input = p.input[:strings.LastIndexFunc(p.input, unicode.IsSpace)+1]
	case key.Matches(msg, k.Empty):
		p.input = ""
	case msg.Text != "":
		m.typeIntoPrompt(msg.Text)
	default:
		return
	}
	m.applyPrompt()
}

// typeIntoPrompt adds typed or pasted text, keeping printable characters
// only: a query never carries control characters back to the screen.
func (m *Model) typeIntoPrompt(s string) {
	p := m.prompt
	clean := strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
	if len(p.input)+len(clean) > maxQueryBytes {
		return
	}
	p.input += clean
}

// applyPrompt applies the box's query as it is typed. An invalid regular
// expression is reported in the box and the last good query stays active.
func (m *Model) applyPrompt() {
	p := m.prompt
	query, invert := p.input, false
	if p.kind == promptFilter && strings.HasPrefix(query, "!") {
		query, invert = query[1:], true
	}
	mt, err := compileQuery(query, p.regex)
	if err != nil {
		p.err = err.Error()
		return
	}
	p.err = ""
	if p.kind == promptFilter {
		m.filter, m.filterInvert = mt, invert
		m.rebuild()
		return
	}
	m.search = mt
	m.rematch()
	m.jumpFromOrigin()
}

// jumpFromOrigin selects the nearest match at or above where the box was
// opened, or goes back there when nothing matches.
func (m *Model) jumpFromOrigin() {
	p := m.prompt
	found, wrapped := m.landSearch(p.origin.seq)
	p.wrapped = wrapped
	if !found {
		m.restorePosition(p)
	}
}

// acceptPrompt closes the box keeping its query. A search keeps its start
// until the user moves, so the whole buffer arriving later lands it again
// from the same line.
func (m *Model) acceptPrompt() {
	p := m.prompt
	m.prompt = nil
	if p.input == "" {
		m.clearQuery(p.kind)
		return
	}
	if p.kind == promptSearch && m.search != nil {
		origin := p.origin
		m.landing = &origin
		if p.wrapped {
			m.setStatus("search wrapped around: no match above where it started, so the newest", false)
		}
	}
}

// cancelPrompt closes the box and puts back the query and position it was
// opened with.
func (m *Model) cancelPrompt() {
	p := m.prompt
	m.prompt = nil
	if p.kind == promptFilter {
		m.filter, m.filterInvert = p.filter, p.filterInvert
		m.rebuild()
	} else {
		m.search = p.search
		m.rematch()
	}
	m.restorePosition(p)
}

// restorePosition goes back to where the box was opened.
func (m *Model) restorePosition(p *prompt) {
	m.follow, m.paused = p.follow, p.paused
	if m.follow {
		m.resumeFollow()
		return
	}
	m.sel, m.top, m.topRow = p.origin.seq, p.top, p.topRow
	m.reselect()
}

// clearQuery removes the search or the filter.
func (m *Model) clearQuery(kind promptKind) {
	if kind == promptFilter {
		m.filter, m.filterInvert = nil, false
		m.rebuild()
		return
	}
	m.search = nil
	m.matches.Reset()
}

// jumpMatch selects the match below (dir 1) or above (dir -1) the
// selection, wrapping around the buffer. n goes up, the way a new search
// looks, and N down.
func (m *Model) jumpMatch(dir int) {
	n := m.matches.Len()
	if n == 0 {
		if m.search != nil {
			m.setStatus("no match for "+m.search.query, true)
		}
		return
	}
	i, ok := m.matches.Find(m.sel)
	switch {
	case dir > 0 && ok:
		i++
	case dir < 0:
		i--
	}
	wrapped := false
	if i >= n {
		i, wrapped = 0, true
	}
	if i < 0 {
		i, wrapped = n-1, true
	}
	m.gotoSeq(m.matches.At(i))
	if wrapped {
		m.setStatus("search wrapped around", false)
	}
}

// promptRow draws the open box in the footer row.
func (m *Model) promptRow() string {
	p := m.prompt
	label := "/"
	if p.kind == promptFilter {
		label = "filter "
	}
	if p.regex {
		label += "(regex) "
	}
	tail := ""
	if p.err != "" {
		tail = "  " + p.err
	}
	room := m.width - 1 - ansi.StringWidth(label) - 1 - ansi.StringWidth(tail)
	input := p.input
	if w := ansi.StringWidth(input); room > 0 && w > room {
		input = "…" + ansi.TruncateLeft(input, w-room+1, "")
	} else if room <= 0 {
		input = ""
	}
	s := " " + m.styles.Prompt.Render(label) + m.styles.PromptText.Render(input) + "▏"
	if tail != "" {
		s += m.styles.PromptError.Render(tail)
	}
	return ansi.Truncate(s, m.width, "…") + reset
}
