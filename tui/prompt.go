package tui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/text/human"
	"sandtail/tui/viewport"
)

// promptKind says what the box edits.
type promptKind uint8

const (
	promptSearch promptKind = iota // highlight and jump to matches
	promptFilter                   // show only (or hide) matching lines
)

// maxQueryBytes bounds what can be typed or pasted into the box: room for
// any line someone would paste to find it again, small enough that
// matching the whole buffer against it stays interactive.
const maxQueryBytes = 4 << 10

// maxHistory is how many accepted queries each box remembers.
const maxHistory = 100

// query is one accepted query with its modes, as the history keeps it.
type query struct {
	text    string
	regex   bool
	exclude bool
}

// prompt is the open search or filter box. It remembers the state it was
// opened from, so Esc puts everything back.
type prompt struct {
	kind  promptKind
	input textinput.Model // the text and its cursor; editing is textinput's
	regex bool
	// exclude hides the matching lines instead of showing only them
	// (filter box): a mode, never a character of the query.
	exclude bool
	// selected says the query the box reopened with is selected: typing
	// or pasting replaces it, → and End keep it.
	selected bool
	err      string // the last invalid regular expression's error
	note     string // what happened to the last paste, until the next key
	cutNote  string // cut lines not searched in full (see Update); "" when none

	// recall is the index in the box's history being shown; the history's
	// length while showing what was typed (draft).
	recall int
	draft  query

	// What Esc restores.
	search       *matcher
	filter       *matcher
	filterInvert bool
	origin       lineRef // the selected line: where a search looks up from
	// pos is where the view was, to go back to when the box is
	// cancelled (with origin's line selected).
	pos viewport.Position
	// wrapped says the search found nothing above origin and landed on
	// the newest match instead.
	wrapped bool
}

// openPrompt opens the box. It starts with the active query selected, so
// typing replaces it and → keeps it to be edited.
func (m *Model) openPrompt(kind promptKind) {
	p := &prompt{
		kind: kind, search: m.search, filter: m.filter, filterInvert: m.filterInvert,
		origin: m.refOf(m.vp.Selected()), pos: m.vp.Position(),
		recall: len(m.history[kind]),
	}
	p.input = textinput.New()
	p.input.KeyMap = m.keys.Prompt.Edit
	p.input.Prompt = ""
	// The terminal's own cursor is placed in the box (View); a drawn one
	// would blink through timer messages.
	p.input.SetVirtualCursor(false)
	p.input.Focus()
	m.landing = nil
	active := m.search
	if kind == promptFilter {
		active, p.exclude = m.filter, m.filterInvert
	}
	if active != nil {
		p.input.SetValue(active.query)
		p.input.CursorEnd()
		p.regex, p.selected = active.regexFlag, true
	}
	m.prompt = p
}

// updatePrompt handles a key while the box is open: the box's own keys,
// then line editing; every other key types into it.
func (m *Model) updatePrompt(msg tea.KeyPressMsg) {
	p, k := m.prompt, m.keys.Prompt
	p.note = ""
	switch {
	case key.Matches(msg, k.Accept):
		m.acceptPrompt()
		return
	case key.Matches(msg, k.Cancel):
		m.cancelPrompt()
		return
	case key.Matches(msg, k.Regex):
		p.regex = !p.regex
	case key.Matches(msg, k.Exclude):
		if p.kind != promptFilter {
			return
		}
		p.exclude = !p.exclude
	case key.Matches(msg, k.Older):
		m.recallQuery(-1)
	case key.Matches(msg, k.Newer):
		m.recallQuery(1)
	case p.selected && m.onSelection(msg):
		return
	case msg.Text != "" && msg.Mod&chordMods == 0:
		m.typeIntoPrompt(msg.Text, false)
	case !key.Matches(msg, editBindings(k.Edit)...):
		return
	default:
		p.selected = false
		before := p.input.Value()
		p.input, _ = p.input.Update(msg)
		if p.input.Value() == before {
			return // the cursor moved, or the key does nothing here
		}
	}
	m.applyPrompt()
}

// chordMods are the modifiers that make a key a command rather than
// text; shift and the lock keys only change which character is typed.
const chordMods = tea.ModCtrl | tea.ModAlt | tea.ModMeta | tea.ModHyper | tea.ModSuper

