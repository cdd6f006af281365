package sanitize

import "math"

// minContrast is the lowest contrast ratio at which text keeps the
// background the program asked for. Below it the text would be unreadable
// (and a program could use that to hide text), so the background is dropped
// and the text is drawn on the terminal's own. The ratio is the one WCAG
// defines, from 1 (the same luminance) to 21 (black on white); readable text
// needs 4.5. 1.5 catches equal and near-equal colours (0;0;0 on 0;0;1,
// black on dark navy, neighbours on the grey ramp, white on light grey) and
// keeps the pairs programs use for badges and highlights:
// white on red, green or blue, black on yellow or cyan, blue on black.
const minContrast = 1.5

// xterm16 is xterm's default palette for the 16 basic colours, which the
// 256-colour indices 0–15 name too. Terminals let users change it, so it
// stands for a typical terminal, not the user's.
var xterm16 = [16][3]uint8{
	{0, 0, 0}, {205, 0, 0}, {0, 205, 0}, {205, 205, 0},
	{0, 0, 238}, {205, 0, 205}, {0, 205, 205}, {229, 229, 229},
	{127, 127, 127}, {255, 0, 0}, {0, 255, 0}, {255, 255, 0},
	{92, 92, 255}, {255, 0, 255}, {0, 255, 255}, {255, 255, 255},
}

// cubeLevels are the six steps of each channel of the 6×6×6 colour cube
// (indices 16–231).
var cubeLevels = [6]uint8{0, 95, 135, 175, 215, 255}

// rgb resolves a colour that is not colorNone to red, green and blue.
func (c color) rgb() [3]uint8 {
	switch {
	case c.kind == colorRGB:
		return [3]uint8{c.r, c.g, c.b}
	case c.r < 16:
		return xterm16[c.r]
	case c.r < 232:
		i := c.r - 16
		return [3]uint8{cubeLevels[i/36], cubeLevels[i/6%6], cubeLevels[i%6]}
	default: // the grey ramp, 232–255
		g := 8 + 10*(c.r-232)
		return [3]uint8{g, g, g}
	}
}

// linear maps an sRGB channel value to linear light.
var linear = func() (t [256]float64) {
	for i := range t {
		v := float64(i) / 255
		if v <= 0.04045 {
			t[i] = v / 12.92
		} else {
			t[i] = math.Pow((v+0.055)/1.055, 2.4)
		}
	}
	return t
}()

// luminance is the relative luminance of an sRGB colour, 0 to 1.
func luminance(c [3]uint8) float64 {
	return 0.2126*linear[c[0]] + 0.7152*linear[c[1]] + 0.0722*linear[c[2]]
}

// lowContrast reports whether text in fg on bg (both set) is too faint to
// read. Dim text is taken as halfway between its colour and the
// background's, as most terminals draw it.
func lowContrast(fg, bg color, dim bool) bool {
	f, b := fg.rgb(), bg.rgb()
	if dim {
		for i := range f {
			f[i] = uint8((uint16(f[i]) + uint16(b[i])) / 2)
		}
	}
	lf, lb := luminance(f), luminance(b)
	hi, lo := max(lf, lb), min(lf, lb)
	return hi+0.05 < minContrast*(lo+0.05)
}
