package tui

import (
	"fmt"
	"math"
	"time"

	"sandtail/engine"
	"sandtail/text/human"
	"sandtail/text/lines"
	"sandtail/text/sanitize"
)

// ingest adds a batch of entries to the ring: chunks are joined into lines
// per source and session, each line is sanitised once for search and
// width, and the visible and match lists are kept up to date.
func (m *Model) ingest(entries []engine.Entry) {
	evicted := false
	for i := range entries {
		e := &entries[i]
		from := m.prevCursor
		var nth uint32
		m.joiner.Split(e, func(p lines.Piece) {
			evicted = m.addPiece(p, from, nth) || evicted
			if nth < math.MaxUint32 {
				nth++
			}
		})
		m.prevCursor = e.Cursor
	}
	if evicted {
		m.afterEviction()
	}
	if m.follow {
		if last, ok := m.visible.Last(); ok {
			m.sel = last
		}
	}
}

// addPiece applies one piece: a new line, or more text for an open one;
// nth is the piece's place in its entry. It returns whether a line was
// evicted.
func (m *Model) addPiece(p lines.Piece, from engine.Cursor, nth uint32) (evicted bool) {
	if !p.Start {
		if seq, ok := m.open[p.Key]; ok {
			if l := m.ring.At(seq); l != nil && l.open {
				m.extend(seq, l, p)
				return false
			}
		}
	}
	if p.Start {
		// A new line closes the key's previous one even if its newline
		// never came (a restart or a mark in between).
		if seq, ok := m.open[p.Key]; ok {
			if l := m.ring.At(seq); l != nil {
				l.open = false
			}
			delete(m.open, p.Key)
		}
	}
	l := line{
		unixNano:   p.Time.UnixNano(),
		from:       from,
		nth:        nth,
		session:    p.Key.Session,
		source:     p.Key.Source,
		hasSession: p.Key.HasSession,
		mark:       p.Mark,
		open:       !p.End,
		truncated:  p.Truncated,
	}
	l.setText(appendCapped("", p.Text, &l.truncated))
	if oldest := m.ring.At(m.ring.First()); m.ring.Len() == m.ring.size && oldest != nil {
		m.forget(m.ring.First(), oldest)
	}
	seq, evicted := m.ring.Push(l)
	if int(l.source) < len(m.counts) {
		m.counts[l.source]++
	}
	if l.open {
		m.open[p.Key] = seq
	}
	if l.truncated > 0 {
		m.cut.Add(seq)
	}
	if m.isVisible(m.ring.At(seq)) {
		m.visible.Add(seq)
		if m.search.Match(l.plain) {
			m.matches.Add(seq)
		}
	}
	return evicted
}

// extend appends a continuation piece to the open line seq and re-checks
// whether it is visible and matches, since more text can change both.
func (m *Model) extend(seq uint64, l *line, p lines.Piece) {
	wasVisible := m.isVisible(l)
	if text := appendCapped(l.text, p.Text, &l.truncated); len(text) != len(l.text) {
		// Sanitise the whole line again: a \r or an SGR in the new chunk
		// acts on what came before. A line at the cap is left alone.
		l.setText(text)
	}
	l.truncated += p.Truncated
	if l.truncated > 0 {
		m.cut.Add(seq)
	}
	l.open = !p.End
	if !l.open {
		delete(m.open, p.Key)
	}
	nowVisible := m.isVisible(l)
	switch {
	case nowVisible && !wasVisible:
		m.visible.Add(seq)
	case wasVisible && !nowVisible:
		m.visible.Remove(seq)
		m.matches.Remove(seq)
		if m.sel == seq {
			m.reselect()
		}
	}
	if nowVisible {
		if m.search.Match(l.plain) {
			m.matches.Add(seq)
		} else {
			m.matches.Remove(seq)
		}
	}
}

// forget updates counts and open lines for the line about to be evicted.
func (m *Model) forget(seq uint64, l *line) {
	if int(l.source) < len(m.counts) {
		m.counts[l.source]--
	}
	if l.open {
		for k, s := range m.open {
			if s == seq {
				delete(m.open, k)
			}
		}
	}
}

// afterEviction drops evicted lines from the lists and clamps positions to
// the oldest kept line. Positions that are still held do not move: the
// lines being read stay put until they themselves are evicted.
func (m *Model) afterEviction() {
	first := m.ring.First()
	m.visible.TrimBefore(first)
	m.matches.TrimBefore(first)
	m.cut.TrimBefore(first)
	if m.visible.Len() == 0 {
		m.sel, m.top, m.topRow = first, first, 0
		return
	}
	oldest := m.visible.At(0)
	if m.sel < oldest {
		m.sel = oldest
	}
	if m.top < oldest {
		m.top, m.topRow = oldest, 0
	}
}

