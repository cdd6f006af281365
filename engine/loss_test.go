package engine

import (
	"fmt"
	"math"
	"testing"
)

func TestLossWords(t *testing.T) {
	for _, tc := range []struct {
		l            Loss
		amount, full string
	}{
		{Loss{}, "an unknown amount", "an unknown amount"},
		{lossOf(0, 65536), "an unknown amount", "an unknown amount"},
		{lossOf(3, 0), "3 files", "3 files rotated away unread, of unknown size"},
		{lossOf(1, 1), "at least 1 byte", "at least 1 byte (1 file rotated away unread)"},
		{lossOf(3, 65_000), "at least 190 KiB", "at least 190 KiB (3 files rotated away unread)"},
		{lossOf(3, 20_000), "at least 58.5 KiB", "at least 58.5 KiB (3 files rotated away unread)"},
		{Loss{Files: 3, Bytes: 200_703}, "at least 195 KiB", "at least 195 KiB (3 files rotated away unread)"},
		{Loss{Files: 2, Bytes: 2047}, "at least 1.9 KiB", "at least 1.9 KiB (2 files rotated away unread)"},
		{Loss{Files: 5, Bytes: 10<<20 - 1}, "at least 9.9 MiB", "at least 9.9 MiB (5 files rotated away unread)"},
		{Loss{Files: 1, Bytes: math.MaxInt64}, "at least 7.9 EiB", "at least 7.9 EiB (1 file rotated away unread)"},
		// Files let go of to keep within the budget: their sizes are known.
		{gapInfo{released: 3, releasedBytes: 3 << 20}.loss(0, 8<<20), "3 MiB (3145728 bytes)",
			"3 MiB (3145728 bytes): 3 files let go of unread to stay within the 8 MiB disk budget"},
		{gapInfo{released: 1, releasedBytes: 700}.loss(0, 1<<10), "700 bytes",
			"700 bytes: 1 file let go of unread to stay within the 1 KiB disk budget"},
		// And some rotated away unseen: then a lower bound.
		{gapInfo{released: 2, releasedBytes: 2048, unseen: true, lost: 3}.loss(1000, 4096), "at least 4.9 KiB",
			"at least 4.9 KiB (2 files let go of unread to stay within the 4 KiB disk budget; 3 more files rotated away unread)"},
		{gapInfo{released: 2, releasedBytes: 2048, unseen: true, lost: 3}.loss(0, 4096), "at least 2 KiB",
			"at least 2 KiB (2 files let go of unread to stay within the 4 KiB disk budget; 3 more files rotated away unread, of unknown size)"},
		{gapInfo{released: 2, releasedBytes: 2048, unseen: true}.loss(1000, 4096), "at least 2 KiB",
			"at least 2 KiB (2 files let go of unread to stay within the 4 KiB disk budget; more rotated away unread, how many not known)"},
		{gapInfo{unseen: true, lost: 3}.loss(65_000, 0), "at least 190 KiB", "at least 190 KiB (3 files rotated away unread)"},
	} {
		if got := tc.l.Amount(); got != tc.amount {
			t.Errorf("%+v: Amount %q, want %q", tc.l, got, tc.amount)
		}
		if got := tc.l.String(); got != tc.full {
			t.Errorf("%+v: String %q, want %q", tc.l, got, tc.full)
		}
	}
}

// FuzzBytesAtLeast: the words never claim more than n bytes.
func FuzzBytesAtLeast(f *testing.F) {
	for _, n := range []int64{0, 1, 1023, 1024, 2047, 200_703, 10 << 20, math.MaxInt64} {
		f.Add(n)
	}
	f.Fuzz(func(t *testing.T, n int64) {
		if n < 0 {
			return
		}
		s := bytesAtLeast(n)
		var v float64
		var u string
		if _, err := fmt.Sscan(s, &v, &u); err != nil {
			t.Fatalf("%d: %q does not parse: %v", n, s, err)
		}
		mult := map[string]float64{"byte": 1, "bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40, "PiB": 1 << 50, "EiB": 1 << 60}[u]
		if mult == 0 || v*mult > float64(n)*(1+1e-12) {
			t.Fatalf("%d bytes written as %q: more than there is", n, s)
		}
		if n >= 1024 && v*mult*1.11 < float64(n) {
			t.Fatalf("%d bytes written as %q: more than a tenth below", n, s)
		}
	})
}

// absorb: letting go of a file moves its gap, and its size, onto the next.
func TestGapAbsorb(t *testing.T) {
	g := gapInfo{unseen: true, lost: 2}
	g.absorb(gapInfo{released: 1, releasedBytes: 10}, 100)
	if g != (gapInfo{unseen: true, lost: 2, released: 2, releasedBytes: 110}) {
		t.Fatalf("got %+v", g)
	}
	g.absorb(gapInfo{unseen: true}, 5) // an unknown count makes the sum unknown
	if g != (gapInfo{unseen: true, lost: 0, released: 3, releasedBytes: 115}) {
		t.Fatalf("got %+v", g)
	}
	var h gapInfo
	h.absorb(gapInfo{}, 7)
	if !h.any() || h.loss(0, 1).Bytes != 7 || !h.loss(0, 1).Exact {
		t.Fatalf("got %+v", h)
	}
}
