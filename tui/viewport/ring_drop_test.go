package viewport

import (
	"math/rand/v2"
	"testing"
)

// TestRingPushAndPopAgainstAList drives a ring with random pushes and
// drops of the oldest line, at every fill, against a plain list: every
// sequence number names the same line in both.
func TestRingPushAndPopAgainstAList(t *testing.T) {
	for _, size := range []int{1, 2, 3, 7, 64} {
		rng := rand.New(rand.NewPCG(uint64(size), 9))
		r := newRing[int](size)
		var want []int // want[i] has sequence number first+i
		var first uint64
		next := 0
		for step := 0; step < 5000; step++ {
			if rng.IntN(3) == 0 {
				ok := r.PopOldest()
				if ok != (len(want) > 0) {
					t.Fatalf("size %d step %d: PopOldest %v with %d lines", size, step, ok, len(want))
				}
				if len(want) > 0 {
					want = want[1:]
					first++
				}
			} else {
				full := len(want) == size
				seq, evicted := r.Push(next)
				want = append(want, next)
				if full {
					want = want[1:]
					first++
				}
				if seq != first+uint64(len(want))-1 || evicted != full {
					t.Fatalf("size %d step %d: Push gave %d (evicted %v), want %d (%v)", size, step, seq, evicted, first+uint64(len(want))-1, full)
				}
				next++
			}
			if r.Len() != len(want) || r.First() != first || r.End() != first+uint64(len(want)) {
				t.Fatalf("size %d step %d: len %d first %d, want %d %d", size, step, r.Len(), r.First(), len(want), first)
			}
			if r.At(first-1) != nil && first > 0 || r.At(r.End()) != nil {
				t.Fatalf("size %d step %d: a line outside the ring", size, step)
			}
			for i, w := range want {
				if got := r.At(first + uint64(i)); got == nil || *got != w {
					t.Fatalf("size %d step %d: line %d is %v, want %d", size, step, first+uint64(i), got, w)
				}
			}
		}
	}
}