// setText stores the line's text and the sanitised plain text and width
// that search, copy and layout use.
func (l *line) setText(text string) {
	l.text = text
	r := sanitize.Line([]byte(text), sanitize.Options{TabWidth: 8})
	l.plain = r.Plain
	if r.Plain == text {
		l.plain = text // share the memory
	}
	l.width = int32(r.Width)
	l.overstruck = r.Overstruck
}

// appendCapped appends add to s up to maxLineBytes, counting what does not
// fit in *dropped. A line at the cap stops growing but keeps its start.
// The result never aliases add, which may be the entry's data.
func appendCapped(s string, add []byte, dropped *int64) string {
	room := max(maxLineBytes-len(s), 0)
	if len(add) > room {
		*dropped += int64(len(add) - room)
		add = add[:room]
	}
	return s + string(add)
}

// isVisible reports whether l passes the source toggles, the session solo
// and the filter. Mark lines (data lost, file restarted) always show: they
// explain gaps in whatever is shown.
func (m *Model) isVisible(l *line) bool {
	if l == nil {
		return false
	}
	if l.mark != engine.MarkNone {
		return true
	}
	if !m.show.Has(l.source) {
		return false
	}
	if s := m.solo; s != nil && (l.source == engine.System || l.hasSession != s.has || l.session != s.session) {
		return false
	}
	if m.filter != nil && m.filter.Match(l.plain) == m.filterInvert {
		return false
	}
	return true
}

// cutShown counts the shown lines that were cut at maxLineBytes: search
// and filter see only their start.
func (m *Model) cutShown() int {
	n := 0
	for i := 0; i < m.cut.Len(); i++ {
		if _, ok := m.visible.Find(m.cut.At(i)); ok {
			n++
		}
	}
	return n
}

// cutNote says that long lines are searched in their first part only, or
// "" when no shown line was cut.
func (m *Model) cutNote() string {
	switch n := m.cutShown(); n {
	case 0:
		return ""
	case 1:
		return "✂ 1 long line: only its first " + human.Bytes(maxLineBytes) + " is searched"
	default:
		return fmt.Sprintf("✂ %d long lines: only their first %s is searched", n, human.Bytes(maxLineBytes))
	}
}

// rebuild recomputes the visible and match lists over the whole ring after
// a toggle, a filter or a search changed. It is O(buffer), run once per
// such event and never per frame.
func (m *Model) rebuild() {
	m.visible.Reset()
	m.matches.Reset()
	for seq := m.ring.First(); seq < m.ring.End(); seq++ {
		l := m.ring.At(seq)
		if !m.isVisible(l) {
			continue
		}
		m.visible.Add(seq)
		if m.search != nil && m.search.Match(l.plain) {
			m.matches.Add(seq)
		}
	}
	m.reselect()
}

// rematch recomputes only the match list, for a new search query.
func (m *Model) rematch() {
	m.matches.Reset()
	if m.search == nil {
		return
	}
	for i := 0; i < m.visible.Len(); i++ {
		seq := m.visible.At(i)
		if m.search.Match(m.ring.At(seq).plain) {
			m.matches.Add(seq)
		}
	}
}

// reselect moves the selection to the nearest visible line when the line
// it was on is no longer shown, and keeps following at the bottom.
func (m *Model) reselect() {
	if m.visible.Len() == 0 {
		return
	}
	if m.follow {
		m.sel, _ = m.visible.Last()
		return
	}
	i, ok := m.visible.Find(m.sel)
	if !ok {
		if i >= m.visible.Len() {
			i = m.visible.Len() - 1
		}
		m.sel = m.visible.At(i)
	}
	if j, ok := m.visible.Find(m.top); !ok {
		if j >= m.visible.Len() {
			j = m.visible.Len() - 1
		}
		m.top, m.topRow = m.visible.At(j), 0
	}
	m.ensureSelVisible()
}

// addNote adds a line made by the viewer itself (a restart separator),
// styled like the engine's marks.
func (m *Model) addNote(mark engine.Mark, text string) {
	m.closeOpenLines()
	l := line{unixNano: time.Now().UnixNano(), source: engine.System, mark: mark, from: m.prevCursor}
	l.setText(text)
	if oldest := m.ring.At(m.ring.First()); m.ring.Len() == m.ring.size && oldest != nil {
		m.forget(m.ring.First(), oldest)
	}
	seq, evicted := m.ring.Push(l)
	m.counts[engine.System]++
	m.visible.Add(seq)
	if evicted {
		m.afterEviction()
	}
	if m.follow {
		m.sel = seq
	}
}

// closeOpenLines ends every unterminated line: after a restart the next
// chunk of a session cannot continue a line read before it.
func (m *Model) closeOpenLines() {
	for k, seq := range m.open {
		if l := m.ring.At(seq); l != nil {
			l.open = false
		}
		delete(m.open, k)
	}
	m.joiner = lines.Joiner{}
}
