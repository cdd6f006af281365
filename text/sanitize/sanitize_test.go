package sanitize

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"sandtail/engine/sim"
)

// TestAttacks covers every attack docs/untrusted-text.md names, in the normal view without
// colour: each is dropped or shown visibly, and never passed through.
func TestAttacks(t *testing.T) {
	long := strings.Repeat("A", 200)
	tests := []struct {
		name, in, want string
		overstruck     bool
	}{
		{"OSC 52 clipboard write (BEL)", "\x1b]52;c;cm0gLXJmIH4=\x07after", "␛]52;c;cm0gLXJmIH4=␇after", false},
		{"OSC 52 long payload is cut short", "\x1b]52;c;" + long + "\x1b\\x", "␛]52;c;" + long[:41] + "…x", false},
		{"OSC 0 title (BEL)", "\x1b]0;pwned\x07ok", "␛]0;pwned␇ok", false},
		{"OSC 2 title (ST)", "\x1b]2;pwned\x1b\\ok", "␛]2;pwned␛\\ok", false},
		{"title report request", "\x1b[21tok", "␛[21tok", false},
		{"OSC 8 lying link keeps only its text", "\x1b]8;;https://evil.example/\x1b\\https://good.example/\x1b]8;;\x1b\\ end",
			"https://good.example/ end", false},
		{"DCS (XTGETTCAP)", "\x1bP+q544e\x1b\\x", "␛P+q544e␛\\x", false},
		{"DCS (DECRQSS)", "\x1bP$qm\x1b\\x", "␛P$qm␛\\x", false},
		{"APC (kitty graphics)", "\x1b_Gf=100;AAAA\x1b\\x", "␛_Gf=100;AAAA␛\\x", false},
		{"PM", "\x1b^private\x1b\\x", "␛^private␛\\x", false},
		{"SOS", "\x1bXstring\x1b\\x", "␛Xstring␛\\x", false},
		{"erase display", "a\x1b[2Jb", "a␛[2Jb", false},
		{"erase scrollback", "a\x1b[3Jb", "a␛[3Jb", false},
		{"cursor moves", "\x1b[10;20Hx\x1b[5Ay\x1b[3Cz\x1b[2Dw", "␛[10;20Hx␛[5Ay␛[3Cz␛[2Dw", false},
		{"save and restore cursor", "\x1b7x\x1b8", "␛7x␛8", false},
		{"alt screen", "\x1b[?1049hx", "␛[?1049hx", false},
		{"mouse mode", "\x1b[?1000h\x1b[?1006hx", "␛[?1000h␛[?1006hx", false},
		{"primary device attributes", "\x1b[cx", "␛[cx", false},
		{"secondary device attributes", "\x1b[>cx", "␛[>cx", false},
		{"cursor position report", "\x1b[6nx", "␛[6nx", false},
		{"mode report request", "\x1b[?2026$px", "␛[?2026$px", false},
		{"terminal reset", "\x1bcx", "␛cx", false},
		{"raw C1 CSI byte", "a\x9b2Jb", `a\x9b2Jb`, false},
		{"raw C1 OSC byte", "\x9d0;t\x07x", `\x9d0;t␇x`, false},
		{"C1 control as UTF-8", "a\u009b2Jb", "a<U+009B>2Jb", false},
		{"bidi override", "file\u202Etxt.exe", "file<U+202E>txt.exe", false},
		{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", "<U+2066>a<U+2067>b<U+2068>c<U+2069>", false},
		{"bidi marks", "a\u200Fb\u200Ec\u061C", "a<U+200F>b<U+200E>c<U+061C>", false},
		{"line separator", "a\u2028b", "a<U+2028>b", false},
		{"invisible tag text", "ok\U000E0041\U000E0042", "ok<U+E0041><U+E0042>", false},
		{"carriage return overstrike", "rm -rf /\rls -la", "ls -la /", true},
		{"backspace overstrike", "safe\b\b\b\bevil", "evil", true},
		{"erase after carriage return", "secret\r\x1b[K", "", true},
		{"erase whole line", "secret\r\x1b[2Kshown", "shown", true},
		{"cursor to column 1", "10%\x1b[1G20%", "20%", true},
		{"BEL", "ding\x07", "ding␇", false},
		{"NUL and DEL", "a\x00b\x7f", "a␀b␡", false},
		{"newline inside a line", "a\nb", "a␤b", false},
		{"vertical tab and form feed", "a\vb\fc", "a␋b␌c", false},
		{"8-bit ST ends a string", "\x1b]0;t\x9cafter", `␛]0;t\x9cafter`, false},
		{"CAN cancels a string", "\x1b]0;t\x18x", "␛]0;t␘x", false},
		{"ESC inside a string cancels it", "\x1b]0;t\x1b[31mx", "␛]0;tx", false},
		{"unterminated OSC", "x\x1b]52;c;AAAA", "x␛]52;c;AAAA", false},
		{"unterminated OSC hides nothing after it", "\x1b]0;unterminated title with no end seq=123456789012\r",
			"␛]0;unterminated title with no end seq=123456789012", false},
		{"unterminated CSI", "x\x1b[12;", "x␛[12;", false},
		{"lone ESC at end", "x\x1b", "x␛", false},
		{"unterminated DCS", "x\x1bP1$r", "x␛P1$r", false},
		{"invalid CSI byte", "x\x1b[1\x01m", "x␛[1␁m", false},
		{"invalid UTF-8", "a\xffb\xc3", "a\uFFFDb\uFFFD", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, opt := range []Options{{}, {Color: true, MarkStyle: true}} {
				r := Line([]byte(tt.in), opt)
				if err := checkSafe(r); err != nil {
					t.Fatalf("%+v: %v", opt, err)
				}
				if r.Plain != tt.want {
					t.Errorf("%+v: Plain %q, want %q", opt, r.Plain, tt.want)
				}
				if r.Overstruck != tt.overstruck {
					t.Errorf("%+v: Overstruck %v, want %v", opt, r.Overstruck, tt.overstruck)
				}
			}
		})
	}
}