// editBindings lists the box's line-editing bindings.
func editBindings(e textinput.KeyMap) []key.Binding {
	return []key.Binding{e.CharacterForward, e.CharacterBackward, e.WordForward, e.WordBackward,
		e.DeleteWordBackward, e.DeleteWordForward, e.DeleteAfterCursor, e.DeleteBeforeCursor,
		e.DeleteCharacterBackward, e.DeleteCharacterForward, e.LineStart, e.LineEnd}
}

// onSelection handles the keys that act on a selected query differently:
// → and End keep it (cursor after it), ← and Home keep it (cursor before
// it), erasing removes it. It reports whether msg was one of them.
func (m *Model) onSelection(msg tea.KeyPressMsg) bool {
	p, e := m.prompt, m.keys.Prompt.Edit
	switch {
	case key.Matches(msg, e.CharacterForward, e.LineEnd):
		p.input.CursorEnd()
	case key.Matches(msg, e.CharacterBackward, e.LineStart):
		p.input.CursorStart()
	case key.Matches(msg, e.DeleteCharacterBackward, e.DeleteCharacterForward,
		e.DeleteWordBackward, e.DeleteBeforeCursor):
		p.input.SetValue("")
		p.selected = false
		m.applyPrompt()
		return true
	default:
		return false
	}
	p.selected = false
	return true
}

// typeIntoPrompt adds typed or pasted text at the cursor (replacing a
// selected query). Only printable characters are kept, so a query never
// carries a control character back to the screen; what does not fit in
// maxQueryBytes is cut, and the box says so.
func (m *Model) typeIntoPrompt(s string, paste bool) {
	p := m.prompt
	if p.selected {
		p.input.SetValue("")
		p.selected = false
	}
	clean := strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			return ' '
		case r == utf8.RuneError || !unicode.IsPrint(r):
			return -1
		}
		return r
	}, s)
	room := maxQueryBytes - len(p.input.Value())
	if len(clean) > room {
		clean = cutUTF8(clean, room)
		what := "typing"
		if paste {
			what = "paste"
		}
		p.note = what + " cut to " + human.Bytes(maxQueryBytes) + ", the longest query"
	}
	if clean != "" {
		// A paste message inserts at the cursor; textinput has no other
		// way in, and treats it like typing.
		p.input, _ = p.input.Update(tea.PasteMsg{Content: clean})
	}
}

