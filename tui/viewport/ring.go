package viewport

// ring is a bounded buffer of lines. Every line gets a sequence number
// that never changes, so positions held as sequence numbers stay put while
// lines are added and old ones evicted.
type ring[L any] struct {
	lines []L    // storage, used circularly once it stops growing
	head  int    // index in lines of the oldest line
	n     int    // lines held
	first uint64 // sequence number of the oldest line
	size  int    // capacity in lines
}

// newRing returns an empty ring that holds at most size lines. Its storage
// grows with use, so a large size costs nothing until it is filled.
func newRing[L any](size int) *ring[L] {
	if size < 1 {
		size = 1
	}
	return &ring[L]{size: size}
}

// Len is the number of lines held.
func (r *ring[L]) Len() int { return r.n }

// Full reports whether the next Push evicts the oldest line.
func (r *ring[L]) Full() bool { return r.n == r.size }

// First is the sequence number of the oldest line held.
func (r *ring[L]) First() uint64 { return r.first }

// End is the sequence number the next pushed line will get.
func (r *ring[L]) End() uint64 { return r.first + uint64(r.n) }

// Push adds l as the newest line and returns its sequence number. When the
// ring is full the oldest line is evicted; evicted reports whether one was.
func (r *ring[L]) Push(l L) (seq uint64, evicted bool) {
	switch {
	case r.n == r.size:
		r.lines[r.head] = l
		r.head = (r.head + 1) % len(r.lines)
		r.first++
		return r.End() - 1, true
	case r.n < len(r.lines):
		r.lines[(r.head+r.n)%len(r.lines)] = l
	default:
		if r.head != 0 {
			// The storage is full but the ring is not (lines were
			// dropped): lay it out from the oldest line, then grow.
			grown := make([]L, 0, min(r.size, 2*len(r.lines)))
			grown = append(grown, r.lines[r.head:]...)
			grown = append(grown, r.lines[:r.head]...)
			r.lines, r.head = grown, 0
		}
		r.lines = append(r.lines, l)
	}
	r.n++
	return r.End() - 1, false
}

// PopOldest drops the oldest line; it reports false when there is none.
func (r *ring[L]) PopOldest() bool {
	if r.n == 0 {
		return false
	}
	var zero L
	r.lines[r.head] = zero // let what it refers to go
	r.head = (r.head + 1) % len(r.lines)
	r.first++
	r.n--
	return true
}

// At returns the line with sequence number seq, or nil when it was evicted
// or does not exist yet. The pointer is valid until the next Push.
func (r *ring[L]) At(seq uint64) *L {
	if seq < r.first || seq >= r.End() {
		return nil
	}
	return &r.lines[(r.head+int(seq-r.first))%len(r.lines)]
}

// Reset empties the ring; sequence numbers keep increasing, so positions
// taken before the reset never name a line added after it.
func (r *ring[L]) Reset() {
	r.first = r.End()
	clear(r.lines)
	r.lines = r.lines[:0]
	r.head, r.n = 0, 0
}
