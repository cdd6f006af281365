package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"sandtail/engine"
	"sandtail/settings"
	"sandtail/tui"
)

var testNow = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

func TestParseArgsFlagsAfterName(t *testing.T) {
	o, err := parseArgs([]string{"devbox", "-f", "--json", "--source", "stderr,system", "--tail", "5", "--show-id", "--timestamps", "--color=never"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if o.name != "devbox" || !o.follow || !o.json || !o.print || o.tail != 5 || !o.showID || !o.timestamps {
		t.Fatalf("parsed %+v", o)
	}
	if o.sources != engine.Sources(0).With(engine.Stderr).With(engine.System) {
		t.Fatalf("sources = %b", o.sources)
	}
	if o.color != settings.ColorNever || !o.colorGiven {
		t.Fatalf("color = %v given %v", o.color, o.colorGiven)
	}
	if o.buffer != settings.DefaultBuffer {
		t.Fatalf("buffer = %d", o.buffer)
	}
}

func TestParseArgsDefaultsAndAliases(t *testing.T) {
	o, err := parseArgs([]string{"--follow", "--buffer", "10", "--mouse", "--", "x1"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !o.follow || o.buffer != 10 || !o.mouse || o.name != "x1" || o.print || o.sources != 0 {
		t.Fatalf("parsed %+v", o)
	}
	if o.color != settings.ColorAuto || o.colorGiven {
		t.Fatalf("color %v given %v", o.color, o.colorGiven)
	}
}

func TestParseArgsSinceUntilFrom(t *testing.T) {
	o, err := parseArgs([]string{"b", "--since", "90m", "--until", "2026-05-01T11:59:00.5Z"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if want := testNow.Add(-90 * time.Minute); !o.since.Equal(want) {
		t.Fatalf("since = %v, want %v", o.since, want)
	}
	if want := time.Date(2026, 5, 1, 11, 59, 0, 5e8, time.UTC); !o.until.Equal(want) {
		t.Fatalf("until = %v, want %v", o.until, want)
	}
	if s := startOf(o); s.Kind != engine.StartSince || !s.Since.Equal(o.since) {
		t.Fatalf("start = %+v", s)
	}
	c := engine.NewCursor(engine.Position{Inode: 42, Offset: 7})
	o, err = parseArgs([]string{"b", "--from", c.String()}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if s := startOf(o); s.Kind != engine.StartCursor || s.Cursor != c {
		t.Fatalf("start = %+v", s)
	}
	o.lenient = true
	if s := startOf(o); s.Kind != engine.StartLenient || s.Cursor != c {
		t.Fatalf("lenient start = %+v", s)
	}
}

func TestParseAgo(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"30s": 30 * time.Second, "5m": 5 * time.Minute, "2h": 2 * time.Hour,
		"1d": 24 * time.Hour, "2d12h": 60 * time.Hour, "1h30m": 90 * time.Minute, "5m ago": 5 * time.Minute,
	} {
		got, ok := parseAgo(in)
		if !ok || got != want {
			t.Errorf("parseAgo(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "0s", "-5m", "d", "xd", "5", "yesterday", "1d-1h"} {
		if got, ok := parseAgo(in); ok {
			t.Errorf("parseAgo(%q) = %v, want failure", in, got)
		}
	}
}

func TestParseArgsUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--bogus"}, "unknown flag --bogus"},
		{[]string{"-x"}, "unknown flag -x"},
		{[]string{"--dir"}, "--dir needs a value"},
		{[]string{"--follow=maybe"}, "want true or false"},
		{[]string{"a", "b", "--dir", "/tmp"}, "and --dir"},
		{[]string{"a", "b", "--from", "AQ=="}, "--from takes a cursor of one sandbox"},
		{[]string{"--all", "--line", "2"}, "--from takes a cursor of one sandbox"},
		{[]string{"--all", "a"}, "drop the NAME"},
		{[]string{"--all", "--demo"}, "--demo runs its own"},
		{[]string{"a", "../b"}, "not a sandbox name"},
		{[]string{"a", "--dir", "/tmp"}, "not both"},
		{[]string{"--demo", "a"}, "--demo runs its own"},
		{[]string{"a", "--demo-rate", "5"}, "only applies with --demo"},
		{[]string{"--demo", "--demo-rate", "-1"}, "--demo-rate"},
		{[]string{"a", "--source", "stdout,nope"}, `unknown source "nope"`},
		{[]string{"a", "--source", ","}, "at least one"},
		{[]string{"a", "--since", "yesterday"}, "RFC 3339"},
		{[]string{"a", "--until", "2026-13-01"}, "--until"},
		{[]string{"a", "--since", "1h", "--until", "2h"}, "not after --since"},
		{[]string{"a", "--tail", "-1"}, "--tail"},
		{[]string{"a", "--tail", "ten"}, "--tail"},
		{[]string{"a", "--from", "AQ==", "--since", "1h"}, "give one"},
		{[]string{"a", "--color", "sometimes"}, "auto, always or never"},
		{[]string{"a", "--buffer", "0"}, "--buffer"},
		{[]string{"../etc"}, "not a sandbox name"},
		{[]string{".hidden"}, "not a sandbox name"},
		{[]string{strings.Repeat("a", 129)}, "not a sandbox name"},
		// The character named is the one in the name, not its first byte.
		{[]string{"gööd"}, `has 'ö' at byte 1`},
		{[]string{"ok\u202e"}, `has '\u202e' at byte 2`},
		{[]string{"a\xffb"}, "has the byte 0xff, which is not UTF-8, at byte 1"},
		{[]string{"--dir="}, "--dir needs a path"},
	} {
		_, err := parseArgs(tc.args, testNow)
		var ue *usageError
		if !errors.As(err, &ue) {
			t.Errorf("%q: err = %v, want a usage error", tc.args, err)
			continue
		}
		if !strings.Contains(ue.msg, tc.want) || strings.Contains(ue.msg, "\n") {
			t.Errorf("%q: message %q, want one line containing %q", tc.args, ue.msg, tc.want)
		}
		if code, _ := explain(err); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", tc.args, code, exitUsage)
		}
	}
}

func TestParseArgsBadCursorIsExit1(t *testing.T) {
	for _, c := range []string{"not base64!", "AQID", ""} {
		_, err := parseArgs([]string{"a", "--from", c}, testNow)
		var ce *cursorError
		if !errors.As(err, &ce) {
			t.Fatalf("--from %q: err = %v, want a cursor error", c, err)
		}
		if code, msg := explain(err); code != exitError || !strings.Contains(msg, "cursor") {
			t.Fatalf("--from %q: exit %d %q", c, code, msg)
		}
	}
}

func TestParseArgsHelp(t *testing.T) {
	for _, a := range []string{"-h", "--help", "-help"} {
		o, err := parseArgs([]string{a}, testNow)
		if errors.Is(err, flag.ErrHelp) {
			continue
		}
		if err != nil || !o.help {
			t.Fatalf("%s: %v %+v", a, err, o)
		}
	}
}

func TestUIConfig(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	o, err := parseArgs([]string{"devbox", "--buffer", "500", "--mouse", "--timestamps", "--show-id", "--source", "all", "--color", "always", "--until", "1h"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	cfg := uiConfig(o, target{name: "devbox", dir: "/h/sandboxes/devbox/logs", home: "/h"})
	want := tui.Config{
		Name: "devbox", Dir: "/h/sandboxes/devbox/logs", Home: "/h",
		Sources: engine.AllSources, Start: engine.FromBeginning(), Until: o.until,
		Buffer: 500, Color: settings.ColorAlways, Timestamps: true, ShowID: true, Mouse: true, Holder: true,
	}
	if cfg != want {
		t.Fatalf("config\n got %+v\nwant %+v", cfg, want)
	}
	o, err = parseArgs([]string{"devbox", "--holder=false"}, testNow)
	if err != nil || uiConfig(o, target{}).Holder {
		t.Fatalf("--holder=false: %v, holder %v", err, o != nil && o.holder)
	}
	// Real-time priority is opt-in, and needs the holder.
	if cfg.HolderRealtime {
		t.Fatal("the holder asks for real-time priority by default")
	}
	o, err = parseArgs([]string{"devbox", "--holder-realtime"}, testNow)
	if err != nil || !uiConfig(o, target{}).HolderRealtime {
		t.Fatalf("--holder-realtime: %v", err)
	}
	if _, err := parseArgs([]string{"devbox", "--holder-realtime", "--holder=false"}, testNow); err == nil || !strings.Contains(err.Error(), "--holder-realtime") {
		t.Fatalf("--holder-realtime with --holder=false: %v", err)
	}
	t.Setenv("NO_COLOR", "1")
	o.color = settings.ColorAuto
	if c := uiConfig(o, target{}).Color; c != settings.ColorNever {
		t.Fatalf("NO_COLOR: color %v", c)
	}
}

func TestResumeCommand(t *testing.T) {
	c := engine.NewCursor(engine.Position{Inode: 1, Offset: 2})
	o, _ := parseArgs([]string{"devbox", "-f", "--json", "--source", "stdout,system"}, testNow)
	got := resumeCommand(o, target{name: "devbox"}, c)
	want := "sandtail devbox --from " + c.String() + " --source stdout,system --follow --json"
	if got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	o, _ = parseArgs([]string{"--dir", "/tmp/my logs", "--print"}, testNow)
	got = resumeCommand(o, target{dir: "/tmp/my logs"}, c)
	if want := "sandtail --dir '/tmp/my logs' --from " + c.String() + " --print"; got != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

// TestBufferDefaultIsShared: without --buffer the command line hands the
// viewer settings.DefaultBuffer, the viewer's own default is the same, and
// --help states that number.
func TestBufferDefaultIsShared(t *testing.T) {
	o, err := parseArgs([]string{"devbox"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if o.buffer != settings.DefaultBuffer || tui.DefaultBuffer != settings.DefaultBuffer {
		t.Fatalf("--buffer default %d, viewer %d, settings %d", o.buffer, tui.DefaultBuffer, settings.DefaultBuffer)
	}
	if want := fmt.Sprintf("(default %d)", settings.DefaultBuffer); !strings.Contains(helpText, want) {
		t.Fatalf("--help does not say %q", want)
	}
}

func TestParseArgsHoldBudget(t *testing.T) {
	for in, want := range map[string]int64{"64MiB": 64 << 20, "1GiB": 1 << 30, "0": -1, "4096": 4096} {
		o, err := parseArgs([]string{"devbox", "--hold-budget", in}, testNow)
		if err != nil || o.holdBudget != want {
			t.Errorf("--hold-budget %s: %d, %v; want %d", in, o.holdBudget, err, want)
		}
	}
	if o, err := parseArgs([]string{"devbox"}, testNow); err != nil || o.holdBudget != 0 {
		t.Fatalf("default: %d, %v", o.holdBudget, err)
	}
	_, err := parseArgs([]string{"devbox", "--hold-budget", "lots"}, testNow)
	var ue *usageError
	if !errors.As(err, &ue) || !strings.Contains(ue.msg, "--hold-budget") {
		t.Fatalf("a bad size: %v", err)
	}
}

func TestParseArgsSeveralSandboxes(t *testing.T) {
	o, err := parseArgs([]string{"a", "-f", "b", "a", "c"}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if o.name != "" || strings.Join(o.names, ",") != "a,b,c" || !o.multi() || !o.follow {
		t.Fatalf("name %q names %q", o.name, o.names)
	}
	// The same name twice is one sandbox.
	if o, err = parseArgs([]string{"a", "a"}, testNow); err != nil || o.name != "a" || o.multi() {
		t.Fatalf("a a: %v %+v", err, o)
	}
	if o, err = parseArgs([]string{"--all", "--json"}, testNow); err != nil || !o.all || !o.multi() {
		t.Fatalf("--all: %v %+v", err, o)
	}
}
