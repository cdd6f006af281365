package tui

// A new search looks up from the line that was selected when its box
// opened: someone reading a log wants the nearest earlier occurrence of
// what they saw, not the oldest one in the buffer. Where it lands must
// depend only on that line and the log, never on when lines arrived: lines
// that come in while the query is typed are below the start and are not
// chosen, and when the whole buffer replaces the quick first screenful the
// search lands again from the same line found in the new buffer.

// lineRef names a line by sequence number and by content. The numbers of
// the first screenful are not those of the whole buffer that replaces it;
// the content finds the same line again.
type lineRef struct {
	seq  uint64
	line line // a copy; the zero line when seq held none
	has  bool
}

// refOf returns a reference to line seq.
func (m *Model) refOf(seq uint64) lineRef {
	r := lineRef{seq: seq}
	if l := m.vp.Line(seq); l != nil {
		r.line, r.has = *l, true
	}
	return r
}

// relocate finds r's line in a replaced buffer: the same log line, else
// the newest visible line not newer than it, else the newest visible line.
func (m *Model) relocate(r lineRef) lineRef {
	if m.vp.VisibleLen() == 0 {
		return r
	}
	if r.has {
		if seq, ok := m.findLike(&r.line); ok {
			return m.refOf(seq)
		}
		if seq, ok := m.vp.FindBack(func(_ uint64, l *line) bool { return l.unixNano <= r.line.unixNano }); ok {
			return m.refOf(seq)
		}
	}
	last, _ := m.vp.LastVisible()
	return m.refOf(last)
}

// findLike returns the visible line that is the same log line as want,
// looking from the newest: same time, source, session and text. The
// cursor is not compared: the first screenful reads only the sources
// shown, and a cursor names a position in every file read, so the same
// line has another cursor in the whole buffer.
func (m *Model) findLike(want *line) (uint64, bool) {
	return m.vp.FindBack(func(_ uint64, l *line) bool {
		return l.unixNano == want.unixNano && l.source == want.source && l.session == want.session &&
			l.hasSession == want.hasSession && l.mark == want.mark && l.plain == want.plain
	})
}

// relandAfterReplace runs after the whole buffer replaced the first
// screenful: the open box's start and a search that still decides the
// selection are found again in the new buffer, and the search lands anew.
func (m *Model) relandAfterReplace() {
	if p := m.prompt; p != nil {
		p.origin = m.relocate(p.origin)
		p.pos.Top, p.pos.TopRow = p.origin.seq, 0
		if p.kind == promptSearch && m.search != nil {
			// The new buffer's matches were found as it was added.
			m.jumpFromOrigin()
		}
	}
	if m.landing != nil {
		r := m.relocate(*m.landing)
		m.landing = &r
		if m.search != nil {
			m.vp.LandMatch(r.seq)
		}
	}
	if o := m.copyOffer; o != nil {
		m.copyOffer = nil
		if seq, ok := m.findLike(&o.line); ok {
			r := m.refOf(seq)
			m.copyOffer = &r
		}
	}
}
