package cloud

import (
	"math/rand/v2"
	"time"
)

// Backoff is the delay before a reconnect: Min after the first failure,
// doubling with each further one up to Max, each delay drawn between half
// and all of that (jitter), so that many clients dropped at once by a
// server restart do not all come back in the same instant.
type Backoff struct {
	Min, Max time.Duration
}

// DefaultBackoff starts at half a second and stays under half a minute.
var DefaultBackoff = Backoff{Min: 500 * time.Millisecond, Max: 30 * time.Second}

// Delay is the wait before reconnect attempt n (1 for the first).
func (b Backoff) Delay(n int) time.Duration {
	if b.Min <= 0 || b.Max <= 0 {
		b = DefaultBackoff
	}
	d := b.Min
	for i := 1; i < n && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(d-half)+1))
}
