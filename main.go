// Command sandtail shows the logs of microsandbox sandboxes: a terminal
// viewer for live tailing, post-mortem scrolling and pairing in tmux, and a
// print mode for scripts and pipes.
//
// This package is only the command line: it parses the flags, finds the
// sandbox (package lookup), and hands over to one of two front-ends over the
// same engine: tui.Run, the viewer, or printmode.Run, print mode. Both share
// the text pipeline (text/lines, text/sanitize, text/human), the colour
// decision and defaults (settings) and the resume command (resumecmd); see
// docs/architecture.md.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/charmbracelet/x/term"

	"sandtail/engine"
	"sandtail/lookup"
	"sandtail/printmode"
	"sandtail/resumecmd"
	"sandtail/text/sanitize"
	"sandtail/tui"
)

// Exit statuses, as the README documents them: 0 done (or interrupted), 1 an
// error (bad cursor, no such sandbox), 2 a usage mistake, 3 a follow that
// fell behind log rotation, exitBug (faults.go) an internal fault.
const (
	exitOK             = 0
	exitError          = 1
	exitUsage          = 2
	exitMissedRotation = 3
)

func main() {
	// Before anything else, so that the holder gets it too: a fault the
	// runtime cannot recover from ends with SIGABRT, never status 2.
	crashOnFatal()
	// A follow's holder is this executable started again: run it, and
	// nothing else, when this process is one.
	engine.RunHolderIfRequested()
	// A closed pipe (sandtail … | head -1) must surface as EPIPE from Write so
	// the output is cut short quietly, not as a SIGPIPE death.
	signal.Ignore(syscall.SIGPIPE)
	os.Exit(guard(os.Stderr, func() int { return run(os.Args[1:], os.Stdout, os.Stderr) }))
}

// run is the whole program; it returns the exit status.
func run(args []string, stdout, stderr *os.File) int {
	o, err := parseArgs(args, time.Now())
	if err != nil {
		return report(stderr, err)
	}
	if o.help {
		printHelp(stdout)
		return exitOK
	}
	if o.version {
		fmt.Fprintln(stdout, versionString())
		return exitOK
	}

	// SIGHUP too: a closed tmux pane or ssh session must still end the
	// program cleanly, removing the demo's directory.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	go func() {
		// After the first signal the default action is back: a second Ctrl-C
		// ends a shutdown that hangs.
		<-ctx.Done()
		stop()
	}()

	outTerm := term.IsTerminal(stdout.Fd())
	printMode := o.print || !outTerm
	if o.cloud {
		return runCloud(ctx, o, printMode, outTerm, stdout, stderr)
	}
	if o.tail > 0 && !printMode {
		return report(stderr, usagef("--tail works in print mode: add --print (the viewer keeps the last --buffer lines)"))
	}

	if o.multi() {
		return runMulti(ctx, o, stdout, stderr, printMode, outTerm)
	}

	t := target{name: o.name, dir: o.dir, home: o.home}
	var d *demo
	if o.demo {
		if d, err = startDemo(ctx, o.demoRate); err != nil {
			return report(stderr, err)
		}
		// Also on the early returns below; Close is idempotent.
		defer d.Close()
		t = target{name: "demo", dir: d.Dir(), home: d.Home(), demo: true}
		if printMode && !o.follow {
			d.warmUp(ctx)
		}
	}
	if t.dir == "" && t.name != "" {
		if t.dir, err = resolveName(t.name, o.home); err != nil {
			return report(stderr, err)
		}
	}
	if t.dir == "" {
		if printMode {
			return report(stderr, usagef("print mode needs a sandbox: give NAME, --dir PATH or --demo%s", lookup.KnownHint(lookup.Home(o.home))))
		}
	} else if err := lookup.CheckDir(t.name, t.dir, o.home); err != nil {
		return report(stderr, err)
	}

	if t.dir != "" && o.fromGiven {
		if err := checkCursor(ctx, t.dir, o, stderr); err != nil {
			return report(stderr, err)
		}
	}
	if printMode {
		err = printmode.Run(ctx, printConfig(o, t), stdout, stderr, outTerm)
	} else {
		err = tui.Run(ctx, uiConfig(o, t))
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		err = nil // interrupted: a normal end
	}
	if d != nil {
		if cerr := d.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("demo: %w", cerr)
		}
	}
	return report(stderr, err)
}

// target is the log directory being read and how the user named it.
type target struct {
	name string // sandbox name ("demo" for --demo); empty with --dir
	dir  string // log directory; empty: the viewer's picker
	home string // --home as given
	demo bool
}

