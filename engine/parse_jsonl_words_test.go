package engine

import (
	"math/rand/v2"
	"testing"
)

// shortStringByBytes is shortString as it was, one byte at a time: the
// reference the word-at-a-time scan must agree with.
func shortStringByBytes(b []byte, p int, prefix string) (int, bool) {
	if !hasAt(b, p, prefix) {
		return 0, false
	}
	end := min(len(b), p+len(prefix)+40)
	for q := p + len(prefix); q < end; q++ {
		switch b[q] {
		case '"':
			return q, true
		case '\\':
			return 0, false
		}
	}
	return 0, false
}

// FuzzShortStringMatchesTheByteLoop checks the word-at-a-time scan for the
// end of a short string against the byte loop, at every start in the input.
func FuzzShortStringMatchesTheByteLoop(f *testing.F) {
	f.Add([]byte(`"t":"2026-04-30T20:32:59.688Z","s":"stdout"`))
	f.Add([]byte(`"t":"2026-04-30T20:32:59.6\"88Z"`))
	f.Add([]byte(`"t":"0123456789012345678901234567890123456789"`))
	f.Add([]byte(`"t":"01234567\`))
	f.Fuzz(func(t *testing.T, b []byte) {
		for p := 0; p <= len(b); p++ {
			for _, prefix := range []string{`"t":"`, `,"s":"`, ``} {
				q, ok := shortString(b, p, prefix)
				wq, wok := shortStringByBytes(b, p, prefix)
				if ok != wok || ok && q != wq {
					t.Fatalf("shortString(%q, %d, %q) = %d %v, want %d %v", b, p, prefix, q, ok, wq, wok)
				}
			}
		}
	})
}

// TestShortStringOnRandomStrings puts quotes and backslashes at every
// distance from the start, with bytes that are one off from them around.
func TestShortStringOnRandomStrings(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	alphabet := []byte{'"', '\\', '!', '#', '[', ']', 0x00, 0x01, 0xa2, 0xdc, 0xff, '0', 'Z'}
	for i := 0; i < 200_000; i++ {
		b := []byte(`"t":"`)
		for k := rng.IntN(60); k > 0; k-- {
			b = append(b, alphabet[rng.IntN(len(alphabet))])
		}
		q, ok := shortString(b, 0, `"t":"`)
		wq, wok := shortStringByBytes(b, 0, `"t":"`)
		if ok != wok || ok && q != wq {
			t.Fatalf("shortString(%q) = %d %v, want %d %v", b, q, ok, wq, wok)
		}
	}
}

// TestSourceOfMatchesParseSource checks the one-byte dispatch against the
// table, for the names and for strings one byte away from them.
func TestSourceOfMatchesParseSource(t *testing.T) {
	var cands []string
	for _, n := range sourceNames {
		cands = append(cands, n, n[:len(n)-1], n+"x", "")
		for i := range n {
			for _, c := range []byte{'o', 'e', 'p', 't', 'x', 0} {
				b := []byte(n)
				b[i] = c
				cands = append(cands, string(b))
			}
		}
	}
	for _, c := range cands {
		got, ok := sourceOf([]byte(c))
		want, wantOK := ParseSource(c)
		if ok != wantOK || ok && got != want {
			t.Errorf("sourceOf(%q) = %v %v, want %v %v", c, got, ok, want, wantOK)
		}
	}
}