// TestRaw checks that the raw view shows every control and sequence, SGR
// included, and resolves nothing.
func TestRaw(t *testing.T) {
	tests := []struct{ in, want string }{
		{"rm -rf /\rls -la", "rm -rf /␍ls -la"},
		{"a\tb\bc\n", "a␉b␈c␤"},
		{"\x1b[31mred\x1b[m", "␛[31mred␛[m"},
		{"\x1b]8;;http://x\x1b\\t\x1b]8;;\x1b\\", "␛]8;;http://x␛\\t␛]8;;␛\\"},
		{"\x1b[K\x1b[?25l\x1b(B", "␛[K␛[?25l␛(B"},
		{"\x1b]52;c;" + strings.Repeat("A", 100) + "\x07", "␛]52;c;" + strings.Repeat("A", 100) + "␇"},
	}
	for _, tt := range tests {
		r := Line([]byte(tt.in), Options{Raw: true})
		if err := checkSafe(r); err != nil {
			t.Fatal(err)
		}
		if r.Plain != tt.want || r.Overstruck {
			t.Errorf("raw %q: %q overstruck=%v, want %q", tt.in, r.Plain, r.Overstruck, tt.want)
		}
	}
	// With colour, raw still applies SGR as well as showing it.
	r := Line([]byte("\x1b[31mred"), Options{Raw: true, Color: true})
	if want := "␛[31m\x1b[31mred\x1b[39m"; r.Styled != want {
		t.Errorf("raw colour: %q, want %q", r.Styled, want)
	}
}

// TestQuietSequences checks the sequences the normal view drops without a
// trace because shells and progress bars emit them constantly.
func TestQuietSequences(t *testing.T) {
	tests := []struct{ in, want string }{
		{"\x1b[?25lspinner\x1b[?25h", "spinner"},
		{"\x1b[?2004hprompt$ \x1b[?2004l", "prompt$ "},
		{"\x1b(Bplain\x1b)0", "plain"},
		{"50%\x1b[K", "50%"},
	}
	for _, tt := range tests {
		r := Line([]byte(tt.in), Options{})
		if r.Plain != tt.want || r.Overstruck {
			t.Errorf("%q: %q overstruck=%v, want %q", tt.in, r.Plain, r.Overstruck, tt.want)
		}
	}
}

