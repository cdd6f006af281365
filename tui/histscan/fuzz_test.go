package histscan

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	"sandtail/engine"
	"sandtail/text/lines"
)

// entriesFrom decodes fuzz bytes into entries: per entry a shape byte
// (source, session, origin, file, mark, truncation, size), a length byte,
// then that many data bytes.
func entriesFrom(data []byte) []engine.Entry {
	var es []engine.Entry
	for len(data) >= 2 {
		shape, n := data[0], int(data[1])
		data = data[2:]
		n = min(n, len(data))
		body := bytes.Clone(data[:n])
		data = data[n:]
		e := engine.Entry{
			Time:       t0.Add(time.Duration(len(es)) * time.Millisecond),
			Source:     engine.Source(shape & 3),
			Session:    uint64(shape>>2) & 1,
			HasSession: shape&3 != 3,
			Origin:     uint16(shape>>3) & 1,
			File:       "exec.log",
			Data:       body,
		}
		if e.Source == engine.System && shape&16 != 0 {
			e.File = "runtime.log"
		}
		switch shape >> 5 {
		case 1:
			e.Truncated = int64(n) + 1
		case 2:
			e.Mark = engine.MarkGap
		case 3:
			e.Mark = engine.MarkRestart
		case 4:
			// A long chunk, to cross MaxLineBytes in a few entries.
			e.Data = bytes.Repeat(append(body, 'y'), 6<<10/(n+1)+1)
		}
		es = append(es, e)
	}
	return es
}

func FuzzBuilder(f *testing.F) {
	f.Add([]byte("\x00\x04ab\ncd\x00\x03ef\n\x01\x02g\n"))
	f.Add([]byte("\x00\x03abc\x40\x01x\x00\x02\nz\x60\x04lost\x00\x01\n"))
	f.Add([]byte("\x80\x05needl\x80\x03e\x1b[\x00\x01\n\x05\x03\tq\r\x0d\x02\n\n"))
	f.Add([]byte("\x00\x02a\r\x08\x02b\n\xa0\x03rst\x00\x02c\n\x13\x02sy\x03\x02s\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		es := entriesFrom(data)
		checkEmitOrder(t, es)
		placed := sameLines(t, es) // the viewer's lines, every field
		for i := 1; i < len(placed); i++ {
			a, b := placed[i-1], placed[i]
			if Hit.compare(Hit{uint32(a.Ord), a.Nth}, Hit{uint32(b.Ord), b.Nth}) >= 0 {
				t.Fatalf("two lines at (%d,%d) and (%d,%d)", a.Ord, a.Nth, b.Ord, b.Nth)
			}
		}
		keep := func(l *Line) bool { return strings.ContainsAny(l.Plain, "ae") }
		var want []Hit
		for _, l := range placed {
			if keep(&l) {
				want = append(want, Hit{uint32(l.Ord), l.Nth})
			}
		}
		s := Start(t.Context(), &memSource{entries: es}, keep)
		if _, _, err := wait(t, s); err != nil {
			t.Fatal(err)
		}
		if got := allHits(s); !slices.Equal(got, want) {
			t.Fatalf("scan hits %v, want %v", got, want)
		}
	})
}

// checkEmitOrder adds es to a Builder and checks each emitted line's place:
// it started at or before the entry being added, its Nth names one of its
// entry's pieces, and a key's lines come out in order.
func checkEmitOrder(t *testing.T, es []engine.Entry) {
	t.Helper()
	var b Builder
	var j lines.Joiner
	pieces := make([]uint32, len(es))
	for i := range es {
		j.Split(&es[i], func(lines.Piece) { pieces[i]++ })
	}
	last := map[lines.Key]Hit{}
	cur := 0
	emit := func(l *Line) {
		h := Hit{uint32(l.Ord), l.Nth}
		if l.Ord > cur || l.Nth >= pieces[l.Ord] {
			t.Fatalf("line at (%d,%d) emitted while adding %d (entry has %d pieces)", l.Ord, l.Nth, cur, pieces[l.Ord])
		}
		// A Line does not say its file, which tells apart system keys.
		k := lines.Key{Source: l.Source, Session: l.Session, HasSession: l.HasSession, Origin: l.Origin}
		if prev, ok := last[k]; ok && l.Source != engine.System && h.compare(prev) <= 0 {
			t.Fatalf("key %+v: line (%d,%d) after (%d,%d)", k, h.Ord, h.Nth, prev.Ord, prev.Nth)
		}
		last[k] = h
	}
	for cur = range es {
		b.Add(cur, &es[cur], emit)
	}
	b.Flush(emit)
}
