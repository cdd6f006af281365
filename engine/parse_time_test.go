package engine

import (
	"fmt"
	"testing"
	"time"
)

// TestParseTimeEveryYear compares the hand-written decoder with time.Parse
// on the days around each year's start, leap day and end, for every year
// RFC 3339 can write, year 0000 included.
func TestParseTimeEveryYear(t *testing.T) {
	for y := 0; y <= 9999; y++ {
		for _, md := range [][2]int{{1, 1}, {2, 28}, {3, 1}, {12, 31}} {
			s := fmt.Sprintf("%04d-%02d-%02dT23:59:59.5Z", y, md[0], md[1])
			checkParseTime(t, s)
		}
	}
}

// FuzzParseTime checks the decoder, with and without its cache, against
// time.Parse: whatever it accepts, it decodes to the same instant.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"0000-01-01T00:00:00Z", "2026-04-30T20:32:59.688Z", "2024-02-29T00:00:00.123456789Z", "1969-12-31T23:59:59Z"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		checkParseTime(t, a)
		var tc timeCache
		for _, s := range []string{a, b, a} {
			got, ok := tc.parse([]byte(s))
			want, wantOK := parseTime([]byte(s))
			if ok != wantOK || !got.Equal(want) {
				t.Fatalf("cached %q: %v %v, uncached %v %v", s, got, ok, want, wantOK)
			}
		}
	})
}

// checkParseTime fails if parseTime accepts s as something time.Parse
// reads differently, or refuses the writer's form that time.Parse accepts.
func checkParseTime(t *testing.T, s string) {
	t.Helper()
	got, ok := parseTime([]byte(s))
	want, err := time.Parse(time.RFC3339Nano, s)
	if ok && err == nil && !got.Equal(want) {
		t.Fatalf("%s: parsed as %v, time.Parse says %v", s, got, want)
	}
	if ok && got.Location() != time.UTC {
		t.Fatalf("%s: %v is not in UTC", s, got)
	}
}
