package sanitize

import "testing"

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
