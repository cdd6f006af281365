package strip

// RateWindow is how many seconds a Rate looks back: the header's
// sparkline shows the last minute.
const RateWindow = 60

// Rate counts lines per second over the last RateWindow seconds, in a
// fixed ring: a second's slot is reused once it is a window old.
type Rate struct {
	sec [RateWindow]int64 // the second each slot counts
	n   [RateWindow]uint32
}

// Add counts a line at unixNano.
func (r *Rate) Add(unixNano int64) {
	s := floorDiv(unixNano, 1e9)
	i := int(s % RateWindow)
	if i < 0 {
		i += RateWindow
	}
	switch {
	case r.sec[i] == s:
		r.n[i]++
	case r.sec[i] < s:
		r.sec[i], r.n[i] = s, 1
	}
	// An older second than the slot holds was a window ago: not counted.
}

// Spark draws the last RateWindow seconds before now (unix seconds) as
// cells glyphs, oldest first, each the lines of its share of the window
// against the busiest share.
func (r *Rate) Spark(now int64, cells int) string {
	if cells <= 0 {
		return ""
	}
	sums := make([]int, cells)
	peak := 0
	for i := range r.sec {
		age := now - r.sec[i]
		if r.n[i] == 0 || age < 0 || age >= RateWindow {
			continue
		}
		c := cells - 1 - int(age)*cells/RateWindow
		sums[c] += int(r.n[i])
		peak = max(peak, sums[c])
	}
	var out []byte
	for _, n := range sums {
		// Idle is the lowest glyph, so the line is always there; any
		// activity stands above it.
		lvl := 1
		if n > 0 {
			lvl = 1 + (n*7+peak-1)/peak
		}
		out = append(out, eighths[lvl]...)
	}
	return string(out)
}
