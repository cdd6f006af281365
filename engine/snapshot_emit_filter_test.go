package engine

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestRecordTimeBeforeMatchesTime checks the records' time comparison
// against time.Time's, around the second and on both sides of the epoch.
func TestRecordTimeBeforeMatchesTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 100_000; i++ {
		a := time.Unix(rng.Int64N(4)-2+1_780_000_000*int64(rng.IntN(3)-1), rng.Int64N(1e9))
		b := a.Add(time.Duration(rng.Int64N(4e9) - 2e9))
		if rng.IntN(4) == 0 {
			b = a
		}
		var r idxRec
		r.setTime(a)
		if got, want := r.timeBefore(b.In(time.FixedZone("x", 3600))), a.Before(b); got != want {
			t.Fatalf("%v before %v: %v, want %v", a, b, got, want)
		}
	}
}
