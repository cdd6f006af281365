package settings

import "testing"

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// TestColorAllowed is the one colour decision for every mode and
// environment: NO_COLOR and TERM=dumb switch auto off, never wins over
// everything, always over the environment.
func TestColorAllowed(t *testing.T) {
	cases := []struct {
		mode ColorMode
		env  map[string]string
		want bool
	}{
		{ColorAuto, nil, true},
		{ColorAuto, map[string]string{"TERM": "xterm-256color"}, true},
		{ColorAuto, map[string]string{"NO_COLOR": "1"}, false},
		{ColorAuto, map[string]string{"TERM": "dumb"}, false},
		{ColorAlways, map[string]string{"NO_COLOR": "1", "TERM": "dumb"}, true},
		{ColorNever, nil, false},
		{ColorNever, map[string]string{"TERM": "xterm"}, false},
	}
	for _, tc := range cases {
		if got := tc.mode.Allowed(env(tc.env)); got != tc.want {
			t.Errorf("mode %d env %v: Allowed = %v, want %v", tc.mode, tc.env, got, tc.want)
		}
	}
}

func TestParseColorMode(t *testing.T) {
	for s, want := range map[string]ColorMode{"auto": ColorAuto, "always": ColorAlways, "never": ColorNever} {
		if got, ok := ParseColorMode(s); !ok || got != want {
			t.Errorf("ParseColorMode(%q) = %d, %v", s, got, ok)
		}
	}
	if _, ok := ParseColorMode("yes"); ok {
		t.Error(`ParseColorMode("yes") accepted`)
	}
}
