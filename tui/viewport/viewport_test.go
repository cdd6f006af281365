package viewport

import (
	"fmt"
	"strings"
	"testing"
)

// item is a test line: its text, the rows it takes and whether the owner
// hides it.
type item struct {
	text   string
	rows   int
	hidden bool
}

// testLayout is a Layout over items: a row is the text, with "/r" for
// row r of a line taller than one row and "> " in front when selected.
type testLayout struct {
	width, height int
	search        string
	evicted       []uint64
	draws, rows   int // calls, to check a frame's cost
}

func (t *testLayout) Size() (int, int)  { return t.width, t.height }
func (t *testLayout) Rows(l *item) int  { t.rows++; return max(l.rows, 1) }
func (t *testLayout) Cells(l *item) int { return len(l.text) }
func (t *testLayout) Visible(l *item) bool {
	return !l.hidden
}
func (t *testLayout) Match(l *item) bool {
	return t.search != "" && strings.Contains(l.text, t.search)
}
func (t *testLayout) Evict(seq uint64, l *item) { t.evicted = append(t.evicted, seq) }
func (t *testLayout) Draw(seq uint64, l *item, selected bool, skip, limit int) []string {
	t.draws++
	mark := "  "
	if selected {
		mark = "> "
	}
	n := max(l.rows, 1)
	var out []string
	for r := skip; r < n && r < skip+limit; r++ {
		s := mark + l.text
		if n > 1 {
			s += fmt.Sprintf("/%d", r)
		}
		out = append(out, s)
	}
	return out
}

func newTest(size, width, height int) (*Viewport[item], *testLayout) {
	t := &testLayout{width: width, height: height}
	return New[item](size, t), t
}

// push adds lines named "line N" for N in [from, from+n) as one batch.
func push(v *Viewport[item], from, n int) {
	for i := from; i < from+n; i++ {
		v.Refresh(v.Push(item{text: fmt.Sprintf("line %d", i)}))
	}
	v.Settle()
}

func screen(v *Viewport[item]) string { return strings.Join(v.View(), "|") }

func TestFollowShowsTheNewestLines(t *testing.T) {
	v, _ := newTest(100, 80, 5)
	push(v, 0, 20)
	want := "  line 15|  line 16|  line 17|  line 18|> line 19"
	if got := screen(v); got != want || !v.Following() || v.Selected() != 19 {
		t.Fatalf("following: %q sel %d follow %v, want %q", got, v.Selected(), v.Following(), want)
	}
	push(v, 20, 2)
	if v.Selected() != 21 || !strings.HasSuffix(screen(v), "> line 21") {
		t.Fatalf("new lines while following: sel %d screen %q", v.Selected(), screen(v))
	}
}

func TestMovingUpPinsTheViewAndCountsNewLines(t *testing.T) {
	v, _ := newTest(100, 80, 5)
	push(v, 0, 20)
	v.Move(-1)
	before := screen(v)
	if v.Following() || v.Selected() != 18 || before != "  line 15|  line 16|  line 17|> line 18|  line 19" {
		t.Fatalf("after up: follow %v sel %d screen %q", v.Following(), v.Selected(), before)
	}
	push(v, 20, 3)
	if screen(v) != before || v.NewBelow() != 3 {
		t.Fatalf("lines arriving while paused moved the view (%q) or were miscounted (%d new, want 3)", screen(v), v.NewBelow())
	}
	v.Move(10)
	if !v.Following() || v.Selected() != 22 || v.NewBelow() != 0 {
		t.Fatalf("moving onto the newest line: follow %v sel %d new %d", v.Following(), v.Selected(), v.NewBelow())
	}
	v.ToggleFollow()
	if v.Following() || !v.Paused() {
		t.Fatal("ToggleFollow did not pause")
	}
	v.Move(-1)
	v.Move(1)
	if v.Following() || v.Selected() != 22 {
		t.Fatalf("a paused view resumed following by moving down: follow %v sel %d", v.Following(), v.Selected())
	}
	v.Follow()
	if !v.Following() || v.Paused() {
		t.Fatal("Follow did not follow again")
	}
}

