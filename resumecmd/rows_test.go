package resumecmd

import (
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
)

// TestRowsPasteAsTheSameCommand lays commands out at several widths and
// runs the rows, newlines and all, as a bash script: each must give the
// command's exact arguments, with every row within the width and free of
// control characters. That is what a mouse selection across the rows
// pastes.
func TestRowsPasteAsTheSameCommand(t *testing.T) {
	bash := needBash(t)
	p := engine.Position{Inode: 1 << 40, Offset: 123456789}
	cur := engine.NewCursor(p, p, p)
	specs := []Spec{
		{Name: "devbox", Cursor: cur},
		{Name: "devbox", Home: "/srv/other home/with a rather long name/.microsandbox", Cursor: cur, Line: 12},
		{Dir: "/logs/x\x1b[201~\ntouch pwned/" + strings.Repeat("deep/", 20) + "ünï日本/it's", Cursor: cur, Sources: engine.DefaultSources, Until: time.Date(2026, 4, 30, 21, 0, 0, 5e8, time.UTC)},
		{Dir: "/" + strings.Repeat("x", 300), Cursor: engine.NewCursor(p), Follow: true, JSON: true},
	}
	for _, s := range specs {
		c := Build(s)
		want := strings.Join(c.Args()[1:], "\x00") + "\x00"
		for _, w := range []int{12, 20, 40, 79, 200} {
			rows := c.Rows(w)
			for i, r := range rows {
				if n := ansi.StringWidth(r); n > w {
					t.Errorf("width %d: row %d is %d cells: %q", w, i, n, r)
				}
				if bad := controlIn(r); bad != "" {
					t.Errorf("width %d: row %d holds %s: %q", w, i, bad, r)
				}
			}
			script := "sandtail() { printf '%s\\0' \"$@\"; }\n" + strings.Join(rows, "\n") + "\n"
			out, err := exec.Command(bash, "--norc", "--noprofile", "-c", script).Output()
			if err != nil {
				t.Fatalf("width %d: bash: %v\n%s", w, err, script)
			}
			if string(out) != want {
				t.Errorf("width %d: the rows\n%s\nrun as %q, want %q", w, strings.Join(rows, "\n"), out, want)
			}
		}
		if one := c.Rows(10000); len(one) != 1 || one[0] != c.String() {
			t.Errorf("a wide pane shows %q, want the one-line %q", one, c.String())
		}
	}
}

func TestBuildRules(t *testing.T) {
	t.Setenv("MSB_HOME", "/home/u/.microsandbox")
	p := engine.Position{Inode: 3, Offset: 9}
	all, one := engine.NewCursor(p, p, p), engine.NewCursor(p)
	for _, tc := range []struct {
		s    Spec
		want string
	}{
		// The viewer reads every source: its cursor has three positions,
		// which a partner's sandtail reads that way without --source.
		{Spec{Name: "devbox", Home: "/home/u/.microsandbox", Cursor: all, Sources: engine.AllSources}, "sandtail devbox --from " + all.String()},
		{Spec{Name: "devbox", Cursor: one, Sources: engine.DefaultSources}, "sandtail devbox --from " + one.String()},
		{Spec{Name: "devbox", Cursor: one, Sources: engine.Sources(0).With(engine.Stderr)}, "sandtail devbox --from " + one.String() + " --source stderr"},
		{Spec{Name: "devbox", Cursor: all, Sources: engine.Sources(0).With(engine.System)}, "sandtail devbox --from " + all.String() + " --source system"},
		{Spec{Name: "devbox", Home: "/other", Cursor: one, Line: 3}, "sandtail devbox --home /other --from " + one.String() + " --line 3"},
		{Spec{Name: "devbox", Cursor: one, Line: 1}, "sandtail devbox --from " + one.String()},
		{Spec{Dir: "/d", Cursor: one, Follow: true, Print: true}, "sandtail --dir /d --from " + one.String() + " --follow --print"},
	} {
		if got := Build(tc.s).String(); got != tc.want {
			t.Errorf("%+v:\n got  %s\n want %s", tc.s, got, tc.want)
		}
	}
}

// FuzzRows lays out a command with an arbitrary --dir at an arbitrary
// width: every row fits (from a width where one escaped byte fits) and is
// printable, and the rows, joined as the shell joins continued lines,
// split back into the command's arguments.
func FuzzRows(f *testing.F) {
	f.Add("/logs/x\x1b[201~\ntouch pwned", 12)
	f.Add(strings.Repeat("ü", 100), 9)
	f.Add("\xe6\x97\xa5\xe6", 10)
	f.Fuzz(func(t *testing.T, dir string, width int) {
		if width < 10 || width > 300 || dir == "" {
			return
		}
		c := Build(Spec{Dir: "/" + dir, Cursor: engine.NewCursor(engine.Position{Inode: 1, Offset: 2})})
		rows := c.Rows(width)
		for i, r := range rows {
			if n := ansi.StringWidth(r); n > width {
				t.Fatalf("row %d is %d cells, width %d: %q", i, n, width, r)
			}
			if bad := controlIn(r); bad != "" {
				t.Fatalf("row %d holds %s: %q", i, bad, r)
			}
		}
		joined := strings.ReplaceAll(strings.Join(rows, "\n"), "\\\n", "")
		got, ok := words(joined)
		want := c.Args()
		if !ok || strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Fatalf("rows %q read back as %q (ok %v), want %q", rows, got, ok, want)
		}
	})
}

// words splits a line into shell words of the forms Quote writes,
// separated by single spaces.
func words(line string) ([]string, bool) {
	var out []string
	for _, w := range splitUnquoted(line) {
		s, ok := unquote(w)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// splitUnquoted cuts line at the spaces outside quotes.
func splitUnquoted(line string) []string {
	var out []string
	start, quote, ansiC := 0, false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && (!quote || ansiC):
			i++
		case quote && c == '\'':
			quote = false
		case !quote && c == '\'':
			quote, ansiC = true, i > 0 && line[i-1] == '$'
		case !quote && c == ' ':
			out = append(out, line[start:i])
			start = i + 1
		}
	}
	return append(out, line[start:])
}

func TestBuildCloud(t *testing.T) {
	c := engine.NewCursor(engine.Position{Inode: 1, Offset: 2})
	got := Build(Spec{Name: "devbox", Home: "/elsewhere", Cloud: true, Cursor: c, Follow: true, Print: true}).String()
	if want := "sandtail --cloud devbox --from " + c.String() + " --follow --print"; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
