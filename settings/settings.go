// Package settings holds the choices both front-ends — the viewer (package
// tui) and print mode (package printmode) — must make the same way: whether
// colour may be drawn (--color, NO_COLOR, TERM=dumb) and the sizes they
// default to. Each is defined once here so the two cannot drift apart.
package settings

import "sandtail/engine"

// ColorMode is the --color flag: auto, always or never.
type ColorMode uint8

const (
	// ColorAuto draws colour unless the environment asks for none.
	ColorAuto ColorMode = iota
	// ColorAlways draws colour whatever the environment says.
	ColorAlways
	// ColorNever draws no colour.
	ColorNever
)

// ParseColorMode reads a --color value; ok is false for anything but auto,
// always or never.
func ParseColorMode(s string) (c ColorMode, ok bool) {
	switch s {
	case "auto":
		return ColorAuto, true
	case "always":
		return ColorAlways, true
	case "never":
		return ColorNever, true
	}
	return ColorAuto, false
}

// Resolve applies the environment to ColorAuto: NO_COLOR set to anything
// (the common convention for "no colour, please") or a terminal that says it is dumb (TERM=dumb) turn
// it into ColorNever. An explicit always or never is kept as given. getenv is
// os.Getenv outside tests.
func (c ColorMode) Resolve(getenv func(string) string) ColorMode {
	if c == ColorAuto && (getenv("NO_COLOR") != "" || getenv("TERM") == "dumb") {
		return ColorNever
	}
	return c
}

// Allowed reports whether colour may be drawn on a terminal: the one
// decision both the viewer and print mode on a terminal use.
func (c ColorMode) Allowed(getenv func(string) string) bool {
	return c.Resolve(getenv) != ColorNever
}

// DefaultBuffer is how many display lines the viewer keeps for scrolling
// back when --buffer is not given: large enough to scroll back through a long
// session, small enough to stay well under a few hundred MiB with long lines.
const DefaultBuffer = 20000

// Batch is the most entries a front-end takes from one engine Stream.Next
// call: the engine's own default, defined there once.
const Batch = engine.DefaultBatch