func TestPageKeepsTheSelectionsRow(t *testing.T) {
	v, _ := newTest(1000, 80, 10)
	push(v, 0, 100)
	v.Page(10)
	if !v.Following() || v.Selected() != 99 {
		t.Fatal("page down while following moved the view")
	}
	v.Page(-10)
	rows := v.View()
	if v.Selected() != 89 || rows[0] != "  line 80" || rows[9] != "> line 89" {
		t.Fatalf("page up: sel %d rows %q", v.Selected(), rows)
	}
	v.Page(5)
	rows = v.View()
	if v.Selected() != 94 || rows[0] != "  line 85" || rows[9] != "> line 94" {
		t.Fatalf("half page down: sel %d rows %q", v.Selected(), rows)
	}
	v.GotoTop()
	if v.Selected() != 0 || v.View()[0] != "> line 0" {
		t.Fatalf("top: sel %d rows %q", v.Selected(), v.View())
	}
}

func TestGotoCentresALineOffScreen(t *testing.T) {
	v, _ := newTest(1000, 80, 10)
	push(v, 0, 100)
	v.Goto(40)
	rows := v.View()
	if v.Following() || !v.Paused() || rows[0] != "  line 35" || rows[5] != "> line 40" {
		t.Fatalf("goto: follow %v paused %v rows %q", v.Following(), v.Paused(), rows)
	}
	v.Goto(42)
	if rows := v.View(); rows[0] != "  line 35" || rows[7] != "> line 42" {
		t.Fatalf("goto a line on screen scrolled: %q", rows)
	}
	if !v.onScreen(44) || v.onScreen(45) || v.onScreen(34) {
		t.Fatal("onScreen disagrees with the rows drawn")
	}
}

func TestEvictionClampsPositionsAndTellsTheOwner(t *testing.T) {
	v, lay := newTest(10, 80, 4)
	push(v, 0, 10)
	v.GotoTop()
	push(v, 10, 3)
	if fmt.Sprint(lay.evicted) != "[0 1 2]" {
		t.Fatalf("evicted %v, want [0 1 2]", lay.evicted)
	}
	if v.Len() != 10 || v.First() != 3 || v.End() != 13 || v.Line(2) != nil || v.Line(3).text != "line 3" {
		t.Fatalf("held %d lines from %d to %d", v.Len(), v.First(), v.End())
	}
	if v.VisibleLen() != 10 || v.VisibleAt(0) != 3 || v.Selected() != 3 || v.View()[0] != "> line 3" {
		t.Fatalf("after eviction: %d visible, sel %d, rows %q", v.VisibleLen(), v.Selected(), v.View())
	}
}

func TestHidingTheSelectedLineMovesTheSelection(t *testing.T) {
	v, _ := newTest(100, 80, 5)
	push(v, 0, 10)
	v.Goto(4)
	v.Line(4).hidden, v.Line(5).hidden = true, true
	v.Refilter()
	if v.IsVisible(4) || v.VisibleLen() != 8 || v.Selected() != 6 {
		t.Fatalf("refilter: visible(4) %v, %d visible, sel %d", v.IsVisible(4), v.VisibleLen(), v.Selected())
	}
	v.Line(4).hidden = false
	v.Refresh(4)
	if !v.IsVisible(4) || v.Selected() != 6 {
		t.Fatalf("refresh showing a line: visible(4) %v sel %d", v.IsVisible(4), v.Selected())
	}
	if seq, ok := v.FindBack(func(_ uint64, l *item) bool { return l.text < "line 5" }); !ok || seq != 4 {
		t.Fatalf("FindBack = %d, %v; want 4, the newest shown line before line 5", seq, ok)
	}
	if _, ok := v.FindBack(func(uint64, *item) bool { return false }); ok {
		t.Fatal("FindBack found a line nothing matched")
	}
	v.Line(6).hidden = true
	v.Refresh(6)
	if v.IsVisible(6) || v.Selected() != 7 {
		t.Fatalf("refresh hiding the selected line: sel %d, want 7", v.Selected())
	}
}

