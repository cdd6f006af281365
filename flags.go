package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"sandtail/engine"
	"sandtail/settings"
)

// defaultDemoRate is the demo's records per second: lively enough that the
// view moves and rotation happens within a minute, slow enough to read.
const defaultDemoRate = 120

// options is the parsed command line.
type options struct {
	name string // NAME argument; empty when absent or when several are given
	// names are the NAME arguments when more than one is given: read
	// together, merged (see multi.go).
	names []string
	all   bool   // --all: every sandbox under the home, new ones too
	cloud bool   // --cloud: NAME is a sandbox in microsandbox cloud
	dir   string // --dir
	home  string // --home

	sources engine.Sources // --source; zero when absent

	since, until time.Time
	tail         int
	from         engine.Cursor
	fromGiven    bool
	lenient      bool // --from's file rotated away: resume at the oldest data kept
	line         int  // --line: the viewer selects the line-th line after --from's cursor

	follow, print, json bool
	marks               bool // print only the lines marked in the viewer
	timestamps, showID  bool
	color               settings.ColorMode
	colorGiven          bool // --color was given explicitly
	version, help       bool

	demo     bool
	demoRate float64
	buffer   int
	mouse    bool
	holder   bool // follows hold rotated files through a helper process
	// holderRealtime has the helper ask for real-time priority (opt-in:
	// see engine.Options.HolderRealtime for the risk).
	holderRealtime bool
	// holdBudget is --hold-budget as engine.Options.HoldBudget takes it
	// (0: the default; --hold-budget 0 is -1, nothing kept).
	holdBudget int64
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// flagSet declares every flag on a fresh FlagSet bound to o, and returns the
// raw string values that are validated after parsing.
func flagSet(o *options) (*flag.FlagSet, *rawFlags) {
	fs := flag.NewFlagSet("sandtail", flag.ContinueOnError)
	fs.SetOutput(io.Discard) // errors and help are printed by run, in one line
	fs.Usage = func() {}
	r := &rawFlags{}
	fs.StringVar(&o.dir, "dir", "", "")
	fs.BoolVar(&o.cloud, "cloud", false, "")
	fs.StringVar(&o.home, "home", "", "")
	fs.StringVar(&r.source, "source", "", "")
	fs.StringVar(&r.since, "since", "", "")
	fs.StringVar(&r.until, "until", "", "")
	fs.StringVar(&r.tail, "tail", "", "")
	fs.StringVar(&r.from, "from", "", "")
	fs.StringVar(&r.line, "line", "", "")
	fs.BoolVar(&o.all, "all", false, "")
	fs.BoolVar(&o.follow, "follow", false, "")
	fs.BoolVar(&o.follow, "f", false, "")
	fs.BoolVar(&o.print, "print", false, "")
	fs.BoolVar(&o.json, "json", false, "")
	fs.BoolVar(&o.marks, "marks", false, "")
	fs.BoolVar(&o.timestamps, "timestamps", false, "")
	fs.BoolVar(&o.showID, "show-id", false, "")
	fs.StringVar(&r.color, "color", "auto", "")
	fs.BoolVar(&o.version, "version", false, "")
	fs.BoolVar(&o.help, "help", false, "")
	fs.BoolVar(&o.help, "h", false, "")
	fs.BoolVar(&o.demo, "demo", false, "")
	fs.Float64Var(&o.demoRate, "demo-rate", defaultDemoRate, "")
	fs.StringVar(&r.buffer, "buffer", strconv.Itoa(settings.DefaultBuffer), "")
	fs.BoolVar(&o.mouse, "mouse", false, "")
	fs.BoolVar(&o.holder, "holder", true, "")
	fs.BoolVar(&o.holderRealtime, "holder-realtime", false, "")
	fs.StringVar(&r.holdBudget, "hold-budget", "", "")
	return fs, r
}

// rawFlags holds flag values that need more than the flag package's parsing.
type rawFlags struct {
	source, since, until, tail, from, line, color, buffer, holdBudget string
}

// parseArgs parses the command line (without the program name). now is the
// reference for "30s ago"-style times; getenv reads NO_COLOR.
func parseArgs(args []string, now time.Time) (*options, error) {
	o := &options{}
	fs, r := flagSet(o)
	positional, err := parseInterleaved(fs, args)
	if err != nil {
		return nil, flagError(err)
	}
	if o.help || o.version {
		return o, nil
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	for _, name := range positional {
		// A name is checked before anything touches the disk: it is never a path.
		if err := engine.ValidateName(name); err != nil {
			return nil, usagef("%q is not a sandbox name: %v (names are 1-128 letters, digits, '.', '-' or '_', starting with a letter or digit)", name, err)
		}
	}
	if names := distinct(positional); len(names) == 1 {
		o.name = names[0]
	} else if len(names) > 1 {
		o.names = names
	}
	if err := checkMulti(o, set); err != nil {
		return nil, err
	}
	if set["dir"] && o.dir == "" {
		return nil, usagef("--dir needs a path")
	}
	if set["home"] && o.home == "" {
		return nil, usagef("--home needs a path")
	}
	if o.name != "" && o.dir != "" {
		return nil, usagef("give a sandbox NAME or --dir PATH, not both")
	}
	if o.demo && (o.name != "" || o.dir != "") {
		return nil, usagef("--demo runs its own simulated sandbox: drop the NAME or --dir")
	}
	if o.holderRealtime && !o.holder {
		return nil, usagef("--holder-realtime raises the helper's priority: drop --holder=false, or drop --holder-realtime")
	}
	if set["demo-rate"] && !o.demo {
		return nil, usagef("--demo-rate only applies with --demo")
	}
	if o.demoRate < 0 {
		return nil, usagef("--demo-rate must be 0 (flat out) or more records per second")
	}

	if set["source"] {
		src, err := parseSources(r.source)
		if err != nil {
			return nil, err
		}
		o.sources = src
	}
	if set["since"] {
		if o.since, err = parseTime("--since", r.since, now); err != nil {
			return nil, err
		}
	}
	if set["until"] {
		if o.until, err = parseTime("--until", r.until, now); err != nil {
			return nil, err
		}
	}
	if !o.since.IsZero() && !o.until.IsZero() && !o.until.After(o.since) {
		return nil, usagef("--until (%s) is not after --since (%s): nothing could match", o.until.Format(time.RFC3339), o.since.Format(time.RFC3339))
	}
	if set["tail"] {
		n, err := strconv.Atoi(r.tail)
		if err != nil || n < 0 {
			return nil, usagef("--tail %q: want a number of entries, 0 or more", r.tail)
		}
		o.tail = n
	}
	if set["from"] {
		if set["since"] {
			return nil, usagef("--from and --since both say where to start: give one")
		}
		c, err := engine.ParseCursor(strings.TrimSpace(r.from))
		if err != nil {
			// Not a usage mistake but a bad cursor: it exits 1, like
			// any error with the logs.
			return nil, &cursorError{err: err}
		}
		o.from, o.fromGiven = c, true
	}
	if set["hold-budget"] {
		n, err := parseSize(r.holdBudget)
		if err != nil {
			return nil, usagef("--hold-budget %q: %v", r.holdBudget, err)
		}
		o.holdBudget = n
		if n == 0 {
			o.holdBudget = -1 // keep nothing that can be let go of
		}
	}
	if set["line"] {
		n, err := strconv.Atoi(r.line)
		switch {
		case err != nil || n < 1:
			return nil, usagef("--line %q: want a line number, 1 or more", r.line)
		case !o.fromGiven:
			return nil, usagef("--line counts lines after the --from cursor: give --from too")
		}
		o.line = n
	}
	var ok bool
	if o.color, ok = settings.ParseColorMode(r.color); !ok {
		return nil, usagef("--color %q: want auto, always or never", r.color)
	}
	o.colorGiven = set["color"]
	n, err := strconv.Atoi(r.buffer)
	if err != nil || n < 1 {
		return nil, usagef("--buffer %q: want a number of lines, 1 or more", r.buffer)
	}
	o.buffer = n
	if o.json || o.marks {
		o.print = true
	}
	if err := checkCloudFlags(o, set); err != nil {
		return nil, err
	}
	return o, nil
}

// parseInterleaved parses flags that may come before or after the positional
// arguments (`sandtail devbox -f` and `sandtail -f devbox` are the same).
// Everything after a lone "--" is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// flagError turns the flag package's messages into GNU-style ones.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return err
	}
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		return usagef("unknown flag %s", dashed(name))
	}
	if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
		return usagef("%s needs a value", dashed(name))
	}
	if rest, ok := strings.CutPrefix(msg, "invalid boolean value "); ok {
		return usagef("invalid value %s (want true or false)", rest)
	}
	if rest, ok := strings.CutPrefix(msg, "invalid value "); ok {
		return usagef("invalid value %s", rest)
	}
	return usagef("%s", msg)
}

