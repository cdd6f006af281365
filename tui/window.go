package tui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"sandtail/engine"
	"sandtail/text/lines"
)

// The viewer holds in memory only a window of the log: at most --buffer
// lines around the screen. Everything else on disk stays reachable
// through the engine's History, an index of every entry read again on
// demand: moving past either edge of the window, `g`, `G` and a search
// that finds a line outside it move the window there. A local sandbox
// has a History; several at once and the cloud do not, and keep the
// newest --buffer lines as before.

// history is what the viewer needs of an *engine.History.
type history interface {
	Len() int
	Read(lo, hi int) ([]engine.Entry, error)
	ReadSources(lo, hi int, want engine.Sources) ([]engine.Entry, []int, error)
	Prune() ([]engine.Released, *engine.Moved)
	End() engine.Cursor
	Skipped() int64
	Seek(t time.Time) int
	Span() (oldest, newest time.Time, ok bool)
	Close() error
}

// historyBackend is a backend that can open a History: the engine's.
type historyBackend interface {
	History(ctx context.Context, dir string, opts engine.Options) (history, entryStream, error)
}

func (engineBackend) History(ctx context.Context, dir string, opts engine.Options) (history, entryStream, error) {
	h, s, err := engine.OpenHistory(ctx, dir, opts)
	if err != nil {
		return nil, nil, err
	}
	return h, s, nil
}

// firstWindow is how many entries the first window reads: a few
// screenfuls, so the whole log is searchable sooner; moving past its
// edge reads a window of the full size.
func firstWindow(size int) int { return min(size, 4096) }

// window is where the lines held sit in the History.
type window struct {
	h history
	// lo and hi are the entries the lines held were made from: [lo, hi).
	lo, hi int
	// live is the ordinal the stream's next entry gets: the History's
	// length as far as the viewer has been told.
	live int
	// prev is the cursor just before entry lo: the "from" of its line.
	prev engine.Cursor
}

// closeWindow lets go of the History: a new generation reads anew.
func (m *Model) closeWindow() {
	m.stopScan(scanStarts)
	if m.win != nil {
		m.win.h.Close()
		m.win = nil
	}
}

// attached reports whether the window reaches the newest entry, so that
// live lines join it.
func (w *window) attached() bool { return w.hi == w.live }

// windowBytes bounds the bytes of entry data a window reads: entries of
// long lines make a window of fewer entries, never more memory (the lines
// made of them may take up to maxHeldBytes once sanitised).
const windowBytes = maxHeldBytes / 2

// windowChunk is how many entries a window reads at a time.
const windowChunk = 512

// readWindow reads a window of h: at most size entries of the sources
// shown (and notices) around entry anchor, which it holds when there is
// one, asked for as [lo, lo+size), and no more than windowBytes of their
// data, shared between the parts before and after anchor as size is.
// Entries of other sources are read past, as far as it takes: of each run
// of them only the last is kept, without its data, for its cursor. ords
// are the ordinals of the entries returned.
func readWindow(h history, lo, size, anchor int, shown engine.Sources) (*window, []engine.Entry, []int, error) {
	n := h.Len()
	lo = max(min(lo, n-size), 0)
	anchor = min(max(anchor, lo), min(lo+size, n))
	wantBefore := anchor - lo
	before := int64(0)
	if size > 0 {
		before = windowBytes * int64(wantBefore) / int64(size)
	}
	var w window
	var es []engine.Entry
	var ords []int
	// take adds entry e (ordinal o) when it is held; of the others it
	// keeps the last of a run, for the cursor. It reports whether e
	// counts towards the window.
	take := func(e engine.Entry, o int) bool {
		held := holdsSource(shown, &e)
		if !held {
			e.Data = nil
			if k := len(es) - 1; k >= 0 && !holdsSource(shown, &es[k]) {
				es[k], ords[k] = e, o
				return false
			}
		}
		es, ords = append(es, e), append(ords, o)
		return held
	}
	// Backwards from the anchor, a chunk at a time, then put in order.
	start, got := anchor, 0
	var used int64
	for start > 0 && got < wantBefore && used < before {
		from := max(start-windowChunk, 0)
		chunk, at, err := h.ReadSources(from, start, shown)
		if err != nil {
			return nil, nil, nil, err
		}
		k := len(chunk) - 1
		for ; k >= 0 && got < wantBefore && used < before; k-- {
			if take(chunk[k], at[k]) {
				got++
				used += int64(len(chunk[k].Data))
			}
			start = at[k]
		}
		if k < 0 {
			start = from // a run passed over stands for all of it
		}
	}
	slices.Reverse(es)
	slices.Reverse(ords)
	// Forwards from it, with what is left (the anchor's entry at least).
	end, got := anchor, 0
	for end < n && (got < size-wantBefore && used < windowBytes || end == anchor) {
		hi := min(end+windowChunk, n)
		chunk, at, err := h.ReadSources(end, hi, shown)
		if err != nil {
			return nil, nil, nil, err
		}
		k := 0
		for ; k < len(chunk) && (got < size-wantBefore && used < windowBytes || at[k] == anchor); k++ {
			if take(chunk[k], at[k]) {
				got++
				used += int64(len(chunk[k].Data))
			}
			end = at[k] + 1
		}
		if k < len(chunk) || len(chunk) == 0 {
			break
		}
		end = hi
	}
	w = window{h: h, lo: start, hi: end, live: n}
	if start > 0 {
		prev, err := h.Read(start-1, start)
		if err != nil {
			return nil, nil, nil, err
		}
		if len(prev) == 1 {
			w.prev = prev[0].Cursor
		}
	}
	return &w, es, ords, nil
}

