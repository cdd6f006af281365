package viewport

import (
	"fmt"
	"strings"
	"testing"
)

// FuzzViewport runs random sequences of pushes, moves, filter and search
// changes and checks after each step what must always hold: the lists
// agree with Layout, a frame fits the body, and a view that follows, or
// whose selection was just moved, draws the selected line.
func FuzzViewport(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})
	f.Add([]byte{0, 16, 32, 48, 1, 1, 1, 6, 7, 8, 0, 0, 0, 0, 0, 9, 12, 3})
	f.Fuzz(runOps)
}

// runOps applies ops to a fresh viewport, checking it after each.
func runOps(t *testing.T, ops []byte) {
	if len(ops) > 512 {
		ops = ops[:512] // longer runs find nothing more, only slower
	}
	{
		v, lay := newTest(16, 20, 5)
		n := 0
		for i, op := range ops {
			arg := int(op >> 4)
			selMoved := false
			switch op & 15 {
			case 0, 1: // a line: hidden when arg is odd, 1-3 rows
				v.Refresh(v.Push(item{text: fmt.Sprintf("l%d %x", n, arg), rows: arg%3 + 1, hidden: arg%2 == 1}))
				n++
				v.Settle()
			case 2:
				v.Move(arg - 8)
				selMoved = true
			case 3:
				v.Page(arg - 8)
				selMoved = true
			case 4:
				v.GotoTop()
				selMoved = true
			case 5:
				v.ToggleFollow()
			case 6:
				if v.VisibleLen() > 0 {
					v.Goto(v.VisibleAt(arg % v.VisibleLen()))
					selMoved = true
				}
			case 7: // flip a held line's visibility
				if v.Len() > 0 {
					seq := v.First() + uint64(arg%v.Len())
					v.Line(seq).hidden = !v.Line(seq).hidden
					if arg%2 == 0 {
						v.Refresh(seq)
						v.Settle()
					} else {
						v.Refilter()
					}
				}
			case 8:
				lay.search = fmt.Sprintf("%x", arg%4)
				v.Rematch()
			case 9:
				found, _ := v.JumpMatch(arg%2*2 - 1)
				selMoved = found
			case 10:
				lay.height = arg%6 + 1
				v.Resized()
			case 11:
				v.ScrollSideways(arg%2 == 0, arg)
			case 12:
				v.Follow()
			case 13:
				v.SetPosition(v.Position())
			}
			check(t, i, v, lay, selMoved)
		}
	}
}

func check(t *testing.T, step int, v *Viewport[item], lay *testLayout, selMoved bool) {
	t.Helper()
	var want, wantMatch []uint64
	for seq := v.First(); seq < v.End(); seq++ {
		if l := v.Line(seq); !l.hidden {
			want = append(want, seq)
			if lay.Match(l) {
				wantMatch = append(wantMatch, seq)
			}
		}
	}
	var got, gotMatch []uint64
	for i := 0; i < v.VisibleLen(); i++ {
		got = append(got, v.VisibleAt(i))
	}
	for i := 0; i < v.MatchLen(); i++ {
		gotMatch = append(gotMatch, v.matches.At(i))
	}
	if fmt.Sprint(got) != fmt.Sprint(want) || fmt.Sprint(gotMatch) != fmt.Sprint(wantMatch) {
		t.Fatalf("step %d: visible %v matches %v, want %v and %v", step, got, gotMatch, want, wantMatch)
	}
	rows := v.View()
	if len(rows) > lay.height {
		t.Fatalf("step %d: %d rows drawn for a body of %d", step, len(rows), lay.height)
	}
	if (len(rows) == 0) != (len(want) == 0) {
		t.Fatalf("step %d: %d rows drawn for a body of %d with %d lines shown", step, len(rows), lay.height, len(want))
	}
	if len(want) == 0 {
		return
	}
	if last := want[len(want)-1]; v.Following() && v.Selected() != last {
		t.Fatalf("step %d: following with line %d selected, newest is %d", step, v.Selected(), last)
	}
	if (v.Following() || selMoved) && !strings.Contains(strings.Join(rows, "\n"), "> ") {
		t.Fatalf("step %d: the selected line %d is not drawn: %q", step, v.Selected(), rows)
	}
}
