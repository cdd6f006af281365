package timeprompt

import (
	"strings"
	"testing"
	"time"
)

var (
	zone   = time.FixedZone("CET", 3600)
	day    = time.Date(2026, 4, 30, 22, 10, 0, 0, zone)
	newest = time.Date(2026, 4, 30, 21, 0, 0, 0, time.UTC)
	ctx    = Context{Day: day, Newest: newest, Loc: zone}
)

func TestParseAccepts(t *testing.T) {
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"2026-04-30T20:32:59Z", time.Date(2026, 4, 30, 20, 32, 59, 0, time.UTC)},
		{"2026-04-30T20:32:59.688Z", time.Date(2026, 4, 30, 20, 32, 59, 688e6, time.UTC)},
		{"2026-04-30T22:32:59+02:00", time.Date(2026, 4, 30, 20, 32, 59, 0, time.UTC)},
		{"2026-04-30 14:05", time.Date(2026, 4, 30, 14, 5, 0, 0, zone)},
		{"14:05", time.Date(2026, 4, 30, 14, 5, 0, 0, zone)},
		{"9:05", time.Date(2026, 4, 30, 9, 5, 0, 0, zone)},
		{"14:05:30", time.Date(2026, 4, 30, 14, 5, 30, 0, zone)},
		{"14:05:30.250", time.Date(2026, 4, 30, 14, 5, 30, 250e6, zone)},
		{" 14:05:30.000000001 ", time.Date(2026, 4, 30, 14, 5, 30, 1, zone)},
		{"-5m", newest.Add(-5 * time.Minute)},
		{"-90s", newest.Add(-90 * time.Second)},
		{"-1h30m", newest.Add(-90 * time.Minute)},
		{"-2d", newest.Add(-48 * time.Hour)},
		{"-1d12h", newest.Add(-36 * time.Hour)},
	} {
		got, err := Parse(c.in, ctx)
		if err != nil || !got.Equal(c.want) {
			t.Errorf("Parse(%q) = %v, %v; want %v", c.in, got, err, c.want)
		}
	}
}

// A clock time is on the selected line's day in the view's zone, not in
// UTC: 23:30 CET on 30 April is 22:30 UTC on 30 April.
func TestClockTimeUsesTheViewsZone(t *testing.T) {
	got, err := Parse("23:30", Context{Day: time.Date(2026, 4, 30, 22, 59, 0, 0, time.UTC), Loc: zone})
	if err != nil {
		t.Fatal(err)
	}
	// 22:59 UTC is 23:59 CET on the 30th.
	if want := time.Date(2026, 4, 30, 22, 30, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestParseRefuses(t *testing.T) {
	for _, in := range []string{"", "  ", "soon", "25:00", "14:60", "14:5", "14:05:7", "14:05:30.", "14:05:30.1234567890",
		"14:05:30.x", "1:2:3:4", "-", "-5", "-x", "-5y", "--5m", "-0s", "-1d-5m", "-99999999d", "2026-13-01T00:00:00Z",
		strings.Repeat("1", 100)} {
		if got, err := Parse(in, ctx); err == nil {
			t.Errorf("Parse(%q) = %v, want an error", in, got)
		} else if !strings.Contains(err.Error(), "such as") && !strings.Contains(err.Error(), Forms) {
			t.Errorf("Parse(%q): %q does not say what is accepted", in, err)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"2026-04-30T20:32:59Z", "14:05", "14:05:30.250", "-5m", "-1d2h", "2026-04-30 14:05", "x", "-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Parse(s, ctx)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		in := strings.TrimSpace(s)
		switch {
		case strings.HasPrefix(in, "-"):
			if !got.Before(newest) || newest.Sub(got) > maxBack {
				t.Fatalf("%q: %v is not back from the newest line", s, got)
			}
		case !strings.Contains(in, "-") && strings.Contains(in, ":"):
			g := got.In(zone)
			if g.Year() != day.Year() || g.YearDay() != day.YearDay() {
				t.Fatalf("%q: clock time %v is not on the selected line's day", s, got)
			}
		}
	})
}
