package sanitize

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// checkSafe returns what is wrong with a result, or nil: the invariants that
// hold whatever the input.
func checkSafe(r Result) error {
	if err := checkTerminalSafe(r.Styled, true); err != nil {
		return fmt.Errorf("Styled %q: %w", r.Styled, err)
	}
	if err := checkTerminalSafe(r.Plain, false); err != nil {
		return fmt.Errorf("Plain %q: %w", r.Plain, err)
	}
	if w := ansi.StringWidth(r.Plain); w != r.Width {
		return fmt.Errorf("Width %d, ansi.StringWidth(Plain) %d for %q", r.Width, w, r.Plain)
	}
	if w := ansi.StringWidth(r.Styled); w != r.Width {
		return fmt.Errorf("Width %d, ansi.StringWidth(Styled) %d for %q", r.Width, w, r.Styled)
	}
	if s := ansi.Strip(r.Styled); s != r.Plain {
		return fmt.Errorf("Styled without SGR %q differs from Plain %q", s, r.Plain)
	}
	return checkMethodsAgree(r.Plain)
}

// checkMethodsAgree checks that no grapheme the two width methods measure
// differently holds an emoji joiner or is half a flag.
func checkMethodsAgree(s string) error {
	for len(s) > 0 {
		g, w := ansi.FirstGraphemeCluster(s, ansi.GraphemeWidth)
		if len(g) == 0 {
			g = s[:1]
		}
		if wc := ansi.StringWidthWc(g); wc != w && (hasJoiner([]byte(g)) || loneRegional([]byte(g))) {
			return fmt.Errorf("grapheme %q is %d cells, %d by runes", g, w, wc)
		}
		s = s[len(g):]
	}
	return nil
}

// checkTerminalSafe checks that s is valid UTF-8 without any control
// character, C1 control, bidi control, or escape sequence other than
// well-formed SGR (ESC [ digits and ';' m), and no SGR at all unless sgr.
// An SGR-carrying string must leave the terminal's style as it found it.
func checkTerminalSafe(s string, sgr bool) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid UTF-8")
	}
	sawSGR := false
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0x1b {
			if !sgr {
				return fmt.Errorf("ESC at %d", i)
			}
			j := i + 1
			if j >= len(s) || s[j] != '[' {
				return fmt.Errorf("ESC not followed by [ at %d", i)
			}
			j++
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ';') {
				j++
			}
			if j >= len(s) || s[j] != 'm' {
				return fmt.Errorf("escape at %d is not SGR", i)
			}
			sawSGR = true
			if j-i > 64 {
				return fmt.Errorf("SGR of %d bytes", j-i)
			}
			i = j + 1
			continue
		}
		if c < 0x20 || c == 0x7f {
			return fmt.Errorf("control byte %#x at %d", c, i)
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= 0x80 && r <= 0x9f || dangerous(r, 0) && !(r >= 0xe0020 && r <= 0xe007f) {
			return fmt.Errorf("control rune %U at %d", r, i)
		}
		i += n
	}
	if sawSGR && endState(s) != (style{}) {
		return fmt.Errorf("SGR state not back to the default at the end")
	}
	return nil
}

// endState replays the SGR sequences of s from the default style.
func endState(s string) style {
	var st style
	for {
		i := strings.Index(s, "\x1b[")
		if i < 0 {
			return st
		}
		j := strings.IndexByte(s[i:], 'm')
		st = applySGR(st, splitSGR([]byte(s[i+2:i+j]), nil))
		s = s[i+j+1:]
	}
}

// checkReadable replays the SGR sequences of a Styled string and fails if
// any text is drawn with a foreground and background whose contrast ratio
// is under minContrast. The ratio is computed here from the WCAG formula
// directly, apart from the code under test.
func checkReadable(s string) error {
	var st style
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b {
			j := strings.IndexByte(s[i:], 'm')
			if j < 0 {
				return fmt.Errorf("unterminated SGR at %d", i)
			}
			st = applySGR(st, splitSGR([]byte(s[i+2:i+j]), nil))
			i += j
			continue
		}
		if st.fg.kind == colorNone || st.bg.kind == colorNone {
			continue
		}
		f, b := st.fg.rgb(), st.bg.rgb()
		if st.attrs&attrDim != 0 {
			for k := range f {
				f[k] = uint8((int(f[k]) + int(b[k])) / 2)
			}
		}
		lf, lb := wcagLuminance(f), wcagLuminance(b)
		if ratio := (max(lf, lb) + 0.05) / (min(lf, lb) + 0.05); ratio < minContrast {
			return fmt.Errorf("text at %d drawn at contrast %.2f (%+v on %+v) in %q", i, ratio, st.fg, st.bg, s)
		}
	}
	return nil
}

func wcagLuminance(c [3]uint8) float64 {
	var l [3]float64
	for i, v := range c {
		x := float64(v) / 255
		if x <= 0.04045 {
			l[i] = x / 12.92
		} else {
			l[i] = math.Pow((x+0.055)/1.055, 2.4)
		}
	}
	return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
}
