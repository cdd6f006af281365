// Package viewport is the log viewer's scrolling window: the lines it
// holds, which of them are shown and which match the search, the selected
// line, where the view starts, the horizontal offset, and whether it
// follows new lines.
//
// Every position is a sequence number that a line keeps for as long as it
// is held, so a position stays on its line while new lines arrive and old
// ones are evicted. What a line is, whether it is shown or matches, how
// many rows it takes and how it is drawn is the owner's business, asked
// through Layout; the viewport only counts rows and moves. Every move and
// every frame costs at most a screenful of lines, however many are held;
// only Refilter and Rematch walk the whole buffer, once per change of the
// filter or search.
//
// The lines are kept in a bounded ring; that is a detail of this package,
// so what backs the view can change without its owner noticing.
package viewport

// Layout is what the viewport asks its owner. Its answers may change
// between calls (the rows around the body, the wrap mode): the viewport
// asks again each time and keeps no copy.
type Layout[L any] interface {
	// Size is the pane's width in cells and the number of body rows.
	Size() (width, height int)
	// Rows is how many body rows l takes when drawn (at least 1).
	Rows(l *L) int
	// Cells is the width of l drawn on one row, everything in front of
	// its text included: how far sideways scrolling can go.
	Cells(l *L) int
	// Draw draws rows skip … skip+limit-1 of line seq, which is the
	// selected line when selected is set.
	Draw(seq uint64, l *L, selected bool, skip, limit int) []string
	// Visible reports whether l is shown (its source, the filter…).
	Visible(l *L) bool
	// Match reports whether l matches the search.
	Match(l *L) bool
	// Evict is told of the oldest line just before a full buffer drops
	// it, so the owner can forget what it knows of it.
	Evict(seq uint64, l *L)
}

// Viewport is the scrolling window over a bounded buffer of lines of type
// L. The zero value is not usable: use New.
type Viewport[L any] struct {
	layout  Layout[L]
	ring    *ring[L]
	visible SeqList // lines that Layout.Visible shows
	matches SeqList // visible lines that Layout.Match matches

	follow  bool   // sticky bottom: the newest line is selected and shown
	paused  bool   // following was turned off with the follow key
	sel     uint64 // the selected line
	top     uint64 // the line drawn on the first body row (when not following)
	topRow  int    // rows of top hidden above the body (wrapped lines)
	xOff    int    // horizontal scroll, in cells, when lines are not wrapped
	newFrom uint64 // the first line that arrived after following stopped

	// evicted is set when a Push dropped a line; Settle then trims the
	// lists and clamps the positions.
	evicted bool
}

// New returns an empty viewport that holds at most size lines and follows
// new ones. Its storage grows with use, so a large size costs nothing
// until it is filled.
func New[L any](size int, layout Layout[L]) *Viewport[L] {
	return &Viewport[L]{layout: layout, ring: newRing[L](size), follow: true}
}

// SetLayout replaces the owner the viewport asks, for an owner that was
// copied to a new place.
func (v *Viewport[L]) SetLayout(layout Layout[L]) { v.layout = layout }

// Len is the number of lines held, shown or not.
func (v *Viewport[L]) Len() int { return v.ring.Len() }

// First is the sequence number of the oldest line held.
func (v *Viewport[L]) First() uint64 { return v.ring.First() }

// End is the sequence number the next pushed line will get.
func (v *Viewport[L]) End() uint64 { return v.ring.End() }

// Line returns line seq, or nil when it was evicted or does not exist yet.
// The pointer is valid until the next Push; the owner may change the line
// through it, and then calls Refresh.
func (v *Viewport[L]) Line(seq uint64) *L { return v.ring.At(seq) }

// Push adds l as the newest line and returns its sequence number. It is
// not shown until Refresh (or Show) says so. When the buffer is full the
// oldest line is evicted, after Layout.Evict; after a batch of pushes,
// Settle brings the view up to date.
func (v *Viewport[L]) Push(l L) uint64 {
	if v.ring.Full() {
		if old := v.ring.At(v.ring.First()); old != nil {
			v.layout.Evict(v.ring.First(), old)
		}
	}
	seq, evicted := v.ring.Push(l)
	v.evicted = v.evicted || evicted
	return seq
}

// DropOldest evicts the oldest line (Layout.Evict is told first), for an
// owner that bounds what its lines hold besides their number. It reports
// false when there is no line. Like Push, it is followed by Settle.
func (v *Viewport[L]) DropOldest() bool {
	if v.ring.Len() == 0 {
		return false
	}
	if old := v.ring.At(v.ring.First()); old != nil {
		v.layout.Evict(v.ring.First(), old)
	}
	v.ring.PopOldest()
	v.evicted = true
	return true
}

