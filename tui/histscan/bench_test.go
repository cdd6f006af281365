package histscan

import (
	"fmt"
	"strings"
	"testing"

	"sandtail/engine"
)

// ordinaryEntries is n stdout entries of about 150 bytes, one line each,
// like a service's request log; every 1000th holds the literal "needle".
func ordinaryEntries(n int) []engine.Entry {
	es := make([]engine.Entry, n)
	for i := range es {
		word := "ok"
		if i%1000 == 0 {
			word = "needle"
		}
		text := fmt.Sprintf("2026-04-30T20:32:59.%06dZ INFO http: GET /api/v1/items/%d?page=%d status=200 bytes=%d duration=%dms user=svc-%d result=%s",
			i%1000000, i, i%50, 1000+i%9000, i%300, i%17, word)
		es[i] = out(text + strings.Repeat(" ", max(0, 149-len(text))) + "\n")
	}
	return es
}

// BenchmarkScanLiteral scans 300k ordinary entries for a literal, the way
// the viewer's search does (a substring of each line's plain text).
func BenchmarkScanLiteral(b *testing.B) {
	const n = 300_000
	es := ordinaryEntries(n)
	// Copied: what a History's Read gives, fresh entries each time.
	b.Run("copied", func(b *testing.B) { benchScan(b, &memSource{entries: es}, n) })
	// Shared: the scanner's own cost.
	b.Run("shared", func(b *testing.B) { benchScan(b, sharedSource(es), n) })
}

// sharedSource reads es without copying.
type sharedSource []engine.Entry

func (s sharedSource) Len() int { return len(s) }

func (s sharedSource) Read(lo, hi int) ([]engine.Entry, error) { return s[lo:hi], nil }

func benchScan(b *testing.B, src Source, n int) {
	keep := func(l *Line) bool { return strings.Contains(l.Plain, "needle") }
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s := Start(b.Context(), src, keep)
		for range s.Updated() {
		}
		if _, _, _, err := s.Progress(); err != nil || s.Count() != n/1000 {
			b.Fatalf("err %v, %d hits", err, s.Count())
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
}
