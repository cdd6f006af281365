package viewport

// Position is where the view is: enough to go back there later (a search
// box that is cancelled returns to where it was opened).
type Position struct {
	Sel    uint64 // the selected line
	Top    uint64 // the line on the first body row, when not following
	TopRow int    // rows of Top hidden above the body
	Follow bool   // following the newest line
	Paused bool   // following was turned off with the follow key
}

// Position returns where the view is.
func (v *Viewport[L]) Position() Position {
	return Position{Sel: v.sel, Top: v.top, TopRow: v.topRow, Follow: v.follow, Paused: v.paused}
}

// SetPosition goes back to p: following again, or the selection and top
// line of p, moved to their nearest shown lines if those are gone.
func (v *Viewport[L]) SetPosition(p Position) {
	v.follow, v.paused = p.Follow, p.Paused
	if v.follow {
		v.Follow()
		return
	}
	v.sel, v.top, v.topRow = p.Sel, p.Top, p.TopRow
	v.Reselect()
}

// Selected is the selected line.
func (v *Viewport[L]) Selected() uint64 { return v.sel }

// Following reports whether the view follows the newest line.
func (v *Viewport[L]) Following() bool { return v.follow }

// Paused reports whether following was turned off on purpose: moving
// down onto the newest line does not resume it then.
func (v *Viewport[L]) Paused() bool { return v.paused }

// SetPaused says whether following was turned off on purpose.
func (v *Viewport[L]) SetPaused(paused bool) { v.paused = paused }

// StartPaused stops following without moving the view, for a view that
// opens somewhere other than the newest line; the owner selects that line
// next (Goto).
func (v *Viewport[L]) StartPaused() { v.follow, v.paused = false, true }

// XOffset is the horizontal scroll, in cells.
func (v *Viewport[L]) XOffset() int { return v.xOff }

// ResetX scrolls back to the first column.
func (v *Viewport[L]) ResetX() { v.xOff = 0 }

// ScrollSideways scrolls step cells right or left, never past the end of
// the widest line on screen nor before the first column.
func (v *Viewport[L]) ScrollSideways(right bool, step int) {
	if right {
		v.xOff = min(v.xOff+step, v.maxXOff())
	} else {
		v.xOff = max(v.xOff-step, 0)
	}
}

// maxXOff is the horizontal scroll that shows the end of the longest line
// on screen: scrolling further would only show blank rows.
func (v *Viewport[L]) maxXOff() int {
	width, h := v.layout.Size()
	top := v.top
	if v.follow {
		top, _ = v.bottomTop()
	}
	longest := 0
	for i := v.visibleIndex(top); i < v.visible.Len() && h > 0; i, h = i+1, h-1 {
		longest = max(longest, v.layout.Cells(v.ring.At(v.visible.At(i))))
	}
	return max(longest-width, v.xOff, 0)
}

// height is the number of body rows.
func (v *Viewport[L]) height() int {
	_, h := v.layout.Size()
	return h
}

// rowsOf is how many body rows line seq takes.
func (v *Viewport[L]) rowsOf(seq uint64) int {
	l := v.ring.At(seq)
	if l == nil {
		return 1
	}
	return v.layout.Rows(l)
}

// visibleIndex returns the index in the visible list of seq, or of the
// nearest visible line after it.
func (v *Viewport[L]) visibleIndex(seq uint64) int {
	i, _ := v.visible.Find(seq)
	if i >= v.visible.Len() {
		i = v.visible.Len() - 1
	}
	return max(i, 0)
}

// bottomTop returns the top position that shows the newest visible line on
// the last body row: the layout while following.
func (v *Viewport[L]) bottomTop() (uint64, int) {
	n := v.visible.Len()
	if n == 0 {
		return v.ring.End(), 0
	}
	return v.topEndingAt(n - 1)
}