// Refresh asks Layout again whether line seq is shown and matches, after
// it was pushed or its text changed. A selected or top line that is no
// longer shown hands its place to its nearest shown neighbour. Like Push,
// it is followed by Settle once the batch is done.
func (v *Viewport[L]) Refresh(seq uint64) {
	l := v.ring.At(seq)
	if l == nil {
		return
	}
	_, wasVisible := v.visible.Find(seq)
	nowVisible := v.layout.Visible(l)
	switch {
	case nowVisible && !wasVisible:
		v.visible.Add(seq)
	case wasVisible && !nowVisible:
		v.visible.Remove(seq)
		v.matches.Remove(seq)
		// The top line too: rows of it scrolled off above the body would
		// otherwise be skipped on the next shown line instead.
		if v.sel == seq || v.top == seq {
			v.Reselect()
		}
	}
	if nowVisible {
		if v.layout.Match(l) {
			v.matches.Add(seq)
		} else {
			v.matches.Remove(seq)
		}
	}
}

// Show shows line seq without asking Layout, and without searching it
// until the next Rematch or Refilter: for the owner's own notes, which are
// always shown.
func (v *Viewport[L]) Show(seq uint64) { v.visible.Add(seq) }

// Settle runs after a batch of pushes: evicted lines leave the lists, the
// positions that pointed at them move to the oldest line kept, and a
// following view selects the newest line. Positions that are still held
// do not move: the lines being read stay put until they are evicted.
func (v *Viewport[L]) Settle() {
	if v.evicted {
		v.evicted = false
		v.afterEviction()
	}
	if v.follow {
		if last, ok := v.visible.Last(); ok {
			v.sel = last
		}
	}
}

// afterEviction drops evicted lines from the lists and clamps positions to
// the oldest kept line.
func (v *Viewport[L]) afterEviction() {
	first := v.ring.First()
	v.visible.TrimBefore(first)
	v.matches.TrimBefore(first)
	if v.visible.Len() == 0 {
		v.sel, v.top, v.topRow = first, first, 0
		return
	}
	oldest := v.visible.At(0)
	if v.sel < oldest {
		v.sel = oldest
	}
	if v.top < oldest {
		v.top, v.topRow = oldest, 0
	}
}

// Reset drops every line. Positions are kept as they are: sequence numbers
// keep increasing, so they never name a line pushed after the reset, and
// the next Settle or Reselect moves them onto lines again.
func (v *Viewport[L]) Reset() {
	v.ring.Reset()
	v.visible.Reset()
	v.matches.Reset()
	v.evicted = false
}

// Refilter asks Layout again which lines are shown and match, after the
// filter or the search changed, and keeps the selection on a shown line.
// It is O(buffer): run it once per such change, never per frame.
func (v *Viewport[L]) Refilter() {
	v.visible.Reset()
	v.matches.Reset()
	for seq := v.ring.First(); seq < v.ring.End(); seq++ {
		l := v.ring.At(seq)
		if !v.layout.Visible(l) {
			continue
		}
		v.visible.Add(seq)
		if v.layout.Match(l) {
			v.matches.Add(seq)
		}
	}
	v.Reselect()
}

// Rematch asks Layout again only which shown lines match: the search
// changed and the filter did not. O(shown lines).
func (v *Viewport[L]) Rematch() {
	v.matches.Reset()
	for i := 0; i < v.visible.Len(); i++ {
		seq := v.visible.At(i)
		if v.layout.Match(v.ring.At(seq)) {
			v.matches.Add(seq)
		}
	}
}

// ClearMatches empties the match list: the search is gone.
func (v *Viewport[L]) ClearMatches() { v.matches.Reset() }

// VisibleLen is the number of lines shown.
func (v *Viewport[L]) VisibleLen() int { return v.visible.Len() }

// VisibleAt returns the i-th shown line (0 is the oldest).
func (v *Viewport[L]) VisibleAt(i int) uint64 { return v.visible.At(i) }

// LastVisible returns the newest shown line; ok is false when none is.
func (v *Viewport[L]) LastVisible() (uint64, bool) { return v.visible.Last() }

// IsVisible reports whether line seq is shown.
func (v *Viewport[L]) IsVisible(seq uint64) bool {
	_, ok := v.visible.Find(seq)
	return ok
}

// FindBack returns the newest shown line for which found is true, looking
// from the newest down; ok is false when none is. It is O(shown lines):
// for finding a line again after the buffer was replaced, not per frame.
func (v *Viewport[L]) FindBack(found func(seq uint64, l *L) bool) (seq uint64, ok bool) {
	for i := v.visible.Len() - 1; i >= 0; i-- {
		seq := v.visible.At(i)
		if found(seq, v.ring.At(seq)) {
			return seq, true
		}
	}
	return 0, false
}

// MatchLen is the number of shown lines that match the search.
func (v *Viewport[L]) MatchLen() int { return v.matches.Len() }

// MatchAt returns the i-th matching line (0 is the oldest).
func (v *Viewport[L]) MatchAt(i int) uint64 { return v.matches.At(i) }

// MatchIndex returns the index of line seq among the matches, or where it
// would be and false.
func (v *Viewport[L]) MatchIndex(seq uint64) (int, bool) { return v.matches.Find(seq) }

// IsMatch reports whether line seq is shown and matches the search.
func (v *Viewport[L]) IsMatch(seq uint64) bool {
	_, ok := v.matches.Find(seq)
	return ok
}
