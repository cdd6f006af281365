// Package strip is the viewer's activity strip: counts of lines per time
// bucket, kept up to date as lines arrive and leave, and drawn as bars,
// one column per span of time, at a cost set by the width and a fixed
// number of buckets, never by how many lines are held.
package strip

// Buckets is how many time buckets a Hist keeps. A column of the strip
// sums the buckets in its span, so drawing costs at most Buckets plus the
// width, whatever the history holds.
const Buckets = 2048

// minSpan is the finest bucket, in nanoseconds (about a millisecond).
const minSpan = 1 << 20

// Sources is how many sources a bucket counts apart, so the strip can
// leave out the sources that are hidden without counting again.
const Sources = 4

// Sample is one line as the strip counts it.
type Sample struct {
	UnixNano int64
	Source   int  // 0 … Sources-1
	Err      bool // drawn in the error colour: stderr, or an error level
	Start    bool // a sandbox start record
	Stop     bool // a sandbox stop record
}

type bucket struct {
	n     [Sources]uint32
	err   [Sources]uint32
	start uint16
	stop  uint16
}

func (b *bucket) empty() bool { return *b == bucket{} }

// Hist counts lines per time bucket. Buckets are a ring indexed by the
// absolute bucket number (time / span) modulo Buckets; when a time falls
// outside the window the ring can hold, the span doubles and neighbouring
// buckets merge, so the history always fits. The zero value is empty and
// ready.
type Hist struct {
	span   int64 // nanoseconds per bucket; 0 until the first Add
	lo, hi int64 // the lowest and highest bucket numbers that may hold lines
	ring   [Buckets]bucket
	total  int
}

// Span is the duration of one bucket, in nanoseconds.
func (h *Hist) Span() int64 { return h.span }

// Len is the number of lines counted.
func (h *Hist) Len() int { return h.total }

// Range is the time range the counted lines fall in, bucket-aligned:
// from the start of the first bucket to the end of the last.
func (h *Hist) Range() (from, to int64, ok bool) {
	if h.total == 0 {
		return 0, 0, false
	}
	return h.lo * h.span, (h.hi + 1) * h.span, true
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func (h *Hist) at(idx int64) *bucket { return &h.ring[idx&(Buckets-1)] }

// Add counts s.
func (h *Hist) Add(s Sample) {
	if s.Source < 0 || s.Source >= Sources {
		return
	}
	if h.span == 0 || h.total == 0 {
		if h.span == 0 {
			h.span = minSpan
		}
		idx := floorDiv(s.UnixNano, h.span)
		h.lo, h.hi = idx, idx
	}
	idx := floorDiv(s.UnixNano, h.span)
	for max(h.hi, idx)-min(h.lo, idx) >= Buckets {
		h.coarsen()
		idx = floorDiv(s.UnixNano, h.span)
	}
	h.lo, h.hi = min(h.lo, idx), max(h.hi, idx)
	b := h.at(idx)
	b.n[s.Source]++
	if s.Err {
		b.err[s.Source]++
	}
	if s.Start && b.start < ^uint16(0) {
		b.start++
	}
	if s.Stop && b.stop < ^uint16(0) {
		b.stop++
	}
	h.total++
}

// Remove uncounts s, a sample given to Add before (a line leaving the
// buffer). A sample the buckets no longer hold is ignored.
func (h *Hist) Remove(s Sample) {
	if h.total == 0 || s.Source < 0 || s.Source >= Sources {
		return
	}
	idx := floorDiv(s.UnixNano, h.span)
	if idx < h.lo || idx > h.hi {
		return
	}
	b := h.at(idx)
	if b.n[s.Source] == 0 {
		return
	}
	b.n[s.Source]--
	if s.Err && b.err[s.Source] > 0 {
		b.err[s.Source]--
	}
	if s.Start && b.start > 0 {
		b.start--
	}
	if s.Stop && b.stop > 0 {
		b.stop--
	}
	h.total--
	// Lines leave oldest first: the window's low end follows them, so
	// new lines fit without coarsening as long as the range held does.
	for h.lo < h.hi && h.at(h.lo).empty() {
		h.lo++
	}
	for h.hi > h.lo && h.at(h.hi).empty() {
		h.hi--
	}
}

// coarsen doubles the span, merging pairs of buckets.
func (h *Hist) coarsen() {
	old := h.ring
	h.ring = [Buckets]bucket{}
	for idx := h.lo; idx <= h.hi; idx++ {
		src := &old[idx&(Buckets-1)]
		dst := h.at(floorDiv(idx, 2))
		for i := range src.n {
			dst.n[i] += src.n[i]
			dst.err[i] += src.err[i]
		}
		dst.start += src.start
		dst.stop += src.stop
	}
	h.span *= 2
	h.lo, h.hi = floorDiv(h.lo, 2), floorDiv(h.hi, 2)
}

// Coarse reports whether the buckets are much coarser than the range held
// needs (lines left the buffer since the span grew): the owner may then
// count again into a fresh Hist for a sharper picture.
func (h *Hist) Coarse() bool {
	return h.total > 0 && h.span > minSpan && (h.hi-h.lo+1)*4 < Buckets
}

// Column is what one column of the strip shows.
type Column struct {
	N     int  // lines of the shown sources
	Err   int  // of those, stderr or error-level lines
	Start bool // a sandbox started in this span
	Stop  bool // a sandbox stopped in this span
}

// Columns sums the buckets into width columns spanning [from, to), with
// only the sources show says (bit i for source i). It costs O(width +
// Buckets).
func (h *Hist) Columns(from, to int64, width int, show uint8) []Column {
	out := make([]Column, max(width, 0))
	if width <= 0 || h.total == 0 || to <= from {
		return out
	}
	span := to - from
	for c := range out {
		cs := from + int64(float64(span)*float64(c)/float64(width))
		ce := from + int64(float64(span)*float64(c+1)/float64(width))
		// A column takes the buckets that start in its span; a column
		// narrower than a bucket (zoomed in far) shows the bucket it
		// lies in.
		first, last := -floorDiv(-cs, h.span), -floorDiv(-ce, h.span)-1
		if c == 0 || last < first {
			first = floorDiv(cs, h.span)
		}
		if last < first {
			last = first
		}
		first, last = max(first, h.lo), min(last, h.hi)
		col := &out[c]
		for idx := first; idx <= last; idx++ {
			b := h.at(idx)
			for i := 0; i < Sources; i++ {
				if show&(1<<i) != 0 {
					col.N += int(b.n[i])
					col.Err += int(b.err[i])
				}
			}
			col.Start = col.Start || b.start > 0
			col.Stop = col.Stop || b.stop > 0
		}
	}
	return out
}