// topEndingAt returns the top position whose view ends with the last row
// of the i-th visible line. It walks back at most a screenful of lines.
func (v *Viewport[L]) topEndingAt(i int) (uint64, int) {
	h := v.height()
	rows := 0
	for ; i >= 0; i-- {
		seq := v.visible.At(i)
		r := v.rowsOf(seq)
		if rows+r >= h {
			return seq, rows + r - h
		}
		rows += r
	}
	return v.visible.At(0), 0
}

// ensureSelVisible scrolls the least needed to show the whole selected
// line (its first row when it is taller than the body).
func (v *Viewport[L]) ensureSelVisible() {
	if v.visible.Len() == 0 || v.follow {
		return
	}
	if v.sel < v.top || (v.sel == v.top && v.topRow > 0) {
		v.top, v.topRow = v.sel, 0
		return
	}
	h := v.height()
	ti, si := v.visibleIndex(v.top), v.visibleIndex(v.sel)
	rows := -v.topRow
	for i := ti; i <= si; i++ {
		rows += v.rowsOf(v.visible.At(i))
		if rows > h {
			top, row := v.topEndingAt(si)
			if top > v.sel || (top == v.sel && row > 0) {
				top, row = v.sel, 0
			}
			v.top, v.topRow = top, row
			return
		}
	}
}

// Resized starts the top line whole after the pane changed size (line
// heights change with the width) and keeps the selection in view.
func (v *Viewport[L]) Resized() {
	v.topRow = 0
	v.ensureSelVisible()
}

// Relayout keeps the position valid after line heights changed (wrap,
// timestamps, the raw view).
func (v *Viewport[L]) Relayout() {
	v.ClampTopRow()
	v.ensureSelVisible()
}

// ClampTopRow keeps the rows hidden above the body within the top line.
func (v *Viewport[L]) ClampTopRow() {
	if r := v.rowsOf(v.top); v.topRow >= r {
		v.topRow = r - 1
	}
	if v.topRow < 0 {
		v.topRow = 0
	}
}

// atBottom reports whether the selection is on the newest visible line.
func (v *Viewport[L]) atBottom() bool {
	last, ok := v.visible.Last()
	return !ok || v.sel >= last
}

// Unfollow stops following, pinning the view where following left it.
// Lines that arrive from then on are counted as new (NewBelow).
func (v *Viewport[L]) Unfollow() {
	if !v.follow {
		return
	}
	v.top, v.topRow = v.bottomTop()
	v.follow = false
	v.newFrom = v.ring.End()
}

// NewBelow counts the shown lines that arrived since following stopped:
// the lines Follow would scroll past.
func (v *Viewport[L]) NewBelow() int {
	if v.follow {
		return 0
	}
	i, _ := v.visible.Find(v.newFrom)
	return v.visible.Len() - i
}

// MarkRead counts no line held as new: they are what was asked for, not
// lines that arrived while the view was paused.
func (v *Viewport[L]) MarkRead() { v.newFrom = v.ring.End() }

// Follow jumps to the newest line and follows again.
func (v *Viewport[L]) Follow() {
	v.follow, v.paused = true, false
	if last, ok := v.visible.Last(); ok {
		v.sel = last
	}
}

// ToggleFollow pauses following, or jumps to the newest line and follows.
func (v *Viewport[L]) ToggleFollow() {
	if v.follow {
		v.Unfollow()
		v.paused = true
		return
	}
	v.Follow()
}

// Move moves the selection by delta shown lines. Reaching the newest line
// resumes following unless following was paused on purpose.
func (v *Viewport[L]) Move(delta int) {
	if v.visible.Len() == 0 {
		return
	}
	if delta < 0 {
		v.Unfollow()
	}
	i := v.visibleIndex(v.sel) + delta
	i = min(max(i, 0), v.visible.Len()-1)
	v.sel = v.visible.At(i)
	if !v.follow && !v.paused && v.atBottom() && delta > 0 {
		v.Follow()
		return
	}
	v.ensureSelVisible()
}

