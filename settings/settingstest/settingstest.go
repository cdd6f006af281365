// Package settingstest checks that a front-end follows the shared colour
// decision: the viewer's tests and print mode's call CheckColour with their
// own decision function, against one table, so the two cannot drift apart.
package settingstest

import (
	"testing"

	"sandtail/settings"
)

// CheckColour runs decide under every --color mode with TERM and NO_COLOR
// set each way, and fails t where it does not draw colour exactly when
// colour is wanted: never never, always always, auto unless NO_COLOR is set
// or TERM=dumb. decide reads the environment itself (t.Setenv is used).
func CheckColour(t *testing.T, who string, decide func(settings.ColorMode) bool) {
	t.Helper()
	for _, term := range []string{"xterm-256color", "dumb"} {
		for _, noColor := range []string{"", "1"} {
			t.Setenv("TERM", term)
			t.Setenv("NO_COLOR", noColor)
			for _, c := range []settings.ColorMode{settings.ColorAuto, settings.ColorAlways, settings.ColorNever} {
				want := c == settings.ColorAlways || (c == settings.ColorAuto && term != "dumb" && noColor == "")
				if got := decide(c); got != want {
					t.Errorf("%s with TERM=%s NO_COLOR=%q, mode %d: colour %v, want %v", who, term, noColor, c, got, want)
				}
			}
		}
	}
}
