package theme

import "image/color"

// Palette is a temporary stand-in for the tui helper's palette tokens; it is
// deleted once the real theme package is merged.
type Palette struct {
	Fg, Muted, Accent, Warn, Err, Border color.Color
}
