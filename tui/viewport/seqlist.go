package viewport

import "sort"

// SeqList is a sorted list of line sequence numbers: the lines the view
// shows, or the lines that match the search. New lines are appended at the
// end and evicted ones trimmed at the front, both in amortised O(1); a
// lookup is a binary search. Owners use it too, for sets of lines of
// their own (the lines cut at a length cap, say).
type SeqList struct {
	s    []uint64
	head int // s[:head] were trimmed and are dead
}

// Len is the number of sequence numbers held.
func (l *SeqList) Len() int { return len(l.s) - l.head }

// At returns the i-th sequence number (0 is the oldest).
func (l *SeqList) At(i int) uint64 { return l.s[l.head+i] }

// Last returns the newest sequence number; ok is false when empty.
func (l *SeqList) Last() (uint64, bool) {
	if l.Len() == 0 {
		return 0, false
	}
	return l.s[len(l.s)-1], true
}

// Reset empties the list, keeping its storage.
func (l *SeqList) Reset() { l.s, l.head = l.s[:0], 0 }

// Add inserts seq in order. Lines arrive in sequence order, so this is
// almost always an append; an open line that starts matching later is
// inserted near the end.
func (l *SeqList) Add(seq uint64) {
	n := len(l.s)
	if n == l.head || l.s[n-1] < seq {
		l.s = append(l.s, seq)
		return
	}
	i := l.head + sort.Search(l.Len(), func(i int) bool { return l.s[l.head+i] >= seq })
	if i < n && l.s[i] == seq {
		return
	}
	l.s = append(l.s, 0)
	copy(l.s[i+1:], l.s[i:])
	l.s[i] = seq
}

// Remove deletes seq if present.
func (l *SeqList) Remove(seq uint64) {
	i, ok := l.Find(seq)
	if !ok {
		return
	}
	j := l.head + i
	copy(l.s[j:], l.s[j+1:])
	l.s = l.s[:len(l.s)-1]
}

// Find returns the index of seq, or where it would be inserted and false.
func (l *SeqList) Find(seq uint64) (int, bool) {
	n := l.Len()
	i := sort.Search(n, func(i int) bool { return l.s[l.head+i] >= seq })
	return i, i < n && l.s[l.head+i] == seq
}

// TrimBefore drops every sequence number below first (evicted lines).
// Storage is compacted once the dead prefix outgrows the live part, so
// memory stays proportional to what is held.
func (l *SeqList) TrimBefore(first uint64) {
	for l.head < len(l.s) && l.s[l.head] < first {
		l.head++
	}
	if l.head > 1024 && l.head > len(l.s)/2 {
		n := copy(l.s, l.s[l.head:])
		l.s = l.s[:n]
		l.head = 0
	}
}
