package histscan

import (
	"slices"
	"sort"
)

// MaxHits bounds the hits a Scan keeps (8 bytes each, so about 8 MiB): a
// query that matches every line of a long history must not take memory in
// proportion to it. Past it the Scan keeps the first MaxHits in order and
// says so with Capped.
const MaxHits = 1 << 20

// Hit names one matching line: the entry whose piece started it and that
// piece's index among the entry's pieces (Line.Ord, Line.Nth). Hits are
// ordered by (Ord, Nth), the viewer's order of lines.
type Hit struct{ Ord, Nth uint32 }

// key orders hits: Ord first, then Nth.
func (h Hit) key() uint64 { return uint64(h.Ord)<<32 | uint64(h.Nth) }

// hitSet is a sorted, bounded list of distinct hits.
type hitSet struct {
	hits   []Hit
	capped bool // a hit was left out because of MaxHits
	limit  int  // MaxHits, smaller in tests
}

// merge adds fresh hits (sorted, distinct, none already in the set). Most
// come after every hit already kept, and are appended; a line that stayed
// open for a while closes after later lines were kept, and its hit is
// merged in place.
func (s *hitSet) merge(fresh []Hit) {
	if len(fresh) == 0 {
		return
	}
	if s.full() && fresh[0].key() > s.last().key() {
		s.capped = true // the common case once capped: nothing to do
		return
	}
	n := len(s.hits)
	if n == 0 || fresh[0].key() > s.hits[n-1].key() {
		s.hits = append(s.hits, fresh[:min(len(fresh), s.limit-n)]...)
		if len(s.hits) < n+len(fresh) {
			s.capped = true
		}
		return
	}
	at := s.after(fresh[0].key())
	tail := slices.Clone(s.hits[at:])
	s.hits = s.hits[:at]
	for len(tail) > 0 || len(fresh) > 0 {
		if len(s.hits) >= s.limit {
			s.capped = true
			return
		}
		if len(fresh) == 0 || len(tail) > 0 && tail[0].key() < fresh[0].key() {
			s.hits, tail = append(s.hits, tail[0]), tail[1:]
		} else {
			s.hits, fresh = append(s.hits, fresh[0]), fresh[1:]
		}
	}
}

func (s *hitSet) full() bool { return len(s.hits) >= s.limit }

func (s *hitSet) last() Hit { return s.hits[len(s.hits)-1] }

// after is the index of the first hit whose key is greater than k.
func (s *hitSet) after(k uint64) int {
	return sort.Search(len(s.hits), func(i int) bool { return s.hits[i].key() > k })
}

// atOrAfter is the index of the first hit whose key is k or greater.
func (s *hitSet) atOrAfter(k uint64) int {
	return sort.Search(len(s.hits), func(i int) bool { return s.hits[i].key() >= k })
}

// next is the nearest hit strictly after (forward) or strictly before h.
func (s *hitSet) next(h Hit, forward bool) (Hit, bool) {
	if forward {
		if i := s.after(h.key()); i < len(s.hits) {
			return s.hits[i], true
		}
		return Hit{}, false
	}
	if i := s.atOrAfter(h.key()); i > 0 {
		return s.hits[i-1], true
	}
	return Hit{}, false
}