// rereadWindow reads the window again where it is, keeping the selected
// line (or following): after the sources shown changed.
func (m *Model) rereadWindow() {
	w := m.win
	if m.vp.Following() {
		m.moveWindow(w.live-m.cfg.Buffer, w.live, 0)
		m.vp.Follow()
		return
	}
	ord, nth, ok := m.selectedOrd()
	if !ok {
		ord, nth = w.lo, 0
	}
	m.moveWindow(w.lo, ord, nth)
}

// ingestWindow ingests the first window the History came with, at the
// ordinals read with it.
func (m *Model) ingestWindow(entries []engine.Entry) {
	ords := m.winOrds
	m.winOrds = nil
	m.ingestOrds(entries, func(i int) int { return ords[i] })
}

// windowAround reads the window with piece nth of entry ord in its middle,
// and selects that line.
func (m *Model) windowAround(ord int, nth uint32) bool {
	return m.moveWindow(ord-m.cfg.Buffer/2, ord, nth)
}

// moveWindow replaces the lines held with the window starting at about lo
// and holding entry ord, and selects the line made from its piece nth, or
// the nearest one.
func (m *Model) moveWindow(lo int, ord int, nth uint32) bool {
	w := m.win
	if w == nil {
		return false
	}
	nw, es, ords, err := readWindow(w.h, lo, m.cfg.Buffer, ord, m.show)
	if err != nil {
		m.setStatus(fmt.Sprintf("could not read the log again: %v", err), true)
		return false
	}
	nw.live = w.live
	m.clearLines()
	m.win = nw
	m.prevCursor = nw.prev
	m.ingestOrds(es, func(i int) int { return ords[i] })
	m.syncWindow()
	m.numberRuns()
	m.vp.Unfollow()
	m.vp.SetPaused(true)
	if seq, ok := m.seqOfOrd(ord, nth); ok {
		m.vp.Goto(seq)
	} else {
		m.vp.Reselect()
	}
	return true
}

// seqOfOrd finds the held line made from piece nth of entry ord, or the
// first line at or after it.
func (m *Model) seqOfOrd(ord int, nth uint32) (uint64, bool) {
	best, found := uint64(0), false
	for i := 0; i < m.vp.VisibleLen(); i++ {
		seq := m.vp.VisibleAt(i)
		l := m.vp.Line(seq)
		if l == nil || l.ord < 0 {
			continue
		}
		if l.ord > ord || l.ord == ord && l.nth >= nth {
			return seq, true
		}
		best, found = seq, true
	}
	return best, found
}

// clearLines drops every line held and what is known of them.
func (m *Model) clearLines() {
	m.vp.Reset()
	m.cut.Reset()
	m.counts = [4]int{}
	m.held = 0
	m.resetStrip()
	m.open = map[lines.Key]uint64{}
	m.joiner = lines.Joiner{}
	m.prevCursor = engine.Cursor{}
	m.tl.forgetLines()
}

