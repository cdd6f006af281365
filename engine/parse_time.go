package engine

import (
	"time"
)

// parseTime parses an RFC 3339 timestamp and returns it in UTC. The writer's
// own form ("2026-04-30T20:32:59.688Z": any number of fraction digits, 'Z')
// is decoded by hand, because time.Parse dominates the cost of a snapshot;
// anything else (offsets, lower-case letters) goes through time.Parse.
func parseTime(b []byte) (time.Time, bool) {
	if t, ok := parseTimeFast(b); ok {
		return t, true
	}
	if len(b) < 20 || len(b) > 64 {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil {
		return time.Time{}, false
	}
	return t.UTC(), true
}

// parseTimeFast handles YYYY-MM-DDTHH:MM:SS[.fraction]Z.
func parseTimeFast(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[len(b)-1] != 'Z' || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	nsec, ok := fraction(b[19 : len(b)-1])
	if !ok {
		return time.Time{}, false
	}
	days := daysFromCivil(year, month, day)
	unix := days*86400 + int64(hour*3600+minute*60+sec)
	return time.Unix(unix, int64(nsec)).UTC(), true
}

// digits decodes a run of ASCII digits.
func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil counts days from 1970-01-01 to a proleptic Gregorian date
// (Howard Hinnant's algorithm).
func daysFromCivil(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 {
		// Year 0's January and February count as year -1, and Go's
		// division rounds towards zero where the algorithm needs floor.
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era)*146097 + int64(doe) - 719468
}

// timeCache remembers the minute of the last timestamp parsed: consecutive
// records share it, so only seconds and fraction need decoding.
type timeCache struct {
	minute [16]byte // "2026-04-30T20:32"
	base   int64    // Unix seconds at that minute
	valid  bool
}

// parse is parseTime, using and refreshing the cache. A nil cache is allowed.
func (tc *timeCache) parse(b []byte) (time.Time, bool) {
	if tc == nil {
		return parseTime(b)
	}
	if tc.valid && len(b) >= 20 && string(b[:16]) == string(tc.minute[:]) && b[16] == ':' && b[len(b)-1] == 'Z' {
		if sec, ok := digits(b[17:19]); ok && sec <= 59 {
			if nsec, ok := fraction(b[19 : len(b)-1]); ok {
				return time.Unix(tc.base+int64(sec), int64(nsec)).UTC(), true
			}
		}
	}
	t, ok := parseTime(b)
	if ok && len(b) >= 20 && b[len(b)-1] == 'Z' {
		copy(tc.minute[:], b[:16])
		tc.base = t.Unix() - int64(t.Second())
		tc.valid = true
	}
	return t, ok
}

// fraction decodes an optional ".digits" (1 to 9 digits) into nanoseconds.
func fraction(rest []byte) (int, bool) {
	if len(rest) == 0 {
		return 0, true
	}
	if rest[0] != '.' || len(rest) < 2 || len(rest) > 10 {
		return 0, false
	}
	nsec := 0
	for _, c := range rest[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		nsec = nsec*10 + int(c-'0')
	}
	return nsec * fractionScale[len(rest)-1], true
}

// fractionScale[n] turns n digits of a fraction into nanoseconds.
var fractionScale = [10]int{1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 1e2, 1e1, 1}
