package tui

import (
	"testing"

	"sandtail/settings"
)

// TestColourDecisionIsShared: the viewer decides colour with the same
// function print mode uses on a terminal (settings.ColorMode.Allowed), so
// NO_COLOR and TERM=dumb mean the same in both. Before, the viewer ignored
// TERM=dumb and print mode ignored --color always on a dumb terminal.
func TestColourDecisionIsShared(t *testing.T) {
	for _, term := range []string{"xterm-256color", "dumb"} {
		for _, noColor := range []string{"", "1"} {
			t.Setenv("TERM", term)
			t.Setenv("NO_COLOR", noColor)
			for _, c := range []settings.ColorMode{settings.ColorAuto, settings.ColorAlways, settings.ColorNever} {
				want := c != settings.ColorNever && (c == settings.ColorAlways || (term != "dumb" && noColor == ""))
				if got := colorAllowed(c); got != want {
					t.Errorf("TERM=%s NO_COLOR=%q mode %d: viewer colour %v, want %v", term, noColor, c, got, want)
				}
			}
		}
	}
}

// TestDefaultsAreShared: the viewer's ring and batch sizes are the ones
// defined in settings, which the command line and print mode use too.
func TestDefaultsAreShared(t *testing.T) {
	if DefaultBuffer != settings.DefaultBuffer || batchMax != settings.Batch {
		t.Fatalf("viewer buffer %d batch %d, settings %d %d", DefaultBuffer, batchMax, settings.DefaultBuffer, settings.Batch)
	}
}
