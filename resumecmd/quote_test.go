package resumecmd

import (
	"os/exec"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostile are arguments a log directory's path or a home could hold.
var hostile = []string{
	"",
	"plain/path-1.2_x:y=z,a@b%c+d",
	"/tmp/my logs",
	"it's",
	`back\slash`,
	"$(touch pwned)`touch pwned`;&|<>*?[]{}~#",
	"/logs/x\x1b[201~\ntouch pwned\n",
	"\x1b]52;c;ZXZpbA==\x07",
	"tab\there\rcarriage",
	"\x01soh\x7fdel",
	"\xff\xfe invalid utf-8",
	"c1 \u009b2J csi",
	"bidi \u202edetacilpmoc\u202c",
	"zero\u200bwidth",
	"history !! !$ !-1",
	"quote' and ! and \x1b together",
	"ünïcödé 日本語 😀",
	"\ufffd literal replacement",
	"hex after escape \x1bab12",
	"-starts-with-dash",
}

// TestQuoteIsPrintableAndRoundTripsThroughBash: whatever the argument,
// its quoted form holds no control character, and bash reads it back as
// the very same bytes.
func TestQuoteIsPrintableAndRoundTripsThroughBash(t *testing.T) {
	bash := needBash(t)
	for _, s := range hostile {
		q := Quote(s)
		if bad := controlIn(q); bad != "" {
			t.Errorf("Quote(%q) = %q holds %s", s, q, bad)
		}
		out, err := exec.Command(bash, "--norc", "--noprofile", "-c", "printf %s "+q).Output()
		if err != nil {
			t.Fatalf("bash on %q: %v", q, err)
		}
		if string(out) != s {
			t.Errorf("Quote(%q) = %s reads back as %q", s, q, out)
		}
	}
}

func TestQuoteLeavesPlainWordsBare(t *testing.T) {
	for in, want := range map[string]string{
		"devbox":                "devbox",
		"/home/u/.microsandbox": "/home/u/.microsandbox",
		"AQAAAAAAAAA+/==":       "AQAAAAAAAAA+/==",
		"my logs":               "'my logs'",
		"it's":                  `'it'\''s'`,
		"a\nb":                  `$'a\nb'`,
	} {
		if got := Quote(in); got != want {
			t.Errorf("Quote(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzQuote checks, for any bytes, that the quoted form is printable and
// decodes (by the shell's rules for the forms Quote writes) to the input.
func FuzzQuote(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("\x00") // no path holds a NUL, but Quote must not break on one
	f.Fuzz(func(t *testing.T, s string) {
		q := Quote(s)
		if bad := controlIn(q); bad != "" {
			t.Fatalf("Quote(%q) = %q holds %s", s, q, bad)
		}
		got, ok := unquote(q)
		if !ok || got != s {
			t.Fatalf("Quote(%q) = %q decodes to %q (ok %v)", s, q, got, ok)
		}
	})
}

// controlIn names the first byte or rune of s that a terminal or a shell
// could act on, or returns "".
func controlIn(s string) string {
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 || r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
			return "control " + strings.ToUpper(string(rune(r)))
		}
	}
	return ""
}

// unquote decodes a sequence of the three forms Quote writes, glued
// together as one word: bare text, '…' and $'…'.
func unquote(q string) (string, bool) {
	var b strings.Builder
	for q != "" {
		switch {
		case strings.HasPrefix(q, "$'"):
			q = q[2:]
			for {
				if q == "" {
					return "", false
				}
				c := q[0]
				if c == '\'' {
					q = q[1:]
					break
				}
				if c != '\\' {
					b.WriteByte(c)
					q = q[1:]
					continue
				}
				if len(q) < 2 {
					return "", false
				}
				switch q[1] {
				case '\\', '\'':
					b.WriteByte(q[1])
					q = q[2:]
				case 'n':
					b.WriteByte('\n')
					q = q[2:]
				case 't':
					b.WriteByte('\t')
					q = q[2:]
				case 'x':
					if len(q) < 4 {
						return "", false
					}
					v, ok := hexByte(q[2], q[3])
					if !ok {
						return "", false
					}
					b.WriteByte(v)
					q = q[4:]
				default:
					return "", false
				}
			}
		case q[0] == '\'':
			end := strings.IndexByte(q[1:], '\'')
			if end < 0 {
				return "", false
			}
			b.WriteString(q[1 : 1+end])
			q = q[2+end:]
		case q[0] == '\\' && len(q) > 1:
			b.WriteByte(q[1])
			q = q[2:]
		default:
			if !isBare(q[:1]) {
				return "", false
			}
			b.WriteByte(q[0])
			q = q[1:]
		}
	}
	return b.String(), true
}

func hexByte(hi, lo byte) (byte, bool) {
	h, ok1 := hexVal(hi)
	l, ok2 := hexVal(lo)
	return h<<4 | l, ok1 && ok2
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

// needBash returns bash's path, skipping the test when it is missing.
func needBash(t *testing.T) string {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed: the round trip through a real shell needs it")
	}
	return bash
}