func TestOverstrike(t *testing.T) {
	tests := []struct {
		name, in, want string
		overstruck     bool
	}{
		{"CRLF leftover is not an overstrike", "line\r", "line", false},
		{"rewriting the same text hides nothing", "abc\rabc", "abc", false},
		{"writing over blanks hides nothing", "a   \rabcd", "abcd", false},
		{"progress bar", "10%\r20%\r30%", "30%", true},
		{"shorter text leaves the tail", "abcdef\rxy", "xycdef", true},
		{"carriage return then tab keeps text", "abcdefghij\r\tX", "abcdefghXj", true},
		{"backspace at start stays", "\b\bab", "ab", false},
		{"man page bold", "b\bbo\bold", "bold", false},
		{"man page underline", "_\bu", "u", true},
		{"narrow over wide leaves a blank", "日本\rx", "x 本", true},
		{"wide over narrow", "abc\r日", "日c", true},
		{"wide over two wide halves", "日本語\r a語", " a語語", true},
		{"backspace into a wide char", "日\bx", " x", true},
		{"erase to start", "abcdef\b\b\x1b[1K", "     f", true},
		{"erase to start, then write", "abcdef\b\b\x1b[1Kxy", "    xy", true},
		{"erase from the right half of a wide char", "a日b\b\b\x1b[K", "a", true},
		{"visible escapes take cells too", "abcdef\r\x1b[5A", "␛[5Aef", true},
		{"combining mark after carriage return", "ab\rx\u0301", "x\u0301b", true},
		{"styled overwrite", "\x1b[31mred\r\x1b[32mred", "red", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Line([]byte(tt.in), Options{Color: true})
			if err := checkSafe(r); err != nil {
				t.Fatal(err)
			}
			if r.Plain != tt.want || r.Overstruck != tt.overstruck {
				t.Errorf("%q: %q overstruck=%v, want %q overstruck=%v", tt.in, r.Plain, r.Overstruck, tt.want, tt.overstruck)
			}
		})
	}
}

func TestTabs(t *testing.T) {
	tests := []struct {
		in   string
		tab  int
		want string
	}{
		{"a\tb", 0, "a       b"},
		{"12345678\tx", 0, "12345678        x"},
		{"日\tx", 0, "日      x"},
		{"\x1b[31ma\x1b[m\tb", 0, "a       b"},
		{"a\tb", 4, "a   b"},
		{"a\t", 0, "a       "},
	}
	for _, tt := range tests {
		r := Line([]byte(tt.in), Options{TabWidth: tt.tab})
		if r.Plain != tt.want {
			t.Errorf("%q tab %d: %q, want %q", tt.in, tt.tab, r.Plain, tt.want)
		}
	}
}

// TestNoLeakBetweenCalls checks that parser state never carries over: the
// second half of a sequence split between two lines is plain text.
func TestUnterminatedShowsIntroducerOnly(t *testing.T) {
	r := Line([]byte("\x1b]0;ab\tc"), Options{Color: true, MarkStyle: true})
	if want := "\x1b[2m␛]\x1b[22m0;ab  c"; r.Styled != want {
		t.Errorf("Styled %q, want %q", r.Styled, want)
	}
}

func TestNoLeakBetweenCalls(t *testing.T) {
	opt := Options{Color: true}
	first := Line([]byte("a\x1b]0;ti"), opt)
	second := Line([]byte("tle\x07b\x1b[31"), opt)
	third := Line([]byte("mc"), opt)
	if first.Plain != "a␛]0;ti" || second.Plain != "tle␇b␛[31" || third.Plain != "mc" || third.Styled != "mc" {
		t.Errorf("state leaked: %q %q %q", first.Plain, second.Plain, third.Styled)
	}
}

func TestWidth(t *testing.T) {
	tests := []struct {
		name, in string
		width    int
	}{
		{"ascii", "hello", 5},
		{"CJK", "日本語", 6},
		{"emoji", "👍", 2},
		{"ZWJ family is taken apart", "👨\u200d👩\u200d👧", 6},
		{"flag", "🇺🇸", 2},
		{"combining", "e\u0301", 1},
		{"combining across a colour change", "e\x1b[31m\u0301", 1},
		{"zero width space", "a\u200bb", 2},
		{"leading combining mark is dropped", "\u0301x", 1},
		{"visible escape", "\x1b[2J", 4},
	}
	for _, tt := range tests {
		for _, opt := range []Options{{}, {Color: true}} {
			r := Line([]byte(tt.in), opt)
			if err := checkSafe(r); err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if r.Width != tt.width {
				t.Errorf("%s: width %d (%q), want %d", tt.name, r.Width, r.Plain, tt.width)
			}
		}
	}
}

