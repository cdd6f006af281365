package main

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// parseSize reads a size as --hold-budget takes it: a whole number of
// bytes, or with a binary unit: 64KiB, 50MiB, 1GiB (K, M, G, T and the
// same with B or iB, in any case; 1M is 1 MiB, as disks and ulimit count).
// Spaces around the number and between it and the unit are allowed.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, errors.New("want a number of bytes, like 50MiB or 1GiB")
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, errors.New("too large")
	}
	unit := strings.ToLower(strings.TrimSpace(s[i:]))
	shift := 0
	switch strings.TrimSuffix(strings.TrimSuffix(unit, "b"), "i") {
	case "":
		if unit != "" && unit != "b" {
			return 0, errors.New("unknown unit " + strconv.Quote(s[i:]) + ": use KiB, MiB, GiB or TiB")
		}
	case "k":
		shift = 10
	case "m":
		shift = 20
	case "g":
		shift = 30
	case "t":
		shift = 40
	default:
		return 0, errors.New("unknown unit " + strconv.Quote(s[i:]) + ": use KiB, MiB, GiB or TiB")
	}
	if n > math.MaxInt64>>shift {
		return 0, errors.New("too large")
	}
	return n << shift, nil
}
