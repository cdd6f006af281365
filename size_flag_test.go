package main

import (
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"0": 0, "1": 1, "512B": 512, "64KiB": 64 << 10, "64k": 64 << 10, "50MiB": 50 << 20,
		"50M": 50 << 20, "50mb": 50 << 20, " 1 GiB ": 1 << 30, "2T": 2 << 40, "8388607TiB": 8388607 << 40,
	} {
		got, err := parseSize(in)
		if err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "MiB", "-1", "1.5GiB", "10 PiB", "1x", "9223372036854775808", "8388608TiB", "1 i", "1ib"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
}

// FuzzParseSize: never a panic, never a negative size, and a size it
// accepts reads back the same.
func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"0", "50MiB", "1GiB", " 64 k ", "8388607TiB", "1.5G", "-3", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := parseSize(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("parseSize(%q) = %d", s, n)
		}
		if strings.ContainsAny(strings.TrimSpace(s), "-+.") {
			t.Fatalf("parseSize(%q) accepted a sign or a fraction", s)
		}
	})
}
