package sanitize

import (
	"strings"
	"testing"
)

func TestSGR(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"basic colour", "\x1b[31mred\x1b[0m plain", "\x1b[31mred\x1b[39m plain"},
		{"attributes", "\x1b[1;2;3;4;7;9mx", "\x1b[1;2;3;4;7;9mx\x1b[22;23;24;27;29m"},
		{"attribute resets", "\x1b[1;3;4;7;9mx\x1b[22;23;24;27;29my", "\x1b[1;3;4;7;9mx\x1b[22;23;24;27;29my"},
		{"empty reset", "\x1b[1mx\x1b[my", "\x1b[1mx\x1b[22my"},
		{"bright colours", "\x1b[91;102mx", "\x1b[91;102mx\x1b[39;49m"},
		{"default colours", "\x1b[31;42mx\x1b[39my\x1b[49mz", "\x1b[31;42mx\x1b[39my\x1b[49mz"},
		{"256 colours", "\x1b[38;5;208;48;5;17mx", "\x1b[38;5;208;48;5;17mx\x1b[39;49m"},
		{"truecolor", "\x1b[38;2;255;128;0mx", "\x1b[38;2;255;128;0mx\x1b[39m"},
		{"truecolor with colons", "\x1b[38:2::10:20:30mx", "\x1b[38;2;10;20;30mx\x1b[39m"},
		{"truecolor with colons, no colour space", "\x1b[48:2:10:20:30mx", "\x1b[48;2;10;20;30mx\x1b[49m"},
		{"256 with colons", "\x1b[38:5:99mx", "\x1b[38;5;99mx\x1b[39m"},
		{"colour then attribute", "\x1b[38;5;1;1mx", "\x1b[1;38;5;1mx\x1b[22;39m"},
		{"curly underline", "\x1b[4:3mx\x1b[4:0my", "\x1b[4mx\x1b[24my"},
		{"underline colour is dropped", "\x1b[58;2;1;2;3;1mx", "\x1b[1mx\x1b[22m"},
		{"out of range palette index", "\x1b[38;5;300mx", "x"},
		{"out of range rgb", "\x1b[38;2;1;2;999mx", "x"},
		{"truncated extended colour", "\x1b[38;5mx", "x"},
		{"huge parameter", "\x1b[99999999999999999999999mx", "x"},
		{"blink and conceal are dropped", "\x1b[5;8mhidden", "hidden"},
		{"text in its own background stays readable", "\x1b[30;40mx", "\x1b[30mx\x1b[39m"},
		{"near-equal truecolour", "\x1b[38;2;0;0;0;48;2;0;0;1mx", "\x1b[38;2;0;0;0mx\x1b[39m"},
		{"basic colour on its own 256-colour index", "\x1b[30;48;5;0mx", "\x1b[30mx\x1b[39m"},
		{"basic colour on its own truecolour", "\x1b[97;48;2;255;255;255mx", "\x1b[97mx\x1b[39m"},
		{"256-colour on a truecolour a step away", "\x1b[38;5;196;48;2;250;0;0mx", "\x1b[38;5;196mx\x1b[39m"},
		{"neighbours on the grey ramp", "\x1b[38;5;232;48;5;234mx", "\x1b[38;5;232mx\x1b[39m"},
		{"black on dark navy", "\x1b[30;48;2;0;0;90mx", "\x1b[30mx\x1b[39m"},
		{"reverse changes nothing", "\x1b[7;38;2;9;9;9;48;2;10;10;10mx", "\x1b[7;38;2;9;9;9mx\x1b[27;39m"},
		{"dim text on a background it no longer stands out from", "\x1b[2;38;5;240;48;5;236mx", "\x1b[2;38;5;240mx\x1b[22;39m"},
		{"the same colours undimmed are readable", "\x1b[38;5;240;48;5;236mx", "\x1b[38;5;240;48;5;236mx\x1b[39;49m"},
		{"black on white keeps its background", "\x1b[30;47mx", "\x1b[30;47mx\x1b[39;49m"},
		{"blue on black keeps its background", "\x1b[34;40mx", "\x1b[34;40mx\x1b[39;49m"},
		{"white on blue keeps its background", "\x1b[97;44mx", "\x1b[97;44mx\x1b[39;49m"},
		{"a background alone is kept", "\x1b[48;2;0;0;1mx", "\x1b[48;2;0;0;1mx\x1b[49m"},
		{"a close background set after the text colour", "\x1b[31mx\x1b[48;5;160my", "\x1b[31mxy\x1b[39m"},
		{"many parameters are bounded", "\x1b[" + repeat("1;", 1000) + "31mx", "\x1b[1mx\x1b[22m"},
		{"private prefix is not SGR", "\x1b[>4;2mx", "\x1b[2m␛[>4;2m\x1b[22mx"},
		{"intermediate byte is not SGR", "\x1b[1 mx", "\x1b[2m␛[1 m\x1b[22mx"},
		{"colour across visible escape", "\x1b[31ma\x07b", "\x1b[31ma\x1b[2;39m␇\x1b[22;31mb\x1b[39m"},
		{"reset at end not repeated", "\x1b[31mx\x1b[m", "\x1b[31mx\x1b[39m"},
		{"bold stays when dim goes", "\x1b[1;2mx\x1b[22;1my", "\x1b[1;2mx\x1b[22;1my\x1b[22m"},
		{"dim to bold", "\x1b[2mx\x1b[22;1my", "\x1b[2mx\x1b[22;1my\x1b[22m"},
		{"colour kept over a program reset of another attribute", "\x1b[31;1mx\x1b[22my", "\x1b[1;31mx\x1b[22my\x1b[39m"},
		{"style around wide chars", "\x1b[32m日本\x1b[m語", "\x1b[32m日本\x1b[39m語"},
		{"SGR only", "\x1b[31m\x1b[m", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Line([]byte(tt.in), Options{Color: true, MarkStyle: true})
			if err := checkSafe(r); err != nil {
				t.Fatal(err)
			}
			if r.Styled != tt.want {
				t.Errorf("Styled %q, want %q", r.Styled, tt.want)
			}
			// Without colour nothing but the text is left.
			plain := Line([]byte(tt.in), Options{MarkStyle: true})
			if plain.Styled != plain.Plain || plain.Plain != r.Plain {
				t.Errorf("without colour: Styled %q Plain %q, want %q", plain.Styled, plain.Plain, r.Plain)
			}
		})
	}
}

