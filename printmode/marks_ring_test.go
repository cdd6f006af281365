package printmode

import (
	"testing"

	"sandtail/engine"
)

// The ring keeps the last n marked entries, oldest first, with their data
// copied: the batch they came in is reused by the snapshot's reader.
func TestMarkRingKeepsLastN(t *testing.T) {
	r := newMarkRing(3)
	buf := make([]byte, 1)
	for i := range 7 {
		buf[0] = byte('a' + i)
		r.add([]engine.Entry{{Data: buf}})
	}
	buf[0] = 'z'
	var got string
	for _, e := range r.entries() {
		got += string(e.Data)
	}
	if got != "efg" {
		t.Fatalf("ring holds %q, want %q", got, "efg")
	}
	small := newMarkRing(5)
	small.add([]engine.Entry{{Data: []byte("x")}, {Data: []byte("y")}})
	if n := len(small.entries()); n != 2 {
		t.Fatalf("ring of 5 after 2 entries holds %d", n)
	}
	if len(r.buf) != 3 {
		t.Fatalf("ring grew to %d entries", len(r.buf))
	}
}
