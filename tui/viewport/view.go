package viewport

// View draws the body: the shown lines from the top position down, at most
// the body's height in rows, or nothing when no line is shown (the owner
// says why). Only the lines on screen are drawn, so a frame costs the
// same with a thousand lines held or a million.
func (v *Viewport[L]) View() []string {
	h := v.height()
	if v.visible.Len() == 0 {
		return nil
	}
	top, skip := v.top, v.topRow
	if v.follow {
		top, skip = v.bottomTop()
	}
	out := make([]string, 0, h)
	for i := v.visibleIndex(top); i < v.visible.Len() && len(out) < h; i++ {
		seq := v.visible.At(i)
		if l := v.ring.At(seq); l != nil {
			out = append(out, v.layout.Draw(seq, l, seq == v.sel, skip, h-len(out))...)
		}
		skip = 0
	}
	return out
}