// TestUsualPairsKeepTheirBackground checks the pairs minContrast promises
// to keep, and a pair on each side of the threshold.
func TestUsualPairsKeepTheirBackground(t *testing.T) {
	for _, tc := range []struct {
		sgr  string
		keep bool
	}{
		{"37;41", true}, {"37;42", true}, {"37;44", true}, {"97;41", true}, {"97;42", true}, {"97;44", true},
		{"30;43", true}, {"30;46", true}, {"30;103", true}, {"34;40", true}, {"31;47", true}, {"37;45", true},
		{"38;5;250;48;5;238", true}, {"38;2;0;0;0;48;2;0;0;200", true},
		{"33;43", false}, {"37;47", false}, {"37;107", false}, {"31;101", false}, {"38;2;0;0;0;48;2;0;0;150", false},
	} {
		r := Line([]byte("\x1b["+tc.sgr+"mx"), Options{Color: true})
		// The style x is drawn with is set by the first sequence.
		first, _, _ := strings.Cut(strings.TrimPrefix(r.Styled, "\x1b["), "m")
		kept := applySGR(style{}, splitSGR([]byte(first), nil)).bg.kind != colorNone
		if kept != tc.keep {
			t.Errorf("%s: background kept %v, want %v (%q)", tc.sgr, kept, tc.keep, r.Styled)
		}
	}
}

func TestMarkStyleNeedsColor(t *testing.T) {
	r := Line([]byte("a\x07"), Options{Color: true})
	if r.Styled != "a␇" {
		t.Errorf("visible escape styled without MarkStyle: %q", r.Styled)
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}
