package printmode

import (
	"testing"

	"sandtail/settings"
	"sandtail/settings/settingstest"
)

// TestColourDecisionIsShared: print mode on a terminal draws colour exactly
// when the viewer would (settings.ColorMode.Allowed): NO_COLOR and TERM=dumb
// turn auto off, --color always keeps colour, --color never drops it. The
// table (settingstest) is the one the viewer's test uses.
func TestColourDecisionIsShared(t *testing.T) {
	settingstest.CheckColour(t, "print mode on a terminal", func(c settings.ColorMode) bool {
		po := plainOptions(Config{Color: c, ColorGiven: c != settings.ColorAuto}, true)
		if !po.sanitize {
			t.Errorf("mode %d: a terminal gets unsanitised text", c)
		}
		return po.color
	})
}
