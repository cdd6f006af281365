package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"testing"
	"unicode/utf8"
)

// naiveEscape is the byte-at-a-time reference for appendEscaped.
func naiveEscape(s []byte) []byte {
	var out []byte
	for _, c := range s {
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c == '\n':
			out = append(out, `\n`...)
		case c == '\r':
			out = append(out, `\r`...)
		case c == '\t':
			out = append(out, `\t`...)
		case c == '\b':
			out = append(out, `\b`...)
		case c == '\f':
			out = append(out, `\f`...)
		case c < 0x20:
			out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		default:
			out = append(out, c)
		}
	}
	return out
}

func checkEscape(t *testing.T, s []byte) {
	got, ascii := appendEscapedASCII([]byte("prefix"), s)
	if want := append([]byte("prefix"), naiveEscape(s)...); !bytes.Equal(got, want) {
		t.Fatalf("escape %q:\n got %q\nwant %q", s, got, want)
	}
	isASCII := true
	for _, c := range s {
		if c >= 0x80 {
			isASCII = false
		}
	}
	if ascii != isASCII {
		t.Fatalf("escape %q: ascii=%v", s, ascii)
	}
	if utf8.Valid(s) {
		var back string
		if err := json.Unmarshal(append(append([]byte{'"'}, got[6:]...), '"'), &back); err != nil || back != string(s) {
			t.Fatalf("escape %q does not round-trip: %q %v", s, back, err)
		}
	}
	for _, budget := range []int{1, 7, 40, maxEscaped} {
		n := escapedFit(s, budget)
		if len(s) == 0 {
			continue
		}
		if n < 1 || n > len(s) {
			t.Fatalf("escapedFit(%q, %d) = %d", s, budget, n)
		}
		cost := len(naiveEscape(s[:n]))
		if !utf8.Valid(s[:n]) {
			cost = base64.StdEncoding.EncodedLen(n) + 16
		}
		if n > 1 && cost > budget {
			t.Fatalf("escapedFit(%q, %d) = %d costs %d", s, budget, n, cost)
		}
	}
}

func TestEscapeEdgeCases(t *testing.T) {
	for _, s := range []string{
		"", "a", "abcdefgh", "abcdefg\"", "\"bcdefgh", "abcdefghi\\", "\x1fbcdefgh12345678",
		"12345678\x7f2345678", "1234567\x80", "1234567 !#$%&'()*+,-./0123456789:;<=>?@[]^_`{|}~",
		"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10", "日本語テキスト", "é\xff",
	} {
		checkEscape(t, []byte(s))
	}
	// Every byte value at every position of a word.
	for c := 0; c < 256; c++ {
		for pos := 0; pos < 9; pos++ {
			b := []byte("abcdefghijklmnop")
			b[pos] = byte(c)
			checkEscape(t, b)
		}
	}
}

func FuzzEscape(f *testing.F) {
	f.Add([]byte("hello \"world\"\n\x1b[31m"))
	f.Add([]byte("日本語\xff\xfe"))
	f.Fuzz(checkEscape)
}

func TestParseSeq(t *testing.T) {
	for _, tc := range []struct {
		line string
		n    int64
		ok   bool
	}{
		{"GET / 200 seq=17", 17, true},
		{"GET / 200 seq=17\r", 17, true},
		{"\x1b[32mok\x1b[0m seq=3\r", 3, true},
		{"no token here", 0, false},
		{"broken seq=", 0, false},
		{"seq=5 at the start has no space", 0, false},
	} {
		n, ok := ParseSeq([]byte(tc.line))
		if n != tc.n || ok != tc.ok {
			t.Errorf("ParseSeq(%q) = %d, %v; want %d, %v", tc.line, n, ok, tc.n, tc.ok)
		}
	}
}
