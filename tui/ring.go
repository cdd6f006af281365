package tui

import (
	"time"

	"sandtail/engine"
)

// maxLineBytes caps the bytes kept for one display line. A program that
// prints megabytes without a newline must not make one line eat the memory
// meant for the whole buffer; the rest is counted and the line is marked.
const maxLineBytes = 16 << 10

// line is one display line: everything needed to filter it and draw it
// fast, without the engine entry it came from.
type line struct {
	// text is the line's bytes as the program wrote them (capped at
	// maxLineBytes), without the trailing newline. It is kept so toggling
	// colour or the raw view redraws from the original.
	text []byte
	// plain is the sanitised text without styles: what search and filter
	// match and what y copies.
	plain string
	// width is plain's width in cells.
	width int

	time time.Time
	// from is the cursor just before the entry that started this line
	// (zero when unknown); after is the cursor after the last entry that
	// added to it. Y copies a command built from them.
	from, after engine.Cursor
	session     uint64
	source      engine.Source
	hasSession  bool
	mark        engine.Mark
	// open is true while the line's last chunk had no newline: more
	// chunks of the same source and session may still extend it.
	open bool
	// overstruck is true when a \r overwrote part of the line.
	overstruck bool
	// truncated counts bytes dropped from the line (by the engine's entry
	// cap or by maxLineBytes).
	truncated int64
}

// Ring is a bounded buffer of display lines. Every line gets a sequence
// number that never changes, so positions held as sequence numbers stay put
// while lines are added and old ones evicted.
type Ring struct {
	lines []line
	head  int    // index in lines of the oldest line
	first uint64 // sequence number of the oldest line
	size  int    // capacity in lines
}

// NewRing returns an empty ring that holds at most size lines. Its storage
// grows with use, so a large size costs nothing until it is filled.
func NewRing(size int) *Ring {
	if size < 1 {
		size = 1
	}
	return &Ring{size: size}
}

// Len is the number of lines held.
func (r *Ring) Len() int { return len(r.lines) }

// First is the sequence number of the oldest line held.
func (r *Ring) First() uint64 { return r.first }

// End is the sequence number the next pushed line will get.
func (r *Ring) End() uint64 { return r.first + uint64(len(r.lines)) }

// Push adds l as the newest line and returns its sequence number. When the
// ring is full the oldest line is evicted; evicted reports whether one was.
func (r *Ring) Push(l line) (seq uint64, evicted bool) {
	if len(r.lines) < r.size {
		r.lines = append(r.lines, l)
		return r.End() - 1, false
	}
	r.lines[r.head] = l
	r.head = (r.head + 1) % r.size
	r.first++
	return r.End() - 1, true
}

// At returns the line with sequence number seq, or nil when it was evicted
// or does not exist yet. The pointer is valid until the next Push.
func (r *Ring) At(seq uint64) *line {
	if seq < r.first || seq >= r.End() {
		return nil
	}
	return &r.lines[(r.head+int(seq-r.first))%len(r.lines)]
}

// Reset empties the ring; sequence numbers keep increasing, so positions
// taken before the reset never name a line added after it.
func (r *Ring) Reset() {
	r.first = r.End()
	r.lines = r.lines[:0]
	r.head = 0
}
