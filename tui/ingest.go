package tui

import (
	"fmt"
	"math"
	"time"

	"sandtail/engine"
	"sandtail/text/human"
	"sandtail/text/level"
	"sandtail/text/lifecycle"
	"sandtail/text/lines"
	"sandtail/text/sanitize"
)

// ingest adds a batch of entries to the viewport: chunks are joined into
// lines per source and session, each line is sanitised once for search and
// width, and the viewport learns which are shown and match.
func (m *Model) ingest(entries []engine.Entry) { m.ingestAt(entries, -1) }

// ingestAt is ingest of entries whose History ordinals start at base (-1:
// not from a History).
func (m *Model) ingestAt(entries []engine.Entry, base int) {
	m.ingestOrds(entries, func(i int) int {
		if base < 0 {
			return -1
		}
		return base + i
	})
}

// ingestOrds is ingest of entries whose History ordinals ordOf gives. With
// a History, an entry of a source not shown is not held, only passed over
// (the lines after it start from its cursor): showing the source reads
// the window again (toggleSource), so a hidden source costs no memory.
func (m *Model) ingestOrds(entries []engine.Entry, ordOf func(i int) int) {
	m.fitSandboxColumn()
	for i := range entries {
		e := &entries[i]
		if m.win != nil && !holdsSource(m.show, e) {
			m.prevCursor = e.Cursor
			continue
		}
		m.curOrd = ordOf(i)
		from := m.prevCursor
		if m.multi != nil {
			from = m.multi.prevOf(e.Origin)
		}
		var nth uint32
		at, file := ownPlace(e)
		m.joiner.Split(e, func(p lines.Piece) {
			m.addPiece(p, from, nth, at, file)
			if nth < math.MaxUint32 {
				nth++
			}
		})
		if m.multi != nil {
			m.multi.setPrev(e.Origin, e.Cursor)
		} else {
			m.prevCursor = e.Cursor
		}
		if m.held > maxHeldBytes {
			// Within the batch: a snapshot of long lines must not hold
			// more than the buffer may before the batch is done.
			m.trimHeld()
		}
	}
	m.settle()
}

// holdsSource reports whether a window holds e with the sources shown:
// notices and restart records (dividers) always, as isVisible shows them.
func holdsSource(shown engine.Sources, e *engine.Entry) bool {
	if e.Mark != engine.MarkNone || shown.Has(e.Source) {
		return true
	}
	return e.Source == engine.System && e.File == "exec.log" && len(e.Data) <= 80 &&
		lifecycle.Detect(string(e.Data)) != lifecycle.None
}

// settle brings the viewport and the cut lines up to date after lines
// were added.
func (m *Model) settle() {
	m.trimHeld()
	m.vp.Settle()
	m.cut.TrimBefore(m.vp.First())
}

// addPiece applies one piece: a new line, or more text for an open one;
// nth is the piece's place in its entry.
func (m *Model) addPiece(p lines.Piece, from engine.Cursor, nth uint32, at engine.Position, file uint8) {
	if !p.Start {
		if seq, ok := m.open[p.Key]; ok {
			if l := m.vp.Line(seq); l != nil && l.open {
				m.extend(seq, l, p)
				return
			}
		}
	}
	if p.Start {
		// A new line closes the key's previous one even if its newline
		// never came (a restart or a mark in between).
		if seq, ok := m.open[p.Key]; ok {
			if l := m.vp.Line(seq); l != nil {
				l.open = false
			}
			delete(m.open, p.Key)
		}
	}
	l := line{
		unixNano:   p.Time.UnixNano(),
		from:       from,
		nth:        nth,
		at:         at,
		file:       file,
		session:    p.Key.Session,
		source:     p.Key.Source,
		hasSession: p.Key.HasSession,
		mark:       p.Mark,
		origin:     p.Key.Origin,
		ord:        m.curOrd,
		open:       !p.End,
		truncated:  p.Truncated,
	}
	l.setText(appendCapped("", p.Text, &l.truncated))
	m.held += l.heldBytes()
	seq := m.vp.Push(l)
	m.stripAdd(&l)
	if int(l.source) < len(m.counts) {
		m.counts[l.source]++
	}
	m.noteDivider(seq, &l)
	if l.open {
		m.open[p.Key] = seq
	}
	if l.truncated > 0 {
		m.cut.Add(seq)
	}
	m.vp.Refresh(seq)
	m.contextAdded(seq)
}

