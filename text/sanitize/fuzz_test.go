package sanitize

import (
	"strings"
	"testing"
	"time"
)

// FuzzLine checks, whatever the input and options, that Styled holds no
// escape but well-formed SGR and no C0 or C1 control (not even \t, \n, \r),
// that both strings are valid UTF-8, that Plain holds no ESC at all, that
// Width is ansi.StringWidth of Plain (and of Styled), and that no text is
// drawn in a colour too close to its background to read.
func FuzzLine(f *testing.F) {
	for _, s := range []string{
		"plain ascii line",
		"\x1b[31mred\x1b[0m \x1b[38;2;1;2;3mrgb\x1b[38:5:9m",
		"\x1b]52;c;aGVsbG8=\x07\x1b]0;title\x1b\\\x1b]8;;http://x\x1b\\t\x1b]8;;\x1b\\",
		"\x1bP+q544e\x1b\\\x1b_G\x1b\\\x1b^p\x1b\\\x1bXs\x1b\\",
		"\x1b[2J\x1b[H\x1b[?1049h\x1b[?1000h\x1b[6n\x1b[c",
		"a\x9b2Jb\xc2\x9b\u202e\u2066x\u2069",
		"rm -rf /\rls -la\b\b\x1b[K\x1b[1G",
		"日本語\r\x1b[2Ka\tb👨\u200d👩\u200d👧🇺🇸e\u0301",
		"Z\u0336\u0334\u0336\u0334\u0336\u0334\u0336\u0334\u0336",
		"x\x1b]52;c;AAAA",
		"\xff\xfe\xc3(\xe2\x82",
		"\x1b[38;2;0;0;0;48;2;0;0;1mhidden\x1b[30;48;5;0m too\x1b[2;7;38;5;240;48;5;236m dim\x1b[48:2::0:0:9m",
	} {
		f.Add([]byte(s), uint8(0))
		f.Add([]byte(s), uint8(0b1101))
	}
	f.Fuzz(func(t *testing.T, in []byte, flags uint8) {
		opt := Options{
			Color:     flags&1 != 0,
			Raw:       flags&2 != 0,
			TabWidth:  int(flags>>4) % 9,
			MarkStyle: flags&4 != 0,
		}
		start := time.Now()
		r := Line(in, opt)
		if d := time.Since(start); d > time.Second {
			t.Fatalf("%v for %d bytes", d, len(in))
		}
		if err := checkSafe(r); err != nil {
			t.Fatalf("%+v %q: %v", opt, in, err)
		}
		if strings.Contains(r.Plain, "\x1b") {
			t.Fatalf("ESC in Plain %q", r.Plain)
		}
		for _, reset := range []string{"\x1b[m", "\x1b[0m", "\x1b[0;"} {
			// Only what changes is named, so a style drawn around the line
			// survives; a full reset would drop it.
			if strings.Contains(r.Styled, reset) {
				t.Fatalf("full reset in Styled %q", r.Styled)
			}
		}
		if err := checkReadable(r.Styled); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if !opt.Color && r.Styled != r.Plain {
			t.Fatalf("styled without colour: %q", r.Styled)
		}
		if opt.Raw && r.Overstruck {
			t.Fatal("raw view resolved an overstrike")
		}
		if opt.Raw && !asciiSubsequence(in, r.Plain) {
			t.Fatalf("raw view of %q lost printable text: %q", in, r.Plain)
		}
		if rs := LineString(string(in), opt); rs != r {
			t.Fatalf("LineString %+v differs from Line %+v", rs, r)
		}
		if p := Plain(string(in)); checkTerminalSafe(p, false) != nil {
			t.Fatalf("Plain(%q) = %q is not safe", in, p)
		}
	})
}

// asciiSubsequence reports whether the printable ASCII bytes of in appear in
// s in the same order: the raw view hides nothing.
func asciiSubsequence(in []byte, s string) bool {
	j := 0
	for _, c := range in {
		if c < 0x20 || c >= 0x7f {
			continue
		}
		for j < len(s) && s[j] != c {
			j++
		}
		if j == len(s) {
			return false
		}
		j++
	}
	return true
}
