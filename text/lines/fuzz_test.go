package lines

import (
	"bytes"
	"testing"

	"sandtail/engine"
)

// FuzzJoiner feeds records, split from the input at '|' and assigned to two
// keys by their first byte, and checks that concatenating each key's pieces
// (with '\n' after each End) gives back exactly that key's bytes, that every
// line starts with a Start piece, and that Assembler lines agree.
func FuzzJoiner(f *testing.F) {
	f.Add([]byte("ahello|a world\n|bother\nline|b\n"))
	f.Add([]byte("a\n\n\n|b|a|b\r\n"))
	f.Add([]byte("aab|bbb|ab\nc"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var j Joiner
		a := NewAssembler(8)
		want := map[Key][]byte{}
		got := map[Key][]byte{}
		assembled := map[Key][]byte{}
		open := map[Key]bool{}
		for n, rec := range bytes.Split(in, []byte("|")) {
			src := engine.Stdout
			if len(rec) > 0 && rec[0]&1 == 1 {
				src = engine.Stderr
			}
			e := entry(src, 7, string(rec), n)
			k := KeyOf(e)
			want[k] = append(want[k], rec...)
			j.Split(e, func(p Piece) {
				if p.Key != k {
					t.Fatalf("piece key %v, entry key %v", p.Key, k)
				}
				if p.Start == open[k] {
					t.Fatalf("Start=%v while the key's line open=%v", p.Start, open[k])
				}
				if bytes.IndexByte(p.Text, '\n') >= 0 {
					t.Fatalf("newline inside a piece: %q", p.Text)
				}
				got[k] = append(got[k], p.Text...)
				if p.End {
					got[k] = append(got[k], '\n')
				}
				open[k] = !p.End
				a.Add(p, func(l Line) {
					if len(l.Text) > 8 {
						t.Fatalf("assembled line over the cap: %q", l.Text)
					}
					assembled[l.Key] = append(assembled[l.Key], l.Text...)
					if l.Complete {
						assembled[l.Key] = append(assembled[l.Key], '\n')
					}
				})
			})
		}
		a.Flush(func(l Line) { assembled[l.Key] = append(assembled[l.Key], l.Text...) })
		for k, w := range want {
			if !bytes.Equal(got[k], w) {
				t.Errorf("key %v: pieces give %q, want %q", k, got[k], w)
			}
			if !bytes.Equal(assembled[k], w) {
				t.Errorf("key %v: lines give %q, want %q", k, assembled[k], w)
			}
		}
	})
}