// extend appends a continuation piece to the open line seq and has the
// viewport check again whether it is visible and matches, since more text
// can change both.
func (m *Model) extend(seq uint64, l *line, p lines.Piece) {
	if text := appendCapped(l.text, p.Text, &l.truncated); len(text) != len(l.text) {
		// Sanitise the whole line again: a \r or an SGR in the new chunk
		// acts on what came before. A line at the cap is left alone.
		m.held -= l.heldBytes()
		l.setText(text)
		m.held += l.heldBytes()
	}
	l.truncated += p.Truncated
	if l.truncated > 0 {
		m.cut.Add(seq)
	}
	l.open = !p.End
	if !l.open {
		delete(m.open, p.Key)
	}
	m.vp.Refresh(seq)
}

// forget updates counts and open lines for the line about to be evicted.
func (m *Model) forget(seq uint64, l *line) {
	m.held -= l.heldBytes()
	m.forgetContext(l)
	m.stripRemove(l)
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
	l.lvl = level.Detect(l.plain)
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
	if m.multi != nil && m.multi.shown.IsHidden(l.origin) {
		return false
	}
	if l.mark != engine.MarkNone {
		return true
	}
	if is, _ := lifecycleOf(l); is {
		return true // restarts divide the view whatever is shown
	}
	return m.passes(l)
}

// passes reports whether l passes the sources, solo, level and filter (as
// a match or as context around one): what is shown besides the notices
// and restart dividers that show whatever is chosen.
func (m *Model) passes(l *line) bool {
	if !m.baseVisible(l) {
		return false
	}
	hit := l.aid&aidHit != 0
	if !m.around.cachedHits {
		hit = m.filterHit(l)
	}
	if !hit {
		return m.contextOn() && l.aid&aidContext != 0
	}
	return true
}

// baseVisible reports whether l passes the source toggles, the solo and
// the minimum level: what is left for the filter to choose from.
func (m *Model) baseVisible(l *line) bool {
	if !m.show.Has(l.source) {
		return false
	}
	if s := m.solo; s != nil && (l.source == engine.System || l.hasSession != s.has || l.session != s.session || l.origin != s.origin) {
		return false
	}
	return l.lvl >= m.minLevel
}

// cutShown counts the shown lines that were cut at maxLineBytes: search
// and filter see only their start.
func (m *Model) cutShown() int {
	n := 0
	for i := 0; i < m.cut.Len(); i++ {
		if m.vp.IsVisible(m.cut.At(i)) {
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

// addNote adds a line made by the viewer itself (a restart separator),
// styled like the engine's marks.
func (m *Model) addNote(mark engine.Mark, text string) {
	m.closeOpenLines()
	l := line{unixNano: time.Now().UnixNano(), source: engine.System, mark: mark, from: m.prevCursor, ord: -1}
	l.setText(text)
	m.held += l.heldBytes()
	seq := m.vp.Push(l)
	m.counts[engine.System]++
	m.vp.Show(seq)
	m.settle()
}

// closeOpenLines ends every unterminated line: after a restart the next
// chunk of a session cannot continue a line read before it.
func (m *Model) closeOpenLines() {
	for k, seq := range m.open {
		if l := m.vp.Line(seq); l != nil {
			l.open = false
		}
		delete(m.open, k)
	}
	m.joiner = lines.Joiner{}
}
