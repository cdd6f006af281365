package main

import (
	"errors"
	"testing"

	"sandtail/engine"
	"sandtail/resumecmd"
	"sandtail/tui"
)

// TestPrintAndViewerResumeCommandsAgree builds, for the same sandbox and
// cursor, print mode's resume command and the command the viewer's Y
// copies: apart from print mode's own flags they are the same, so --home,
// --dir and --source follow one set of rules.
func TestPrintAndViewerResumeCommandsAgree(t *testing.T) {
	t.Setenv("MSB_HOME", "/home/u/.microsandbox")
	t.Chdir(t.TempDir())
	p := engine.Position{Inode: 7, Offset: 42}
	all := engine.NewCursor(p, p, p) // a read of every source, as the viewer's
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"devbox", "--source", "all"}, "sandtail devbox --from " + all.String()},
		{[]string{"devbox", "--source", "all", "--home", "/home/u/.microsandbox"}, "sandtail devbox --from " + all.String()},
		{[]string{"devbox", "--source", "all", "--home", "/srv/other home"}, "sandtail devbox --home '/srv/other home' --from " + all.String()},
		{[]string{"--dir", "/logs/x\x1b[201~\ntouch pwned", "--source", "all"}, `sandtail --dir $'/logs/x\x1b[201~\ntouch pwned' --from ` + all.String()},
		{[]string{"--dir", "/logs/x", "--source", "all", "--until", "2026-04-30T21:00:00.5Z"}, "sandtail --dir /logs/x --from " + all.String() + " --until 2026-04-30T21:00:00.5Z"},
	} {
		o, err := parseArgs(tc.args, testNow)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		tg := target{name: o.name, dir: o.dir, home: o.home}
		printed := resumecmd.Build(resumeSpec(o, tg, all)).String()
		copied := resumecmd.Build(tui.ResumeSpec(uiConfig(o, tg), engine.AllSources, all, 1)).String()
		if printed != copied {
			t.Errorf("%q: print mode resumes with\n  %s\nthe viewer copies\n  %s", tc.args, printed, copied)
		}
		if printed != tc.want {
			t.Errorf("%q:\n got  %s\n want %s", tc.args, printed, tc.want)
		}
	}
	// A relative --dir is made absolute for both: the partner's shell is
	// elsewhere.
	o, _ := parseArgs([]string{"--dir", "logs", "--source", "all"}, testNow)
	tg := target{dir: o.dir}
	printed := resumecmd.Build(resumeSpec(o, tg, all)).Args()
	copied := resumecmd.Build(tui.ResumeSpec(uiConfig(o, tg), engine.AllSources, all, 1)).Args()
	if printed[2] != copied[2] || printed[2][0] != '/' {
		t.Errorf("relative --dir: print mode %q, viewer %q", printed[2], copied[2])
	}
}

// TestFromWithoutSourceReadsWhatTheCursorCovers: a cursor with a position
// for every log file came from a read of every source, so it is read that
// way without --source (it would not fit the default set); a one-position
// cursor reads the default sources; --source still decides when given.
func TestFromWithoutSourceReadsWhatTheCursorCovers(t *testing.T) {
	p := engine.Position{Inode: 1, Offset: 2}
	for _, tc := range []struct {
		args []string
		want engine.Sources
	}{
		{[]string{"x", "--from", engine.NewCursor(p, p, p).String()}, engine.AllSources},
		{[]string{"x", "--from", engine.NewCursor(p).String()}, engine.DefaultSources},
		{[]string{"x", "--from", engine.NewCursor(p, p, p).String(), "--source", "stdout,system"}, engine.Sources(0).With(engine.Stdout).With(engine.System)},
		{[]string{"x"}, 0},
	} {
		o, err := parseArgs(tc.args, testNow)
		if err != nil {
			t.Fatal(err)
		}
		if got := readSources(o); got != tc.want {
			t.Errorf("%q reads %b, want %b", tc.args, got, tc.want)
		}
	}
}

func TestLineFlag(t *testing.T) {
	c := engine.NewCursor(engine.Position{Inode: 1, Offset: 2}).String()
	o, err := parseArgs([]string{"x", "--from", c, "--line", "3"}, testNow)
	if err != nil || o.line != 3 || uiConfig(o, target{name: "x"}).Line != 3 {
		t.Fatalf("--line 3: %v %+v", err, o)
	}
	for _, args := range [][]string{
		{"x", "--line", "2"},
		{"x", "--from", c, "--line", "0"},
		{"x", "--from", c, "--line", "two"},
	} {
		var ue *usageError
		if _, err := parseArgs(args, testNow); !errors.As(err, &ue) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
}
