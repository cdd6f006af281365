package tui

import (
	"testing"

	"sandtail/settings"
	"sandtail/settings/settingstest"
)

// TestColourDecisionIsShared: the viewer decides colour with the same
// function print mode uses on a terminal (settings.ColorMode.Allowed), so
// NO_COLOR and TERM=dumb mean the same in both. Before, the viewer ignored
// TERM=dumb and print mode ignored --color always on a dumb terminal.
func TestColourDecisionIsShared(t *testing.T) {
	settingstest.CheckColour(t, "the viewer", colorAllowed)
}

// TestDefaultsAreShared: the viewer's ring and batch sizes are the ones
// defined in settings, which the command line and print mode use too.
func TestDefaultsAreShared(t *testing.T) {
	if DefaultBuffer != settings.DefaultBuffer || batchMax != settings.Batch {
		t.Fatalf("viewer buffer %d batch %d, settings %d %d", DefaultBuffer, batchMax, settings.DefaultBuffer, settings.Batch)
	}
}
