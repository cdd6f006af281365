package sanitize

import "strconv"

// colorKind says how a colour was given by the program.
type colorKind uint8

const (
	colorNone  colorKind = iota // the terminal's default
	colorBasic                  // one of the 16 basic colours (30–37, 90–97)
	color256                    // an index into the 256-colour palette
	colorRGB                    // a 24-bit colour
)

// color is a parsed, bounded colour. For colorBasic and color256 the index
// is in r.
type color struct {
	kind    colorKind
	r, g, b uint8
}

// attr is a set of text attributes that survive sanitising.
type attr uint8

const (
	attrBold attr = 1 << iota
	attrDim
	attrItalic
	attrUnderline
	attrReverse
	attrStrike
)

// style is the SGR state a run of text is drawn with. The zero value is the
// terminal's default. Blink and conceal are deliberately not represented:
// blinking is hostile to readers and concealed text hides output.
type style struct {
	fg, bg color
	attrs  attr
}

// maxSGRParams bounds how many parameters of one SGR sequence are looked at;
// the rest are ignored.
const maxSGRParams = 32

// maxParamValue bounds a parsed parameter so no digit string can overflow.
const maxParamValue = 1 << 16

// sgrParam is one parameter of an SGR sequence.
type sgrParam struct {
	v    int  // value, 0 when missing
	more bool // followed by a ':' sub-parameter
}

// isSGRParams reports whether p holds only the bytes an SGR parameter string
// may hold: digits and the two separators. Anything else (a private prefix
// such as '>' or an intermediate byte) makes the sequence something other
// than SGR.
func isSGRParams(p []byte) bool {
	for _, c := range p {
		if (c < '0' || c > '9') && c != ';' && c != ':' {
			return false
		}
	}
	return true
}

// splitSGR parses an SGR parameter string into out (reused), keeping at most
// maxSGRParams parameters.
func splitSGR(p []byte, out []sgrParam) []sgrParam {
	out = out[:0]
	var cur sgrParam
	for _, c := range p {
		switch {
		case c >= '0' && c <= '9':
			if cur.v < maxParamValue {
				cur.v = cur.v*10 + int(c-'0')
			}
		default: // ';' or ':'
			cur.more = c == ':'
			if len(out) == maxSGRParams {
				return out
			}
			out = append(out, cur)
			cur = sgrParam{}
		}
	}
	if len(out) < maxSGRParams {
		out = append(out, cur)
	}
	return out
}

// applySGR returns st changed by the parsed parameters ps, as a terminal
// would change it. Unknown parameters and out-of-range colours are ignored.
func applySGR(st style, ps []sgrParam) style {
	for i := 0; i < len(ps); i++ {
		// A parameter followed by ':' sub-parameters forms one group.
		j := i
		for j < len(ps)-1 && ps[j].more {
			j++
		}
		group := ps[i : j+1]
		switch v := ps[i].v; {
		case v == 0:
			st = style{}
		case v == 1:
			st.attrs |= attrBold
		case v == 2:
			st.attrs |= attrDim
		case v == 3:
			st.attrs |= attrItalic
		case v == 4:
			if len(group) > 1 && group[1].v == 0 {
				st.attrs &^= attrUnderline // 4:0 is "no underline"
			} else {
				st.attrs |= attrUnderline
			}
		case v == 7:
			st.attrs |= attrReverse
		case v == 9:
			st.attrs |= attrStrike
		case v == 21:
			st.attrs |= attrUnderline // doubly underlined
		case v == 22:
			st.attrs &^= attrBold | attrDim
		case v == 23:
			st.attrs &^= attrItalic
		case v == 24:
			st.attrs &^= attrUnderline
		case v == 27:
			st.attrs &^= attrReverse
		case v == 29:
			st.attrs &^= attrStrike
		case v >= 30 && v <= 37:
			st.fg = color{kind: colorBasic, r: uint8(v - 30)}
		case v == 39:
			st.fg = color{}
		case v >= 40 && v <= 47:
			st.bg = color{kind: colorBasic, r: uint8(v - 40)}
		case v == 49:
			st.bg = color{}
		case v >= 90 && v <= 97:
			st.fg = color{kind: colorBasic, r: uint8(v - 90 + 8)}
		case v >= 100 && v <= 107:
			st.bg = color{kind: colorBasic, r: uint8(v - 100 + 8)}
		case v == 38 || v == 48 || v == 58:
			var c color
			var ok bool
			if len(group) > 1 {
				c, ok = colonColor(group[1:])
			} else {
				var n int
				c, n, ok = semicolonColor(ps[i+1:])
				j = i + n
			}
			if ok && v == 38 {
				st.fg = c
			} else if ok && v == 48 {
				st.bg = c
			} // 58 (underline colour) is parsed so its values are skipped, then dropped.
		}
		i = j
	}
	return st
}

