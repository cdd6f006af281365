// Package timeprompt reads what a user types at the viewer's "go to time"
// prompt (@): an RFC 3339 time, a clock time on the day of the selected
// line, or a duration back from the newest line. It knows nothing of the
// viewer; the viewer gives it the day, the newest time and the zone the
// view shows times in.
package timeprompt

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Context is what a typed time is relative to.
type Context struct {
	// Day is the time of the selected line: a clock time means that day.
	Day time.Time
	// Newest is the time of the newest line: "-5m" is five minutes before it.
	Newest time.Time
	// Loc is the zone the view shows times in (local or UTC): a clock time
	// and a date without a zone are read in it.
	Loc *time.Location
}

// maxInput bounds what is parsed: every accepted form is far shorter.
const maxInput = 64

// Forms is the one-line reminder of what the prompt accepts.
const Forms = "RFC 3339 (2026-04-30T20:32:59Z), a clock time (14:05, 14:05:30.250) or back from the newest line (-5m, -1h30m, -2d)"

// Parse reads s in c. An error says what was wrong and what is accepted.
func Parse(s string, c Context) (time.Time, error) {
	s = strings.TrimSpace(s)
	if c.Loc == nil {
		c.Loc = time.Local
	}
	switch {
	case s == "":
		return time.Time{}, errors.New("type a time: " + Forms)
	case len(s) > maxInput:
		return time.Time{}, fmt.Errorf("%d characters is too long for a time: %s", len(s), Forms)
	case s[0] == '-':
		d, err := parseBack(s[1:])
		if err != nil {
			return time.Time{}, err
		}
		return c.Newest.Add(-d), nil
	case len(s) >= 10 && s[4] == '-':
		return parseDate(s, c.Loc)
	case strings.Contains(s, ":"):
		return parseClock(s, c)
	}
	return time.Time{}, fmt.Errorf("%q is not a time: %s", s, Forms)
}

// parseDate reads RFC 3339, or a date and time without a zone (with a
// space or a T between), taken in loc.
func parseDate(s string, loc *time.Location) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999", "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time such as 2026-04-30T20:32:59Z", s)
}

// parseClock reads HH:MM, HH:MM:SS or HH:MM:SS.fraction on c.Day's date
// in c.Loc.
func parseClock(s string, c Context) (time.Time, error) {
	bad := fmt.Errorf("%q is not a clock time such as 14:05 or 14:05:30.250", s)
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return time.Time{}, bad
	}
	hour, ok1 := twoDigits(parts[0], 23)
	minute, ok2 := twoDigits(parts[1], 59)
	if !ok1 || !ok2 {
		return time.Time{}, bad
	}
	sec, nsec := 0, 0
	if len(parts) == 3 {
		whole, frac, hasFrac := strings.Cut(parts[2], ".")
		var ok bool
		if sec, ok = twoDigits(whole, 59); !ok || len(whole) != 2 {
			return time.Time{}, bad
		}
		if hasFrac {
			if frac == "" || len(frac) > 9 || strings.Trim(frac, "0123456789") != "" {
				return time.Time{}, bad
			}
			n, _ := strconv.Atoi(frac)
			for i := len(frac); i < 9; i++ {
				n *= 10
			}
			nsec = n
		}
	}
	if len(parts[1]) != 2 {
		return time.Time{}, bad
	}
	day := c.Day.In(c.Loc)
	return time.Date(day.Year(), day.Month(), day.Day(), hour, minute, sec, nsec, c.Loc), nil
}

// twoDigits reads one or two ASCII digits up to limit.
func twoDigits(s string, limit int) (int, bool) {
	if len(s) == 0 || len(s) > 2 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n <= limit
}

// maxBack bounds a duration back: ten years covers any log kept on disk
// and keeps the arithmetic far from overflow.
const maxBack = 10 * 365 * 24 * time.Hour

// parseBack reads a positive duration: Go's units (h, m, s, ms) and d for
// days, as in "5m", "1h30m", "2d".
func parseBack(s string) (time.Duration, error) {
	bad := fmt.Errorf("%q is not a duration back such as -5m, -1h30m or -2d", "-"+s)
	if s == "" {
		return 0, bad
	}
	var total time.Duration
	rest := s
	if i := strings.IndexByte(rest, 'd'); i >= 0 {
		n, err := strconv.ParseUint(rest[:i], 10, 32)
		if err != nil || n > uint64(maxBack/(24*time.Hour)) {
			return 0, bad
		}
		total = time.Duration(n) * 24 * time.Hour
		rest = rest[i+1:]
	}
	if rest != "" {
		if rest[0] == '-' || rest[0] == '+' {
			return 0, bad
		}
		d, err := time.ParseDuration(rest)
		if err != nil || d < 0 || d > maxBack {
			return 0, bad
		}
		total += d
	}
	if total <= 0 || total > maxBack {
		return 0, bad
	}
	return total, nil
}