// Page moves the view and the selection by delta lines together, so the
// selection keeps its row, like a pager's page keys.
func (v *Viewport[L]) Page(delta int) {
	if v.visible.Len() == 0 {
		return
	}
	if delta < 0 {
		v.Unfollow()
	} else if v.follow {
		return
	}
	ti := v.visibleIndex(v.top) + delta
	ti = min(max(ti, 0), v.visible.Len()-1)
	v.top, v.topRow = v.visible.At(ti), 0
	v.Move(delta)
}

// GotoTop selects the oldest shown line.
func (v *Viewport[L]) GotoTop() {
	if v.visible.Len() == 0 {
		return
	}
	v.Unfollow()
	v.sel = v.visible.At(0)
	v.top, v.topRow = v.sel, 0
}

// Goto selects line seq (a search match, a line asked for) and pauses,
// scrolling to it; it centres the line when it was off screen, so what
// surrounds it is visible too.
func (v *Viewport[L]) Goto(seq uint64) {
	v.Unfollow()
	v.paused = true
	v.sel = seq
	if v.onScreen(seq) {
		return
	}
	i := v.visibleIndex(seq)
	half := v.height() / 2
	rows := 0
	for i > 0 && rows+v.rowsOf(v.visible.At(i-1)) <= half {
		i--
		rows += v.rowsOf(v.visible.At(i))
	}
	v.top, v.topRow = v.visible.At(i), 0
	v.ensureSelVisible()
}

// onScreen reports whether line seq is fully drawn in the body.
func (v *Viewport[L]) onScreen(seq uint64) bool {
	top, row := v.top, v.topRow
	if v.follow {
		top, row = v.bottomTop()
	}
	if seq < top || (seq == top && row > 0) {
		return false
	}
	h := v.height()
	rows := -row
	for i := v.visibleIndex(top); i < v.visible.Len(); i++ {
		s := v.visible.At(i)
		rows += v.rowsOf(s)
		if rows > h {
			return false
		}
		if s == seq {
			return true
		}
	}
	return false
}

// Reselect moves the selection and the top line to the nearest shown
// lines when the lines they were on are no longer shown, and keeps
// following at the bottom. A top line that is gone starts the body whole:
// the rows it had scrolled off belong to it, not to the line after it.
func (v *Viewport[L]) Reselect() {
	if v.visible.Len() == 0 {
		// Nothing to move to; the line that shows up next starts at the
		// first body row.
		v.topRow = 0
		return
	}
	if v.follow {
		v.sel, _ = v.visible.Last()
		return
	}
	i, ok := v.visible.Find(v.sel)
	if !ok {
		if i >= v.visible.Len() {
			i = v.visible.Len() - 1
		}
		v.sel = v.visible.At(i)
	}
	if j, ok := v.visible.Find(v.top); !ok {
		if j >= v.visible.Len() {
			j = v.visible.Len() - 1
		}
		v.top, v.topRow = v.visible.At(j), 0
	}
	v.ensureSelVisible()
}

// JumpMatch selects the match below (dir 1) or above (dir -1) the
// selection, wrapping around the buffer. found is false when nothing
// matches; wrapped says it went round.
func (v *Viewport[L]) JumpMatch(dir int) (found, wrapped bool) {
	n := v.matches.Len()
	if n == 0 {
		return false, false
	}
	i, ok := v.matches.Find(v.sel)
	switch {
	case dir > 0 && ok:
		i++
	case dir < 0:
		i--
	}
	if i >= n {
		i, wrapped = 0, true
	}
	if i < 0 {
		i, wrapped = n-1, true
	}
	v.Goto(v.matches.At(i))
	return true, wrapped
}

// LandMatch selects the nearest match at or above line from; above the
// oldest match it wraps to the newest. found is false when nothing
// matches; wrapped says it went round.
func (v *Viewport[L]) LandMatch(from uint64) (found, wrapped bool) {
	n := v.matches.Len()
	if n == 0 {
		return false, false
	}
	i, ok := v.matches.Find(from)
	if !ok {
		i--
	}
	if i < 0 {
		i, wrapped = n-1, true
	}
	v.Goto(v.matches.At(i))
	return true, wrapped
}