// TestEmojiSequences checks that emoji sequences the renderer would measure
// rune by rune are taken apart, so both width methods agree.
func TestEmojiSequences(t *testing.T) {
	tests := []struct {
		name, in, want string
		width          int
	}{
		{"VS16", "⚠️ careful", "⚠ careful", 9},
		{"ZWJ family", "👨\u200d👩\u200d👧!", "👨👩👧!", 7},
		{"ZWJ profession", "🧑\u200d💻", "🧑💻", 4},
		{"skin tone", "👍🏽", "👍", 2},
		{"keycap", "1️⃣", "1", 1},
		{"VS16 across a colour change", "❤\x1b[31m\uFE0F", "❤", 1},
		{"skin tone across a colour change", "👍\x1b[31m🏽x", "👍x", 3},
		{"VS16 after overstrike", "abc\r❤\uFE0F", "❤bc", 3},
		{"flag stays", "🇺🇸", "🇺🇸", 2},
		{"half a flag is shown as a code", "a🇺b", "a<U+1F1FA>b", 11},
		{"simple emoji stay", "✅ 🚀", "✅ 🚀", 5},
		{"flag with tags stays", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F", 2},
		{"ZWJ between letters stays", "a\u200db", "a\u200db", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Line([]byte(tt.in), Options{Color: true})
			if err := checkSafe(r); err != nil {
				t.Fatal(err)
			}
			if r.Plain != tt.want || r.Width != tt.width {
				t.Errorf("%q: %q width %d, want %q width %d", tt.in, r.Plain, r.Width, tt.want, tt.width)
			}
			if wc := ansi.StringWidthWc(r.Plain); wc != r.Width {
				t.Errorf("%q: %d cells by runes, %d as graphemes", r.Plain, wc, r.Width)
			}
		})
	}
}

func TestMayHaveJoiner(t *testing.T) {
	for _, r := range []rune{0x200d, 0x20e3, 0xfe0e, 0xfe0f, 0x1f3fb, 0x1f3fc, 0x1f3fd, 0x1f3fe, 0x1f3ff} {
		if !joiner(r) || !mayHaveJoiner([]byte("a"+string(r))) || !mayHaveJoiner([]byte(string(r)+"b")) {
			t.Errorf("%U not found", r)
		}
	}
	for _, s := range []string{"", "ab", "日本語", "👍", "\u200c", "\ufe0d", "\U0001F3FA"} {
		if mayHaveJoiner([]byte(s)) {
			t.Errorf("%q has no joiner", s)
		}
	}
}

func TestZalgoCapped(t *testing.T) {
	zalgo := "Z" + strings.Repeat("\u0336\u0334", 50) + "a" + strings.Repeat("\u0489", 30) + "!"
	r := Line([]byte(zalgo), Options{})
	if err := checkSafe(r); err != nil {
		t.Fatal(err)
	}
	if r.Width != 3 {
		t.Errorf("width %d, want 3", r.Width)
	}
	if n := len([]rune(r.Plain)); n != 3+2*maxMarks {
		t.Errorf("%d runes kept (%q), want %d", n, r.Plain, 3+2*maxMarks)
	}
	// Marks arriving in separate runs (split by escapes) are capped as one.
	split := "e" + strings.Repeat("\x1b[m\u0301\u0302", 20)
	if r := Line([]byte(split), Options{}); len([]rune(r.Plain)) != 1+maxMarks {
		t.Errorf("split marks: %q", r.Plain)
	}
	// So are marks attached to a cell in overstrike mode.
	over := "ab\r" + "x" + strings.Repeat("\x1b[m\u0301", 20)
	if r := Line([]byte(over), Options{}); len([]rune(r.Plain)) != 2+maxMarks {
		t.Errorf("overstrike marks: %q", r.Plain)
	}
}

