package tui

import "testing"

func TestWrapStartsNeverSplitsAWideCharacter(t *testing.T) {
	// "x000" is 4 cells; the emoji (2 cells) does not fit in a 5-cell row
	// and moves whole to the next.
	if got := wrapStarts("x000👍abcdef", 5); len(got) != 2 || got[0] != 4 || got[1] != 9 {
		t.Errorf("wrapStarts = %v, want [4 9]", got)
	}
	if got := wrapStarts("abcdefghij", 5); len(got) != 1 || got[0] != 5 {
		t.Errorf("wrapStarts = %v, want [5]", got)
	}
}