// syncWindow sets the window's start to the oldest line still held: the
// buffer lets its oldest lines go as live ones arrive.
func (m *Model) syncWindow() {
	if m.win == nil || m.vp.Len() == 0 {
		return
	}
	if l := m.vp.Line(m.vp.First()); l != nil && l.ord >= 0 {
		m.win.lo = max(m.win.lo, l.ord)
	}
}

// selectedOrd is the entry and piece of the selected line.
func (m *Model) selectedOrd() (int, uint32, bool) {
	l := m.vp.Line(m.vp.Selected())
	if l == nil || l.ord < 0 {
		return 0, 0, false
	}
	return l.ord, l.nth, true
}

// atWindowEdge reports whether a move of delta lines from the selection
// would leave the lines held, with more of the History beyond them.
func (m *Model) atWindowEdge(delta int) bool {
	w := m.win
	n := m.vp.VisibleLen()
	if w == nil {
		return false
	}
	if n == 0 {
		return delta < 0 && w.lo > 0 || delta > 0 && !w.attached()
	}
	sel := m.vp.Selected()
	if m.vp.Following() {
		if last, ok := m.vp.LastVisible(); ok {
			sel = last
		}
	}
	k := abs(delta)
	if delta < 0 {
		if w.lo == 0 {
			return false
		}
		for i := 0; i < min(k, n); i++ {
			if m.vp.VisibleAt(i) == sel {
				return true
			}
		}
		return false
	}
	if w.attached() {
		return false
	}
	for i := max(n-k, 0); i < n; i++ {
		if m.vp.VisibleAt(i) == sel {
			return true
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// moveBy moves the selection delta lines with move (a line or a page at
// a time), reading the window beyond the lines held first when the move
// would leave them.
func (m *Model) moveBy(delta int, move func()) {
	if m.atWindowEdge(delta) && m.crossEdge(delta) {
		return
	}
	move()
}

// crossEdge moves the window past the edge the selection is at, in the
// direction of delta. It reports whether it selected the line to go to
// itself (the nearest shown line was further than one window away);
// otherwise the selection stayed and the move goes on from it.
func (m *Model) crossEdge(delta int) bool {
	up := delta < 0
	size := m.cfg.Buffer
	ord, nth, ok := m.selectedOrd()
	if !ok {
		ord = m.win.lo
		if !up {
			ord = m.win.hi
		}
	}
	// Far past the window: a scan of what is shown knows where the next
	// shown line is.
	if hs := m.scans[scanShown]; hs != nil {
		if hit, found := hs.scan.Next(uint32(ord), nth, !up); found && (int(hit.Ord) < m.win.lo || int(hit.Ord) >= m.win.hi) {
			m.windowAround(int(hit.Ord), hit.Nth)
			return true
		}
	}
	// Most of the new window lies in the direction of the move.
	lo := ord - size/4
	if up {
		lo = ord - size + size/4
	}
	m.moveWindow(lo, ord, nth)
	if !m.atWindowEdge(delta) || m.vp.VisibleLen() > 0 && !m.selectionAtEnd(up) {
		return false
	}
	// Nothing shown between the selection and the window's edge: read
	// on, a window at a time, to the first shown line.
	for w := m.win; up && w.lo > 0 || !up && !w.attached(); w = m.win {
		// The next window joins this one: read towards it from its edge
		// (a window cut short by its bytes would leave a gap otherwise).
		if up {
			m.moveWindow(w.lo-size, w.lo, 0)
		} else {
			m.moveWindow(w.hi, w.hi, 0)
		}
		if m.vp.VisibleLen() == 0 {
			continue
		}
		if up {
			last, _ := m.vp.LastVisible()
			m.vp.Goto(last)
		} else {
			m.vp.Goto(m.vp.VisibleAt(0))
		}
		return true
	}
	return true
}

// selectionAtEnd reports whether no shown line lies beyond the selection
// in the direction (up or down) among the lines held.
func (m *Model) selectionAtEnd(up bool) bool {
	n := m.vp.VisibleLen()
	if n == 0 {
		return true
	}
	if up {
		return m.vp.VisibleAt(0) == m.vp.Selected()
	}
	return m.vp.VisibleAt(n-1) == m.vp.Selected()
}

// windowAtTime moves the window to the entries around time t, when the
// lines held do not reach it; it reports whether it moved.
func (m *Model) windowAtTime(t time.Time) bool {
	w := m.win
	if w == nil {
		return false
	}
	ord := w.h.Seek(t)
	if ord >= w.lo && ord < w.hi || ord == w.hi && w.attached() {
		return false
	}
	return m.windowAround(ord, 0)
}

// windowTop moves the window to the oldest entry on disk (g).
func (m *Model) windowTop() {
	if m.win != nil && m.win.lo > 0 {
		m.moveWindow(0, 0, 0)
	}
	if m.win != nil && m.vp.VisibleLen() == 0 {
		m.toShownHit(true)
		return
	}
	m.vp.GotoTop()
}

// toShownHit moves to the first (or last) line shown in the whole log,
// when a scan of what is shown found one: the window at either end of
// the log may show nothing through a filter.
func (m *Model) toShownHit(first bool) {
	hs := m.scans[scanShown]
	if hs == nil {
		return
	}
	i := hs.scan.Count() - 1
	if first {
		i = 0
	}
	if hit, ok := hs.scan.At(i); ok {
		m.windowAround(int(hit.Ord), hit.Nth)
	}
}

// windowBottom moves the window back to the newest entries and follows
// (G).
func (m *Model) windowBottom() {
	if w := m.win; w != nil && !w.attached() {
		m.moveWindow(w.live-m.cfg.Buffer, w.live, 0)
	}
	m.vp.Follow()
	if m.win != nil && m.vp.VisibleLen() == 0 {
		// Nothing shown among the newest lines: the newest line shown
		// is further up; new ones that pass still arrive at the
		// bottom once G is pressed there again.
		m.toShownHit(false)
	}
}

// windowLive takes a batch the stream handed over: its entries are the
// History's next ordinals; they join the lines held when the window
// reaches the newest entry.
func (m *Model) windowLive(entries []engine.Entry) {
	w := m.win
	base := w.live
	w.live += len(entries)
	if w.hi != base {
		return
	}
	m.ingestAt(entries, base)
	w.hi = w.live
	m.syncWindow()
}

// prune lets the History release files that left retention and moves
// the window to where its lines are now.
func (m *Model) prune() {
	w := m.win
	if w == nil {
		return
	}
	rel, moved := w.h.Prune()
	if rel == nil {
		return
	}
	remap := moved.Ord
	var parts []string
	for _, r := range rel {
		parts = append(parts, fmt.Sprintf("%s lines of %s", groupDigits(r.Lines), r.Type))
	}
	m.setStatus(strings.Join(parts, ", ")+" left retention and are no longer on disk", false)
	wasAttached, whole := w.attached(), w.lo == 0 && w.attached() && w.live <= firstWindow(m.cfg.Buffer)
	follow := m.vp.Following()
	w.live = remap(w.live)
	if whole {
		// A short log held whole: read it again, the notice in place
		// of the lines that left.
		ord, nth, ok := m.selectedOrd()
		if ok {
			ord = remap(ord)
		}
		w.hi = w.live
		m.moveWindow(0, ord, nth)
		if follow {
			m.vp.Follow()
		}
		m.scanKey = ""
		m.stopScan(scanStarts)
		return
	}
	// The files that left are the oldest of their kind: their lines held
	// are at the top of the window. Those and the lines above the last
	// of them leave; the rest stay, at their entries' new places (what
	// left above is read again when the view goes back up there).
	last, found := uint64(0), false
	for seq := m.vp.First(); seq < m.vp.End(); seq++ {
		if l := m.vp.Line(seq); l != nil && moved.Gone(l.ord) {
			last, found = seq, true
		}
	}
	for found && m.vp.Len() > 0 && m.vp.First() <= last {
		m.vp.DropOldest()
	}
	m.settle()
	for seq := m.vp.First(); seq < m.vp.End(); seq++ {
		if l := m.vp.Line(seq); l != nil && l.ord >= 0 {
			l.ord = remap(l.ord)
		}
	}
	w.lo, w.hi = remap(w.lo), remap(w.hi)
	if wasAttached {
		w.hi = w.live
	}
	if m.vp.Len() == 0 {
		m.moveWindow(w.lo, w.lo, 0)
		if follow {
			m.vp.Follow()
		}
	} else if l := m.vp.Line(m.vp.First()); l != nil && l.ord >= 0 {
		w.lo = l.ord
	}
	m.scanKey = "" // the scans' ordinals are the old ones: start again
	m.stopScan(scanStarts)
}
