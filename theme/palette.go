// Package theme holds every colour and style of sandtail's viewer. Styles are
// built from a Palette of a few semantic colour tokens, so a dark, a light and
// a colourless variant differ only in their tokens.
package theme

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Palette is the handful of semantic colours every style is built from.
// Colours are ANSI 256 indexes, so they survive tmux and 256-colour
// terminals unchanged and downsample cleanly to 16 colours.
type Palette struct {
	Fg      color.Color // ordinary text
	Muted   color.Color // secondary text: timestamps, system lines, toggles that are off
	Surface color.Color // background of the header and footer bars
	Accent  color.Color // the sandbox name, prompts, keys in help
	Good    color.Color // LIVE, healthy states
	Warn    color.Color // PAUSED, marks, escapes shown in place of control characters
	Err     color.Color // ERROR, stderr badges, the boot error, error messages
	Border  color.Color // borders of dialogs and panels
	Match   color.Color // background of a search match
	Current color.Color // background of the current search match
	OnMatch color.Color // text drawn on Match and Current
	Select  color.Color // background of the selected row
	// Sessions are the rotating colours of session ids; a session keeps its
	// colour for the life of the program.
	Sessions []color.Color
}

// c is a shorthand for an ANSI 256 colour index.
func c(index string) color.Color { return lipgloss.Color(index) }

// DarkPalette is for terminals with a dark background.
func DarkPalette() Palette {
	return Palette{
		Fg: c("252"), Muted: c("244"), Surface: c("236"), Accent: c("75"),
		Good: c("78"), Warn: c("179"), Err: c("203"), Border: c("240"),
		Match: c("178"), Current: c("208"), OnMatch: c("16"), Select: c("238"),
		Sessions: []color.Color{c("75"), c("114"), c("176"), c("180"), c("80"), c("215"), c("147"), c("210")},
	}
}

// LightPalette is for terminals with a light background.
func LightPalette() Palette {
	return Palette{
		Fg: c("235"), Muted: c("243"), Surface: c("254"), Accent: c("25"),
		Good: c("28"), Warn: c("130"), Err: c("160"), Border: c("248"),
		Match: c("222"), Current: c("214"), OnMatch: c("16"), Select: c("252"),
		Sessions: []color.Color{c("25"), c("28"), c("90"), c("130"), c("30"), c("166"), c("61"), c("125")},
	}
}

// MonoPalette has no colours at all: every token is lipgloss.NoColor. It is
// what NO_COLOR and --color never select; styles then tell things apart with
// bold, underline and reverse video only.
func MonoPalette() Palette {
	none := lipgloss.NoColor{}
	return Palette{
		Fg: none, Muted: none, Surface: none, Accent: none, Good: none, Warn: none, Err: none, Border: none,
		Match: none, Current: none, OnMatch: none, Select: none,
	}
}
