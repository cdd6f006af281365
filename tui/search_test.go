package tui

import (
	"math/rand"
	"strings"
	"testing"
)

func TestMatcherLiteralSmartCaseAndRegex(t *testing.T) {
	cases := []struct {
		query string
		regex bool
		line  string
		want  bool
	}{
		{"panic", false, "PANIC: boom", true},
		{"Panic", false, "PANIC: boom", false},
		{"Panic", false, "Panic: boom", true},
		{"a(b", false, "x a(b y", true},
		{"error \\d+", true, "ERROR 42", true},
		{"Error \\d+", true, "ERROR 42", false},
		{"err(or)?$", true, "an err", true},
		{"re:error", false, "re:ERROR", true}, // a prefix is text, not a mode
		{"/api/", false, "GET /api/v1", true}, // slashes too
		{"/api/", false, "GET api", false},
		{"!x", false, "a !x b", true},
		{"x.y", true, "xzy", true},
		{"x.y", false, "xzy", false},
		{"\\x41", true, "a", true}, // (?i) on a byte escape: not lowered
		{"straße", false, "STRASSE STRAßE", true},
		{"ǅ", false, "ǆ", true},
		{"", false, "anything", false},
	}
	for _, c := range cases {
		m, err := compileQuery(c.query, c.regex)
		if err != nil {
			t.Fatalf("%q: %v", c.query, err)
		}
		if got := m.Match(c.line); got != c.want {
			t.Errorf("%q (regex %v) on %q = %v, want %v", c.query, c.regex, c.line, got, c.want)
		}
		if c.want && len(m.Find(c.line, 10)) == 0 {
			t.Errorf("%q matched %q but Find found nothing", c.query, c.line)
		}
	}
}

func TestMatcherFindRanges(t *testing.T) {
	m, _ := compileQuery("ab", false)
	got := m.Find("xABxabAb", 10)
	if len(got) != 3 || got[0] != [2]int{1, 3} || got[2] != [2]int{6, 8} {
		t.Errorf("Find = %v", got)
	}
	if got := m.Find(strings.Repeat("ab", 1000), 5); len(got) != 5 {
		t.Errorf("Find ignored its limit: %d", len(got))
	}
}

func TestInvalidRegexIsAnError(t *testing.T) {
	if _, err := compileQuery("a(", true); err == nil || !strings.Contains(err.Error(), "missing closing )") {
		t.Errorf("err = %v", err)
	}
}

func TestIndexFoldAgreesWithLowerIndex(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	alphabet := "aAbBiI /-"
	for n := 0; n < 20000; n++ {
		s := randString(r, alphabet, r.Intn(30))
		q := strings.ToLower(randString(r, alphabet, 1+r.Intn(3)))
		want := strings.Index(strings.ToLower(s), q)
		if got := indexFold(s, q, 0); got != want {
			t.Fatalf("indexFold(%q, %q) = %d, want %d", s, q, got, want)
		}
	}
}

func randString(r *rand.Rand, alphabet string, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

func FuzzMatcherNeverPanics(f *testing.F) {
	f.Add("a(b", true, "line a(b")
	f.Add("ß", false, "STRASSE")
	f.Add("x", true, "\xff\xfe")
	f.Fuzz(func(t *testing.T, query string, regex bool, line string) {
		m, err := compileQuery(query, regex)
		if err != nil || m == nil {
			return
		}
		hit := m.Match(line)
		for _, r := range m.Find(line, 8) {
			if r[0] < 0 || r[1] > len(line) || r[0] > r[1] {
				t.Fatalf("Find(%q) in %q gave %v", query, line, r)
			}
		}
		if hit && !m.isRegex() && len(m.Find(line, 1)) == 0 {
			t.Fatalf("%q matches %q but Find finds nothing", query, line)
		}
	})
}