func TestPlain(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sandbox not found", "sandbox not found"},
		{"bad\nname\t\x1b]0;x\x07", "bad␤name␉␛]0;x␇"},
		{"\x1b[31mred", "␛[31mred"},
		{"\u202Eevil", "<U+202E>evil"},
		{"x\r y", "x␍ y"},
	}
	for _, tt := range tests {
		if got := Plain(tt.in); got != tt.want {
			t.Errorf("Plain(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := PlainLimit("hello\x1b world", 8); got != "hello␛ …" {
		t.Errorf("PlainLimit = %q", got)
	}
	if got := PlainLimit("short", 8); got != "short" {
		t.Errorf("PlainLimit = %q", got)
	}
}

// TestHostileCost checks that inputs built to make the layout quadratic or
// to amplify memory stay cheap: each is 400 KB of input.
func TestHostileCost(t *testing.T) {
	// Each input is made of n repetitions of a unit: built at a quarter of
	// the size too, to see how the cost grows.
	n := 100_000
	tests := map[string]func(n int) string{
		"repeated erase to start": func(n int) string { return strings.Repeat("A", n) + "\b\b" + strings.Repeat("\x1b[1K", n) },
		"repeated erase line":     func(n int) string { return strings.Repeat("A", n) + strings.Repeat("\r\x1b[2KA", n) },
		"marks onto a long grapheme": func(n int) string {
			return strings.Repeat("\u1100\x1b[m", n/4) + "\r" + strings.Repeat("\x1b[m\u0301", n)
		},
		"backspace storm":      func(n int) string { return strings.Repeat("AB\b\b", n) },
		"tab storm":            func(n int) string { return strings.Repeat("\t", n) },
		"escape storm":         func(n int) string { return strings.Repeat("\x1b", n) },
		"unterminated strings": func(n int) string { return strings.Repeat("\x1b]", n) },
	}
	for name, build := range tests {
		t.Run(name, func(t *testing.T) {
			in, quarter := build(n), build(n/4)
			opts := Options{Color: true, MarkStyle: true}
			r := Line([]byte(in), opts)
			// Linear, judged two ways in the same run (the fastest of
			// three runs each): against plain text of the same length,
			// and by how the cost grows from a quarter of the input to
			// all of it (4× when linear, 16× when quadratic). A loaded
			// machine can upset one measure now and then, not both; a
			// quadratic path fails both by far at this size.
			hostile := fastestOf(3, func() { Line([]byte(in), opts) })
			small := fastestOf(3, func() { Line([]byte(quarter), opts) })
			plain := fastestOf(3, func() { Line([]byte(strings.Repeat("A", len(in))), opts) })
			againstPlain := hostile > 200*plain+100*time.Millisecond
			growth := hostile > 10*small+20*time.Millisecond
			if againstPlain && growth {
				t.Errorf("took %v, plain text of the same length %v, a quarter of the input %v", hostile, plain, small)
			}
			if len(r.Styled) > 16*len(in) {
				t.Errorf("output %d bytes for %d of input", len(r.Styled), len(in))
			}
			if err := checkSafe(r); err != nil {
				t.Error(err)
			}
		})
	}
}

// fastestOf is the shortest of n runs of f.
func fastestOf(n int, f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range n {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}

// TestTextAfterAttacksSurvives runs the simulator's hostile lines (engine/sim
// hostilePayloads, each followed by a sequence token and CRLF) and checks
// that the token after each attack is still shown.
func TestTextAfterAttacksSurvives(t *testing.T) {
	payloads := sim.HostilePayloads()
	for _, p := range payloads {
		for _, opt := range []Options{{}, {Color: true, MarkStyle: true}, {Raw: true}} {
			r := Line([]byte(p+" seq=123456789012\r"), opt)
			if err := checkSafe(r); err != nil {
				t.Fatalf("%q: %v", p, err)
			}
			if !strings.Contains(r.Plain, " seq=123456789012") {
				t.Errorf("%q %+v: token lost in %q", p, opt, r.Plain)
			}
		}
	}
}

func TestLineStringSharesASCII(t *testing.T) {
	s := "plain line\r"
	r := LineString(s, Options{Color: true})
	if r.Plain != "plain line" || r.Styled != r.Plain || r.Width != 10 {
		t.Fatalf("%+v", r)
	}
	if allocs := testing.AllocsPerRun(100, func() { LineString(s, Options{}) }); allocs != 0 {
		t.Errorf("%v allocations for an ASCII line", allocs)
	}
	if r := LineString("a\x1b[2Jb", Options{}); r.Plain != "a␛[2Jb" {
		t.Errorf("slow path: %q", r.Plain)
	}
}