// uiConfig builds the viewer's configuration from the command line.
func uiConfig(o *options, t target) tui.Config {
	home := t.home
	if home == "" {
		home = engine.Home()
	}
	return tui.Config{
		Name:       t.name,
		Dir:        t.dir,
		Home:       home,
		Sources:    o.sources,
		Start:      startOf(o),
		Line:       o.line,
		Until:      o.until,
		Buffer:     o.buffer,
		Color:      o.color.Resolve(os.Getenv),
		Timestamps: o.timestamps,
		ShowID:     o.showID,
		Mouse:      o.mouse,
		Holder:     o.holder,
		// Off unless asked for: see --holder-realtime in the README.
		HolderRealtime: o.holderRealtime,
		HoldBudget:     o.holdBudget,
		Demo:           t.demo,
	}
}

// resolveName returns a sandbox's log directory; a name the engine refuses
// is a usage mistake.
func resolveName(name, flagHome string) (string, error) {
	dir, err := lookup.Resolve(name, flagHome)
	if errors.Is(err, engine.ErrInvalidName) {
		return "", &usageError{msg: err.Error()}
	}
	return dir, err
}

// printConfig is what print mode reads and how it prints.
func printConfig(o *options, t target) printmode.Config {
	return printmode.Config{
		Name:           t.name,
		Dir:            t.dir,
		Sources:        readSources(o),
		Start:          startOf(o),
		Until:          o.until,
		Tail:           o.tail,
		Follow:         o.follow,
		JSON:           o.json,
		Timestamps:     o.timestamps,
		ShowID:         o.showID,
		Color:          o.color,
		ColorGiven:     o.colorGiven,
		Holder:         o.holder,
		HolderRealtime: o.holderRealtime,
		HoldBudget:     o.holdBudget,
		Resume:         func(cur engine.Cursor) string { return resumeCommand(o, t, cur) },
		Marks:          o.marks,
	}
}

// resumeCommand is the command line that continues after cur, with every
// flag that changes what is read or how it is printed. The demo has none:
// its directory is removed on exit.
func resumeCommand(o *options, t target, cur engine.Cursor) string {
	if t.demo {
		return ""
	}
	return resumecmd.Build(resumeSpec(o, t, cur)).String()
}

// resumeSpec is what print mode's resume command reads.
func resumeSpec(o *options, t target, cur engine.Cursor) resumecmd.Spec {
	return resumecmd.Spec{
		Name:    t.name,
		Home:    t.home,
		Dir:     t.dir,
		Cursor:  cur,
		Sources: readSources(o),
		Until:   o.until,
		Follow:  o.follow,
		Print:   o.print,
		JSON:    o.json,
	}
}

// startOf is where reading begins.
func startOf(o *options) engine.Start {
	switch {
	case o.fromGiven && o.lenient:
		return engine.ResumeLenient(o.from)
	case o.fromGiven:
		return engine.FromCursor(o.from)
	case !o.since.IsZero():
		return engine.Since(o.since)
	default:
		return engine.FromBeginning()
	}
}

// readSources is what is read: --source, else for a --from cursor the
// sources it was made with as far as its length tells, else the default
// (zero).
func readSources(o *options) engine.Sources {
	if o.sources == 0 && o.fromGiven {
		return resumecmd.CursorSources(o.from)
	}
	return o.sources
}

// checkCursor makes sure the --from cursor fits the logs before anything is
// shown, so a bad one exits 1 even in the viewer. Only a position whose
// file is in no rotation slot any more resumes, at the oldest data kept,
// with the gap marked: that is what the command printed after a missed
// rotation needs. (The engine cannot tell that case from a cursor of
// another sandbox whose inode is nowhere here; the notice names both.) A
// position whose file is still there but whose offset is mid-line or past
// its end is refused.
func checkCursor(ctx context.Context, dir string, o *options, stderr io.Writer) error {
	opts := engine.Options{Sources: readSources(o), Start: engine.FromCursor(o.from)}
	s, err := engine.Open(ctx, dir, opts)
	if err == nil {
		return s.Close()
	}
	var ic *engine.InvalidCursorError
	if !errors.As(err, &ic) || !ic.NotOnDisk {
		return wrapOpen(err)
	}
	opts.Start = engine.ResumeLenient(o.from)
	s, err = engine.Open(ctx, dir, opts)
	if err != nil {
		return wrapOpen(err)
	}
	o.lenient = true
	sanitize.WriteMessage(stderr, "sandtail: the --from cursor's "+ic.File+" position is in a file that is no longer on disk (it rotated out of retention, or the cursor is from another sandbox); continuing with the oldest "+ic.File+" kept, the gap marked")
	return s.Close()
}

// report prints err (if any) on stderr in plain words and returns the exit status.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return exitOK
	}
	code, msg := explain(err)
	if msg != "" {
		sanitize.WriteMessage(stderr, msg)
	}
	return code
}