// dashed writes a flag name as a user would type it: -f, --follow.
func dashed(name string) string {
	name = strings.TrimLeft(name, "-")
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// parseSources parses --source: a comma list of stdout, stderr, output,
// system and all.
func parseSources(list string) (engine.Sources, error) {
	var s engine.Sources
	for _, part := range strings.Split(list, ",") {
		part = strings.ToLower(strings.TrimSpace(part))
		if part == "" {
			continue
		}
		if part == "all" {
			s = engine.AllSources
			continue
		}
		src, ok := engine.ParseSource(part)
		if !ok {
			return 0, usagef("--source %q: unknown source %q (want stdout, stderr, output, system or all, comma-separated)", list, part)
		}
		s = s.With(src)
	}
	if s == 0 {
		return 0, usagef("--source needs at least one of stdout, stderr, output, system, all")
	}
	return s, nil
}

// parseTime parses an RFC 3339 time or a duration ago: 30s, 5m, 2h, 1d, 1h30m.
func parseTime(flagName, v string, now time.Time) (time.Time, error) {
	v = strings.TrimSpace(v)
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t.UTC(), nil
	}
	if d, ok := parseAgo(v); ok {
		return now.Add(-d).UTC(), nil
	}
	return time.Time{}, usagef("%s %q: want an RFC 3339 time (2026-04-30T20:32:59Z) or a duration ago (30s, 5m, 2h, 1d)", flagName, v)
}

// parseAgo parses a positive duration, allowing a trailing or leading day
// count ("1d", "2d12h") besides what time.ParseDuration takes.
func parseAgo(v string) (time.Duration, bool) {
	v = strings.TrimSuffix(strings.TrimSpace(v), " ago")
	var days time.Duration
	if i := strings.IndexByte(v, 'd'); i > 0 {
		n, err := strconv.Atoi(v[:i])
		if err != nil || n < 0 || n > 100000 {
			return 0, false
		}
		days = time.Duration(n) * 24 * time.Hour
		v = v[i+1:]
		if v == "" {
			return days, days > 0
		}
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, false
	}
	d += days
	return d, d > 0
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