// colonColor parses the sub-parameters of 38:5:n, 38:2:r:g:b and
// 38:2:colourspace:r:g:b.
func colonColor(sub []sgrParam) (color, bool) {
	switch {
	case sub[0].v == 5 && len(sub) >= 2:
		return paletteColor(sub[1].v)
	case sub[0].v == 2 && len(sub) >= 5:
		return rgbColor(sub[2].v, sub[3].v, sub[4].v)
	case sub[0].v == 2 && len(sub) == 4:
		return rgbColor(sub[1].v, sub[2].v, sub[3].v)
	}
	return color{}, false
}

// semicolonColor parses the parameters after 38 in 38;5;n and 38;2;r;g;b,
// returning how many it consumed.
func semicolonColor(rest []sgrParam) (color, int, bool) {
	if len(rest) == 0 {
		return color{}, 0, false
	}
	switch rest[0].v {
	case 5:
		if len(rest) < 2 {
			return color{}, len(rest), false
		}
		c, ok := paletteColor(rest[1].v)
		return c, 2, ok
	case 2:
		if len(rest) < 4 {
			return color{}, len(rest), false
		}
		c, ok := rgbColor(rest[1].v, rest[2].v, rest[3].v)
		return c, 4, ok
	}
	return color{}, 1, false
}

func paletteColor(n int) (color, bool) {
	if n > 255 {
		return color{}, false
	}
	return color{kind: color256, r: uint8(n)}, true
}

func rgbColor(r, g, b int) (color, bool) {
	if r > 255 || g > 255 || b > 255 {
		return color{}, false
	}
	return color{kind: colorRGB, r: uint8(r), g: uint8(g), b: uint8(b)}, true
}

// drawn returns the style text is drawn with: st, except that a background
// too close to the foreground to read text on (see minContrast) is dropped,
// since text drawn in its own background colour, or nearly, is invisible.
// With either colour the terminal's default, the contrast is unknown and
// both are kept.
func (st style) drawn() style {
	if st.fg.kind != colorNone && st.bg.kind != colorNone &&
		(st.bg == st.fg || lowContrast(st.fg, st.bg, st.attrs&attrDim != 0)) {
		st.bg = color{}
	}
	return st
}

// attrCodes lists every attribute with the SGR codes that set and unset it.
var attrCodes = [...]struct {
	bit     attr
	on, off string
}{
	{attrBold, "1", "22"}, {attrDim, "2", "22"}, {attrItalic, "3", "23"},
	{attrUnderline, "4", "24"}, {attrReverse, "7", "27"}, {attrStrike, "9", "29"},
}

// appendSGR appends the SGR sequence that changes the style from to to. It
// only names what changes (no full reset), so a style the viewer draws around
// the line, such as the selection's background, survives where the program
// did not set its own. It appends nothing when the styles are equal.
func appendSGR(out []byte, from, to style) []byte {
	if from == to {
		return out
	}
	out = append(out, "\x1b["...)
	start := len(out)
	sep := func(out []byte) []byte {
		if len(out) > start {
			return append(out, ';')
		}
		return out
	}
	off := from.attrs &^ to.attrs
	on := to.attrs &^ from.attrs
	if off&(attrBold|attrDim) != 0 {
		// One code unsets both bold and dim: set again the one that stays.
		on |= to.attrs & (attrBold | attrDim)
	}
	for _, a := range attrCodes {
		if off&a.bit != 0 && (a.bit != attrDim || off&attrBold == 0) {
			out = append(sep(out), a.off...)
		}
	}
	for _, a := range attrCodes {
		if on&a.bit != 0 {
			out = append(sep(out), a.on...)
		}
	}
	if to.fg != from.fg {
		out = appendColor(sep(out), to.fg, 30, 90, "38")
	}
	if to.bg != from.bg {
		out = appendColor(sep(out), to.bg, 40, 100, "48")
	}
	return append(out, 'm')
}

// appendColor appends the parameters that select c as the foreground (base
// 30, bright 90, extended "38") or background (40, 100, "48").
func appendColor(out []byte, c color, base, bright int, ext string) []byte {
	switch c.kind {
	case colorNone:
		out = strconv.AppendInt(out, int64(base+9), 10)
	case colorBasic:
		code := base + int(c.r)
		if c.r >= 8 {
			code = bright + int(c.r) - 8
		}
		out = strconv.AppendInt(out, int64(code), 10)
	case color256:
		out = append(out, ext...)
		out = append(out, ";5;"...)
		out = strconv.AppendInt(out, int64(c.r), 10)
	case colorRGB:
		out = append(out, ext...)
		out = append(out, ";2;"...)
		out = strconv.AppendInt(out, int64(c.r), 10)
		out = append(out, ';')
		out = strconv.AppendInt(out, int64(c.g), 10)
		out = append(out, ';')
		out = strconv.AppendInt(out, int64(c.b), 10)
	}
	return out
}
