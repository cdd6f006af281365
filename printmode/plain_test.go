package printmode

import (
	"bufio"
	"bytes"
	"strings"
	"testing"
	"time"

	"sandtail/engine"
	"sandtail/settings"
)

func entry(sec int, src engine.Source, id uint64, d string) engine.Entry {
	return engine.Entry{
		Time: time.Date(2026, 4, 30, 20, 0, sec, 0, time.UTC), Source: src,
		Session: id, HasSession: src != engine.System, Data: []byte(d), File: "exec.log",
	}
}

func TestPlainPrinterJoinsAndReports(t *testing.T) {
	var out, errs bytes.Buffer
	w := bufio.NewWriter(&out)
	notes := &notifier{w: &errs, flushFirst: w}
	p := newPlainPrinter(w, notes, printOptions{timestamps: true, showID: true}, nil)
	gap := entry(5, engine.System, 0, "lost about 3 MiB")
	gap.Mark, gap.HasSession = engine.MarkGap, false
	big := entry(6, engine.Stderr, 2, "head of a huge record\n")
	big.Truncated = 9 << 20
	es := []engine.Entry{
		entry(1, engine.Stdout, 1, "hel"),
		entry(2, engine.Stdout, 2, "other\nsecond "),
		entry(3, engine.Stdout, 1, "lo\n"),
		entry(4, engine.Stdout, 2, "half"),
		gap, // closes every open line: the rest of it is lost
		big,
		entry(7, engine.Stdout, 3, "no newline at the end"),
	}
	if err := p.Write(es); err != nil {
		t.Fatal(err)
	}
	if err := p.Finish(); err != nil {
		t.Fatal(err)
	}
	want := "2026-04-30T20:00:02.000Z [2] other\n" +
		"2026-04-30T20:00:01.000Z [1] hello\n" +
		"2026-04-30T20:00:02.000Z [2] second half\n" +
		"2026-04-30T20:00:06.000Z [2] head of a huge record\n" +
		"2026-04-30T20:00:07.000Z [3] no newline at the end\n"
	if out.String() != want {
		t.Fatalf("stdout\n%s\nwant\n%s", out.String(), want)
	}
	for _, n := range []string{
		"sandtail: gap in exec.log at 2026-04-30T20:00:05.000Z: lost about 3 MiB\n",
		"sandtail: a stderr record in exec.log at 2026-04-30T20:00:06.000Z was too large: 9437184 bytes of it were dropped\n",
	} {
		if !strings.Contains(errs.String(), n) {
			t.Errorf("stderr %q lacks %q", errs.String(), n)
		}
	}
	// The gap notice comes after the lines printed before it.
	if i := strings.Index(out.String(), "second half"); i < 0 {
		t.Fatal("open line before the gap was not printed")
	}
}

func TestPlainPrinterSanitisesForATerminal(t *testing.T) {
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	p := newPlainPrinter(w, &notifier{w: &bytes.Buffer{}}, printOptions{sanitize: true}, nil)
	e := entry(1, engine.Stdout, 1, "x\x1b]52;c;cm0=\x07y \x1b[31mred\x1b[0m\tz\n")
	if err := p.Write([]engine.Entry{e}); err != nil {
		t.Fatal(err)
	}
	p.Finish()
	if s := out.String(); strings.ContainsAny(s, "\x1b\x07\t") || !strings.Contains(s, "red") || !strings.HasSuffix(s, "z\n") {
		t.Fatalf("sanitised output %q", s)
	}
	out.Reset()
	p = newPlainPrinter(w, &notifier{w: &bytes.Buffer{}}, printOptions{sanitize: true, color: true}, nil)
	p.Write([]engine.Entry{e})
	p.Finish()
	if s := out.String(); !strings.Contains(s, "\x1b[31mred") || strings.Contains(s, "]52;c;cm0=\x07") {
		t.Fatalf("coloured output %q", s)
	}
}

func TestNotifierSkippedOncePerTotal(t *testing.T) {
	var errs bytes.Buffer
	n := &notifier{w: &errs}
	n.skipped(0)
	n.skipped(2)
	n.skipped(2)
	n.skipped(5)
	if got := strings.Count(errs.String(), "skipped"); got != 2 {
		t.Fatalf("%d skipped notices, want 2: %q", got, errs.String())
	}
}

// TestPlainPrinterMarksOverwrittenText prints lines whose \b or \r hid text:
// on a terminal (or with --color given) the line carries the viewer's
// marker, so "rm -rf /\rls -la" cannot pass for "ls -la"; to a pipe the
// bytes are left as they are.
func TestPlainPrinterMarksOverwrittenText(t *testing.T) {
	es := []engine.Entry{
		entry(1, engine.Stdout, 1, "safe\b\b\b\bEVIL\n"),
		entry(2, engine.Stdout, 1, "rm -rf /\rls -la\n"),
		entry(3, engine.Stdout, 1, "progress 10%\rprogress 10%\n"), // rewritten the same: nothing hidden
	}
	for _, tc := range []struct {
		name string
		opts printOptions
		want string
	}{
		{"plain", printOptions{sanitize: true, showID: true},
			"[1] ⟲ EVIL\n[1] ⟲ ls -la /\n[1] progress 10%\n"},
		{"colour", printOptions{sanitize: true, color: true},
			"\x1b[2m⟲\x1b[22m EVIL\n\x1b[2m⟲\x1b[22m ls -la /\nprogress 10%\n"},
		{"pipe", printOptions{},
			"safe\b\b\b\bEVIL\nrm -rf /\rls -la\nprogress 10%\rprogress 10%\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			w := bufio.NewWriter(&out)
			p := newPlainPrinter(w, &notifier{w: &bytes.Buffer{}}, tc.opts, nil)
			if err := p.Write(es); err != nil {
				t.Fatal(err)
			}
			if err := p.Finish(); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want {
				t.Fatalf("printed %q, want %q", out.String(), tc.want)
			}
		})
	}
}

func TestPlainOptions(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm-256color")
	for _, tc := range []struct {
		cfg       Config // --color as the command line sets it
		term      bool
		san, colr bool
	}{
		{Config{}, false, false, false},                                            // pipe: bytes as written
		{Config{}, true, true, true},                                               // terminal: sanitised, colour
		{Config{Color: settings.ColorNever, ColorGiven: true}, true, true, false},  // terminal, no colour
		{Config{Color: settings.ColorNever, ColorGiven: true}, false, true, false}, // --color never to a pipe
		{Config{Color: settings.ColorAlways, ColorGiven: true}, false, true, true}, // --color always to a pipe
		{Config{Color: settings.ColorAuto, ColorGiven: true}, false, false, false}, // --color auto to a pipe
	} {
		po := plainOptions(tc.cfg, tc.term)
		if po.sanitize != tc.san || po.color != tc.colr {
			t.Errorf("%+v term=%v: sanitize %v colour %v, want %v %v", tc.cfg, tc.term, po.sanitize, po.color, tc.san, tc.colr)
		}
	}
	t.Setenv("NO_COLOR", "1")
	if po := plainOptions(Config{}, true); !po.sanitize || po.color {
		t.Errorf("NO_COLOR on a terminal: %+v", po)
	}
}
