package tui

import (
	"fmt"
	"testing"

	"sandtail/engine"
)

// needleLog is n stdout lines "line i"; the lines in at also hold
// "status=500".
func needleLog(n int, at ...int) []engine.Entry {
	hit := map[int]bool{}
	for _, i := range at {
		hit[i] = true
	}
	var out []engine.Entry
	for i := 0; i < n; i++ {
		text := fmt.Sprintf("line %d\n", i)
		if hit[i] {
			text = fmt.Sprintf("line %d status=500\n", i)
		}
		out = append(out, ent(engine.Stdout, 1, text))
	}
	return out
}

// wantSel fails unless the selected line is want and the header shows
// count (the match's index) .
func wantSel(t *testing.T, h *harness, want, count string) {
	t.Helper()
	if got := h.selText(); got != want {
		t.Fatalf("selected %q, want %q\n%s", got, want, h.screenText())
	}
	if count != "" {
		mustContain(t, h.rows()[0], count)
	}
}

func TestNewSearchFromTheTailLandsOnTheNearestMatchAbove(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, needleLog(100, 10, 50, 90)...)
	h.key("/")
	h.typeText("status=500")
	wantSel(t, h, "line 90 status=500", "3/3")
	h.key("enter")
	wantSel(t, h, "line 90 status=500", "3/3")
	// n goes on upwards, the way the search went.
	h.key("n")
	wantSel(t, h, "line 50 status=500", "2/3")
	h.key("n")
	wantSel(t, h, "line 10 status=500", "1/3")
	h.key("n")
	wantSel(t, h, "line 90 status=500", "3/3")
	mustContain(t, h.screenText(), "search wrapped around")
	// N goes the other way: down, wrapping from the newest to the oldest.
	h.key("N")
	wantSel(t, h, "line 10 status=500", "1/3")
	h.key("N")
	wantSel(t, h, "line 50 status=500", "2/3")
}

func TestNewSearchFromAnyLineLandsAtOrAboveIt(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, needleLog(100, 10, 50, 90)...)
	h.key("g")
	for range 60 {
		h.key("j")
	}
	wantSel(t, h, "line 60", "")
	h.key("/")
	h.typeText("status=500")
	h.key("enter")
	wantSel(t, h, "line 50 status=500", "2/3")

	// On a match itself, a new search stays there.
	h.key("esc", "/")
	h.typeText("line 50")
	h.key("enter")
	wantSel(t, h, "line 50 status=500", "1/1")

	// Above the oldest match it wraps to the newest, and says so.
	h.key("esc", "g", "/")
	h.typeText("status=500")
	h.key("enter")
	wantSel(t, h, "line 90 status=500", "3/3")
	mustContain(t, h.screenText(), "wrapped")
}

// A match that arrives while the query is typed is below where the search
// started: it does not change where the search lands.
func TestNewSearchDoesNotDependOnLinesArrivingWhileTyping(t *testing.T) {
	for _, arrive := range []bool{false, true} {
		t.Run(fmt.Sprintf("arrive=%v", arrive), func(t *testing.T) {
			h := newHarness(t, Config{}, &fakeBackend{})
			h.send(0, needleLog(100, 10, 50, 90)...)
			h.key("/")
			h.typeText("status=5")
			if arrive {
				h.send(0, ent(engine.Stdout, 1, "line 100 status=500\n"))
			}
			h.typeText("00")
			h.key("enter")
			wantSel(t, h, "line 90 status=500", "3/")
		})
	}
}

// The first screen comes from a small fast snapshot; the whole buffer
// replaces it moments later. A search typed in between lands where it
// would have landed had the whole buffer been there: on the nearest match
// above the tail, which only the whole buffer holds.
func TestNewSearchDoesNotDependOnWhenTheFullSnapshotArrives(t *testing.T) {
	for _, when := range []string{"typing", "accepted", "before"} {
		t.Run(when, func(t *testing.T) {
			b := &fakeBackend{log: needleLog(1000, 100), holdFull: make(chan struct{})}
			h := newHarness(t, Config{}, b)
			if when == "before" {
				h.releaseFull()
			} else if h.m.vp.Len() != fastTail {
				t.Fatalf("ring holds %d lines, want the fast snapshot's %d", h.m.vp.Len(), fastTail)
			}
			h.key("/")
			h.typeText("status=500")
			switch when {
			case "typing":
				h.releaseFull()
				h.key("enter")
			case "accepted":
				h.key("enter")
				h.releaseFull()
			default:
				h.key("enter")
			}
			wantSel(t, h, "line 100 status=500", "1/1")
			if h.m.vp.Following() {
				t.Error("still following after the search landed")
			}
		})
	}
}

// Once the user moves after a search, the full snapshot's arrival leaves
// the selection where they put it.
func TestFullSnapshotLeavesASelectionTheUserMoved(t *testing.T) {
	b := &fakeBackend{log: needleLog(1000, 100, 900), holdFull: make(chan struct{})}
	h := newHarness(t, Config{}, b)
	h.key("/")
	h.typeText("status=500")
	h.key("enter")
	wantSel(t, h, "line 900 status=500", "")
	h.key("k")
	h.releaseFull()
	wantSel(t, h, "line 899", "")
}

// A line selected in the first screenful is selected again in the whole
// buffer, though its cursor there is another (it was read with fewer
// sources).
func TestSelectionInTheFirstScreenfulIsKeptInTheWholeBuffer(t *testing.T) {
	b := &fakeBackend{log: needleLog(1000), holdFull: make(chan struct{})}
	h := newHarness(t, Config{}, b)
	h.key("k", "k")
	h.releaseFull()
	if h.m.vp.Following() || h.selText() != "line 997" {
		t.Fatalf("after the whole buffer arrived: follow=%v sel=%q, want line 997 still selected", h.m.vp.Following(), h.selText())
	}
}