func TestMatchesJumpAndLand(t *testing.T) {
	v, lay := newTest(100, 80, 5)
	push(v, 0, 20)
	lay.search = "1"
	v.Rematch()
	if v.MatchLen() != 11 || !v.IsMatch(12) || v.IsMatch(5) {
		t.Fatalf("%d matches, want 11 (1, 10…19)", v.MatchLen())
	}
	steps := []struct {
		dir     int
		sel     uint64
		wrapped bool
	}{{-1, 18, false}, {1, 19, false}, {1, 1, true}, {-1, 19, true}}
	for _, s := range steps {
		found, wrapped := v.JumpMatch(s.dir)
		if !found || wrapped != s.wrapped || v.Selected() != s.sel {
			t.Fatalf("jump %d: found %v wrapped %v sel %d, want sel %d wrapped %v", s.dir, found, wrapped, v.Selected(), s.sel, s.wrapped)
		}
	}
	if i, ok := v.MatchIndex(19); !ok || i != 10 || v.matches.At(0) != 1 {
		t.Fatalf("MatchIndex(19) = %d, %v", i, ok)
	}
	if found, wrapped := v.LandMatch(9); !found || wrapped || v.Selected() != 1 {
		t.Fatalf("land from 9: found %v wrapped %v sel %d, want 1", found, wrapped, v.Selected())
	}
	if found, wrapped := v.LandMatch(0); !found || !wrapped || v.Selected() != 19 {
		t.Fatalf("land from 0: found %v wrapped %v sel %d, want 19 wrapped", found, wrapped, v.Selected())
	}
	v.ClearMatches()
	if found, _ := v.JumpMatch(1); found || v.MatchLen() != 0 {
		t.Fatal("a jump found a match after ClearMatches")
	}
	seq := v.Push(item{text: "note 1"})
	v.Show(seq)
	v.Settle()
	if !v.IsVisible(seq) || v.IsMatch(seq) {
		t.Fatal("Show must show a line without searching it")
	}
}

func TestWrappedLinesScrollByRow(t *testing.T) {
	v, _ := newTest(100, 80, 5)
	for _, s := range []string{"a", "b", "c"} {
		v.Refresh(v.Push(item{text: s, rows: 3}))
	}
	v.Settle()
	if got := screen(v); got != "  b/1|  b/2|> c/0|> c/1|> c/2" {
		t.Fatalf("following wrapped lines: %q", got)
	}
	if v.onScreen(1) || !v.onScreen(2) {
		t.Fatal("a line with rows above the body counts as on screen")
	}
	v.Move(-1)
	if got := screen(v); got != "> b/0|> b/1|> b/2|  c/0|  c/1" {
		t.Fatalf("selecting a cut line shows it whole: %q", got)
	}
}

func TestSidewaysStopsAtTheWidestLine(t *testing.T) {
	v, _ := newTest(100, 10, 3)
	v.Refresh(v.Push(item{text: strings.Repeat("x", 30)}))
	v.Refresh(v.Push(item{text: "short"}))
	v.Settle()
	for _, want := range []int{8, 16, 20, 20} {
		v.ScrollSideways(true, 8)
		if v.XOffset() != want {
			t.Fatalf("right: offset %d, want %d", v.XOffset(), want)
		}
	}
	v.ScrollSideways(false, 8)
	if v.XOffset() != 12 {
		t.Fatalf("left: offset %d, want 12", v.XOffset())
	}
	v.ScrollSideways(false, 100)
	if v.XOffset() != 0 {
		t.Fatalf("left past the start: offset %d", v.XOffset())
	}
	v.ScrollSideways(true, 8)
	v.ResetX()
	if v.XOffset() != 0 {
		t.Fatal("ResetX kept the offset")
	}
}