// cutUTF8 returns the longest prefix of s of at most n bytes that does not
// split a character.
func cutUTF8(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// recallQuery shows an older (dir -1) or newer (dir 1) query of the box's
// history with its modes, and applies it; past the newest it is what was
// being typed again.
func (m *Model) recallQuery(dir int) {
	p := m.prompt
	hist := m.history[p.kind]
	i := p.recall + dir
	if i < 0 || i > len(hist) {
		return
	}
	if p.recall == len(hist) {
		p.draft = m.promptQuery()
	}
	// Skip an entry equal to what is shown, so ↑ on a reopened query goes
	// to the one before it.
	for i >= 0 && i < len(hist) && hist[i] == m.promptQuery() {
		i += dir
	}
	if i < 0 {
		return
	}
	q := p.draft
	if i < len(hist) {
		q = hist[i]
	} else {
		i = len(hist)
	}
	p.recall = i
	p.input.SetValue(q.text)
	p.input.CursorEnd()
	p.regex, p.selected = q.regex, false
	if p.kind == promptFilter {
		p.exclude = q.exclude
	}
}

// promptQuery is the open box's query and modes.
func (m *Model) promptQuery() query {
	p := m.prompt
	return query{text: p.input.Value(), regex: p.regex, exclude: p.exclude && p.kind == promptFilter}
}

// remember adds q to its box's history: as the newest, once.
func (m *Model) remember(kind promptKind, q query) {
	h := m.history[kind]
	for i, old := range h {
		if old == q {
			h = append(h[:i], h[i+1:]...)
			break
		}
	}
	h = append(h, q)
	if len(h) > maxHistory {
		h = h[len(h)-maxHistory:]
	}
	m.history[kind] = h
}

// applyPrompt applies the box's query as it is typed. An invalid regular
// expression is reported in the box and the last good query stays active.
func (m *Model) applyPrompt() {
	p := m.prompt
	mt, err := compileQuery(p.input.Value(), p.regex)
	if err != nil {
		p.err = err.Error()
		return
	}
	p.err = ""
	if p.kind == promptFilter {
		m.filter, m.filterInvert = mt, p.exclude
		m.refilter()
		return
	}
	m.search = mt
	m.vp.Rematch()
	m.jumpFromOrigin()
}

// jumpFromOrigin selects the nearest match at or above where the box was
// opened, or goes back there when nothing matches.
func (m *Model) jumpFromOrigin() {
	p := m.prompt
	found, wrapped := m.vp.LandMatch(p.origin.seq)
	p.wrapped = wrapped
	if !found {
		m.restorePosition(p)
	}
}

// acceptPrompt closes the box keeping its query, and adds it to the box's
// history. A search keeps its start until the user moves, so the whole
// buffer arriving later lands it again from the same line.
func (m *Model) acceptPrompt() {
	p := m.prompt
	m.prompt = nil
	q := query{text: p.input.Value(), regex: p.regex, exclude: p.exclude && p.kind == promptFilter}
	if q.text == "" {
		m.clearQuery(p.kind)
		return
	}
	m.remember(p.kind, q)
	if note := m.cutNote(); note != "" {
		m.setStatus(note, false)
	}
	if p.kind == promptSearch && m.search != nil {
		origin := p.origin
		m.landing = &origin
		if p.wrapped {
			m.setStatus("search wrapped around: no match above the line it started from, so the newest one", false)
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
		m.refilter()
	} else {
		m.search = p.search
		m.vp.Rematch()
	}
	m.restorePosition(p)
}

// restorePosition goes back to where the box was opened.
func (m *Model) restorePosition(p *prompt) {
	pos := p.pos
	pos.Sel = p.origin.seq
	m.vp.SetPosition(pos)
}

// clearQuery removes the search or the filter.
func (m *Model) clearQuery(kind promptKind) {
	if kind == promptFilter {
		m.filter, m.filterInvert = nil, false
		m.refilter()
		return
	}
	m.search = nil
	m.vp.ClearMatches()
}

// jumpMatch selects the match below (dir 1) or above (dir -1) the
// selection, wrapping around the buffer. n goes up, the way a new search
// looks, and N down.
func (m *Model) jumpMatch(dir int) {
	if m.win != nil && m.scans[scanSearch] != nil {
		m.jumpMatchInLog(dir)
		return
	}
	found, wrapped := m.vp.JumpMatch(dir)
	if !found {
		if m.search != nil {
			m.setStatus("no match for "+m.search.query, true)
		}
		return
	}
	if wrapped {
		m.setStatus("search wrapped around", false)
	}
}

// jumpMatchInLog is jumpMatch over the whole History: the next match in
// the lines held, else the next one the background search found beyond
// them, wrapping around the log.
func (m *Model) jumpMatchInLog(dir int) {
	pos := m.vp.Position()
	if found, wrapped := m.vp.JumpMatch(dir); found && !wrapped {
		return
	}
	m.vp.SetPosition(pos)
	if m.scanJump(scanSearch, dir > 0) {
		return
	}
	hs := m.scans[scanSearch]
	if p := m.scanProgress(scanSearch); p != "" {
		m.setStatus("no match that way yet: searching the log, "+p, false)
		return
	}
	if done, _, _, _ := hs.scan.Progress(); dir > 0 && done < m.win.live && !m.win.attached() {
		// Lines arrived after the search of the log was done, and the
		// window does not hold them: search again, them included.
		m.scanKey = ""
		m.setStatus("no match that way yet: searching the lines that arrived since", false)
		return
	}
	i := 0
	if dir < 0 {
		i = hs.scan.Count() - 1
	}
	hit, ok := hs.scan.At(i)
	if !ok {
		m.setStatus("no match for "+m.search.query+" in the whole log", true)
		return
	}
	m.windowAround(int(hit.Ord), hit.Nth)
	m.setStatus("search wrapped around", false)
}

// minInputCells is the least room the typed text keeps in the box row;
// the mode hints give way first.
const minInputCells = 12

// promptRow draws the open box in the footer row: its label, the query
// (scrolled to keep the cursor in view), what went wrong if anything, and
// the modes with their keys at the right. It also returns the cell where
// the terminal's cursor goes.
func (m *Model) promptRow() (string, int) {
	p := m.prompt
	label := "/"
	if p.kind == promptFilter {
		label = "filter:"
		if p.exclude {
			label = "exclude:"
		}
	}
	msg, msgStyle := p.err, m.styles.PromptError
	if msg == "" {
		msg = p.note
	}
	if msg == "" {
		msg, msgStyle = p.cutNote, m.styles.ModeOff
	}
	if msg != "" {
		msg = "  " + msg
	}
	hints := m.modeHints()
	room := func() int {
		return m.width - 1 - ansi.StringWidth(label) - ansi.StringWidth(msg) - hintsWidth(hints)
	}
	for len(hints) > 0 && room() < minInputCells {
		hints = hints[:len(hints)-1]
	}
	if room() < minInputCells && p.err == "" && p.note == "" {
		msg = "" // the note on long lines gives way to the query too
	}
	text, col, cut := inputWindow([]rune(p.input.Value()), p.input.Position(), max(room(), 1))
	st := m.styles.PromptText
	if p.selected {
		st = m.styles.PromptSelected
	}
	s := " " + m.styles.Prompt.Render(label) + renderNonEmpty(st, text)
	w := 1 + ansi.StringWidth(label) + ansi.StringWidth(text)
	if cut {
		s += m.styles.PromptText.Render("…")
		w++
	}
	if msg != "" {
		s += msgStyle.Render(msg)
		w += ansi.StringWidth(msg)
	}
	if hw := hintsWidth(hints); hw > 0 && w+hw <= m.width {
		s += strings.Repeat(" ", m.width-w-hw)
		for _, h := range hints {
			s += "  " + h.st.Render(h.text)
		}
	}
	return ansi.Truncate(s, m.width, "") + reset, 1 + ansi.StringWidth(label) + col
}

// modeHints are the box's modes, each with its key and whether it is on:
// "ctrl+r regex ✓".
func (m *Model) modeHints() []part {
	p, k := m.prompt, m.keys.Prompt
	hint := func(b key.Binding, name string, on bool) part {
		if on {
			return part{b.Help().Key + " " + name + " ✓", m.styles.ModeOn}
		}
		return part{b.Help().Key + " " + name + " ✗", m.styles.ModeOff}
	}
	out := []part{hint(k.Regex, "regex", p.regex)}
	if p.kind == promptFilter {
		out = append(out, hint(k.Exclude, "exclude", p.exclude))
	}
	return out
}

// hintsWidth is the width of the hints, each after a two-cell gap.
func hintsWidth(hints []part) int {
	w := 0
	for _, h := range hints {
		w += 2 + ansi.StringWidth(h.text)
	}
	return w
}

// inputWindow returns the part of v shown in room cells with the cursor
// at rune pos in view, the cursor's cell in it, and whether text after
// the window was left out (the caller draws "…" in the cell kept for it).
// Text left out before the window is shown as a leading "…".
func inputWindow(v []rune, pos, room int) (text string, col int, cutRight bool) {
	if room < 3 {
		return "", 0, false
	}
	rw := func(r rune) int { return max(ansi.StringWidth(string(r)), 1) }
	start, lead := 0, ""
	width := func(rs []rune) int {
		n := 0
		for _, r := range rs {
			n += rw(r)
		}
		return n
	}
	// The cursor's cell and one cell for a trailing "…" must fit.
	if width(v[:pos])+2 > room {
		start, lead = pos, "…"
		used := 1 + 2
		for start > 0 && used+rw(v[start-1]) <= room {
			start--
			used += rw(v[start])
		}
	}
	col = ansi.StringWidth(lead) + width(v[start:pos])
	used, end := ansi.StringWidth(lead), start
	for end < len(v) && used+rw(v[end]) <= room {
		used += rw(v[end])
		end++
	}
	if end < len(v) {
		// Keep a cell for the "…" that says more follows.
		for end > pos && used+1 > room {
			end--
			used -= rw(v[end])
		}
		cutRight = true
	}
	return lead + string(v[start:end]), col, cutRight
}
