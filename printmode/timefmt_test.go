package printmode

import (
	"math/rand/v2"
	"testing"
	"time"
)

// TestAppendTimeMatchesTheFormatter checks the fast time formatter against
// time's own, over random times and the edges of four-digit years.
func TestAppendTimeMatchesTheFormatter(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	times := []time.Time{
		time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 23, 59, 59, 999_999_999, time.UTC),
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 6, 1, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 4, 30, 20, 32, 59, 688_400_000, time.FixedZone("x", 5*3600)),
	}
	for i := 0; i < 10000; i++ {
		times = append(times, time.Unix(rng.Int64N(400_000_000_000)-62_000_000_000, rng.Int64N(1e9)))
	}
	for _, tm := range times {
		if got, want := string(appendTime(nil, tm)), tm.UTC().Format(timeLayout); got != want {
			t.Fatalf("%v: %q, want %q", tm, got, want)
		}
	}
}