func TestPositionRoundTrip(t *testing.T) {
	v, _ := newTest(100, 80, 5)
	push(v, 0, 30)
	v.Goto(10)
	pos, before := v.Position(), screen(v)
	v.Follow()
	v.SetPosition(pos)
	if v.Following() || !v.Paused() || v.Selected() != 10 || screen(v) != before {
		t.Fatalf("back to a paused position: follow %v sel %d screen %q, want %q", v.Following(), v.Selected(), screen(v), before)
	}
	v.SetPosition(Position{Follow: true})
	if !v.Following() || v.Selected() != 29 {
		t.Fatalf("back to following: sel %d", v.Selected())
	}
}

func TestStartPausedAndReset(t *testing.T) {
	v, _ := newTest(100, 80, 5)
	v.StartPaused()
	push(v, 0, 10)
	if v.Following() || !v.Paused() || v.Selected() != 0 {
		t.Fatalf("a view started paused followed: sel %d", v.Selected())
	}
	v.MarkRead()
	if v.NewBelow() != 0 {
		t.Fatalf("MarkRead left %d lines counted as new", v.NewBelow())
	}
	end := v.End()
	v.Reset()
	if v.Len() != 0 || v.VisibleLen() != 0 || v.First() != end || v.End() != end || v.Line(3) != nil || v.View() != nil {
		t.Fatal("Reset kept lines, or reused their sequence numbers")
	}
}

// TestFrameCostsAScreenful checks that drawing and moving ask about a
// screenful of lines, however many are held.
func TestFrameCostsAScreenful(t *testing.T) {
	v, lay := newTest(200000, 80, 10)
	push(v, 0, 200000)
	lay.draws, lay.rows = 0, 0
	if rows := v.View(); len(rows) != 10 {
		t.Fatalf("%d rows drawn, want 10", len(rows))
	}
	if lay.draws != 10 || lay.rows > 11 {
		t.Fatalf("a frame drew %d lines and measured %d, want 10 and at most 11", lay.draws, lay.rows)
	}
	lay.rows = 0
	v.Goto(100000)
	v.Move(-3)
	v.Page(10)
	if lay.rows > 100 {
		t.Fatalf("moving measured %d lines, want about a screenful", lay.rows)
	}
}

// pausedOnCutTop returns a paused view of height 3 over a line "a" of 3
// rows and a line "b" of one: b is selected and the top of a, one row of
// it, is scrolled off above the body.
func pausedOnCutTop(t *testing.T) (*Viewport[item], *testLayout) {
	t.Helper()
	v, lay := newTest(100, 80, 3)
	v.Refresh(v.Push(item{text: "a", rows: 3}))
	v.Refresh(v.Push(item{text: "b"}))
	v.Settle()
	v.ToggleFollow()
	if got := screen(v); got != "  a/1|  a/2|> b" || v.Position().TopRow != 1 {
		t.Fatalf("paused with a cut top line: %q, top row %d", got, v.Position().TopRow)
	}
	return v, lay
}

// TestHidingACutTopLineDrawsTheNextLineWhole: when Refresh hides the top
// line while rows of it are scrolled off, those rows must not be skipped
// on the next shown line, which here is the selected one.
func TestHidingACutTopLineDrawsTheNextLineWhole(t *testing.T) {
	v, _ := pausedOnCutTop(t)
	v.Line(0).hidden = true
	v.Refresh(0)
	if got := screen(v); got != "> b" || v.Selected() != 1 {
		t.Fatalf("after hiding the cut top line: %q sel %d, want \"> b\" sel 1", got, v.Selected())
	}
}

// TestALineAfterAnEmptyFilterIsDrawn: a filter that leaves nothing shown
// must not keep the rows of the old top line hidden for the line that
// arrives next.
func TestALineAfterAnEmptyFilterIsDrawn(t *testing.T) {
	v, _ := pausedOnCutTop(t)
	v.Line(0).hidden, v.Line(1).hidden = true, true
	v.Refilter()
	if rows := v.View(); rows != nil {
		t.Fatalf("nothing shown, yet drew %q", rows)
	}
	v.Refresh(v.Push(item{text: "c"}))
	v.Settle()
	if got := screen(v); got != "  c" {
		t.Fatalf("the line that arrived after an empty filter: %q, want \"  c\"", got)
	}
}
