package theme

import (
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
)

func TestNoColorEmitsNoColourEscapes(t *testing.T) {
	s := NoColor()
	v := reflect.ValueOf(s)
	for i := 0; i < v.NumField(); i++ {
		st, ok := v.Field(i).Interface().(lipgloss.Style)
		if !ok {
			continue
		}
		if hasColour(st.Render("x")) {
			t.Errorf("NoColor %s renders %q, which holds a colour", v.Type().Field(i).Name, st.Render("x"))
		}
	}
	if !hasColour(Dark().BadgeStderr.Render("x")) {
		t.Error("hasColour misses the dark theme's colours")
	}
	if !s.Mono {
		t.Error("NoColor is not marked Mono")
	}
}

// hasColour reports whether any SGR sequence in s sets a colour: 30–49
// (basic, 256 and true colour via 38/48) or 90–107 (bright).
func hasColour(s string) bool {
	for _, seq := range regexp.MustCompile(`\x1b\[([0-9;:]*)m`).FindAllStringSubmatch(s, -1) {
		for _, p := range strings.FieldsFunc(seq[1], func(r rune) bool { return r == ';' || r == ':' }) {
			n, _ := strconv.Atoi(p)
			if (n >= 30 && n <= 49) || (n >= 90 && n <= 107) {
				return true
			}
		}
	}
	return false
}

func TestEveryStyleIsSet(t *testing.T) {
	for name, s := range map[string]Styles{"dark": Dark(), "light": Light()} {
		v := reflect.ValueOf(s)
		for i := 0; i < v.NumField(); i++ {
			st, ok := v.Field(i).Interface().(lipgloss.Style)
			if !ok {
				continue
			}
			if st.Render("x") == "x" {
				t.Errorf("%s: %s renders unstyled", name, v.Type().Field(i).Name)
			}
		}
	}
}

func TestSessionColourIsStableAndSpread(t *testing.T) {
	s := Dark()
	// Two themes built apart must agree: the colour comes from the id alone.
	if s.Session(7).Render("7") != Dark().Session(7).Render("7") {
		t.Fatal("session colour is not stable")
	}
	distinct := map[string]bool{}
	for id := uint64(1); id <= 4; id++ {
		distinct[s.Session(id).Render("x")] = true
	}
	if len(distinct) < 3 {
		t.Errorf("sessions 1-4 share colours: %d distinct", len(distinct))
	}
	if NoColor().Session(3).Render("x") != "x" {
		t.Error("NoColor session style has colour")
	}
}

func TestPick(t *testing.T) {
	if !Pick(false, true).Mono {
		t.Error("colour off did not pick NoColor")
	}
	if Pick(true, true).Palette.Fg != DarkPalette().Fg || Pick(true, false).Palette.Fg != LightPalette().Fg {
		t.Error("dark/light not picked by background")
	}
}

// A sandbox keeps its colour: the same name gets the same style in every
// theme built, and the palette's colours are all used over a few names.
func TestSandboxColourIsStable(t *testing.T) {
	a, b := Dark(), Dark()
	seen := map[string]bool{}
	for _, name := range []string{"alpha", "beta", "gamma", "delta", "web-1", "web-2", "db", "cache", "worker-3", "api"} {
		if a.Sandbox(name).Render(name) != b.Sandbox(name).Render(name) {
			t.Fatalf("%s changes colour", name)
		}
		seen[a.Sandbox(name).Render("x")] = true
	}
	if len(seen) < 4 {
		t.Fatalf("ten names share %d colours", len(seen))
	}
	if NoColor().Sandbox("alpha").Render("alpha") == "" {
		t.Fatal("no colour: the name must still be drawn")
	}
}
