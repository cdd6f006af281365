package printmode

import (
	"testing"

	"sandtail/settings"
)

// TestColourDecisionIsShared: print mode on a terminal draws colour exactly
// when the viewer would (settings.ColorMode.Allowed): NO_COLOR and TERM=dumb
// turn auto off, --color always keeps colour, --color never drops it. The
// table is the same as the viewer's test in package tui.
func TestColourDecisionIsShared(t *testing.T) {
	for _, term := range []string{"xterm-256color", "dumb"} {
		for _, noColor := range []string{"", "1"} {
			t.Setenv("TERM", term)
			t.Setenv("NO_COLOR", noColor)
			for _, c := range []settings.ColorMode{settings.ColorAuto, settings.ColorAlways, settings.ColorNever} {
				want := c != settings.ColorNever && (c == settings.ColorAlways || (term != "dumb" && noColor == ""))
				po := plainOptions(Config{Color: c, ColorGiven: c != settings.ColorAuto}, true)
				if !po.sanitize || po.color != want {
					t.Errorf("TERM=%s NO_COLOR=%q mode %d: print mode sanitise %v colour %v, want colour %v", term, noColor, c, po.sanitize, po.color, want)
				}
			}
		}
	}
}
