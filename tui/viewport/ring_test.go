package viewport

import "testing"

func TestRingAndSeqList(t *testing.T) {
	r := newRing[string](3)
	for i := 0; i < 5; i++ {
		r.Push(string(rune('a' + i)))
	}
	if r.Len() != 3 || r.First() != 2 || r.At(1) != nil || *r.At(2) != "c" || *r.At(4) != "e" || r.At(5) != nil {
		t.Fatalf("ring after wrap: len %d first %d", r.Len(), r.First())
	}
	var l SeqList
	for _, s := range []uint64{1, 3, 5, 7} {
		l.Add(s)
	}
	l.Add(4)
	l.Remove(5)
	l.TrimBefore(3)
	var got []uint64
	for i := 0; i < l.Len(); i++ {
		got = append(got, l.At(i))
	}
	if len(got) != 3 || got[0] != 3 || got[1] != 4 || got[2] != 7 {
		t.Errorf("SeqList = %v, want [3 4 7]", got)
	}
}
