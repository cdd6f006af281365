// Package printmode is sandtail's print mode: it writes a sandbox's logs to
// stdout as plain text or one JSON object per entry (the sorted snapshot,
// then with --follow the live stream), and its notices (gaps, restarts, cut
// records, a failed boot) to stderr. It is the second front-end over the
// engine, beside the viewer in package tui, and shares the text pipeline
// (text/lines, text/sanitize) and the colour decision (settings) with it.
//
// Text is sanitised on a terminal so nothing from a log reaches it as an
// escape sequence (see docs/untrusted-text.md); to a pipe the bytes go out as
// the program wrote them unless --color asks for display text.
package printmode

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"sandtail/engine"
	"sandtail/merge"
	"sandtail/settings"
)

// Config is everything the command line hands to print mode.
type Config struct {
	// Name is the sandbox name used in notices; empty with --dir.
	Name string
	// Dir is the log directory to read.
	Dir     string
	Sources engine.Sources
	Start   engine.Start
	Until   time.Time
	// Tail keeps only the last Tail entries of the snapshot (0: all).
	Tail   int
	Follow bool
	JSON   bool
	// Timestamps and ShowID prefix each plain line with its time (UTC) and
	// its session id.
	Timestamps bool
	ShowID     bool
	// Color is --color as given; ColorGiven says it was given explicitly
	// (it then also turns on display text to a pipe).
	Color      settings.ColorMode
	ColorGiven bool
	// Holder and HolderRealtime are engine.Options.Holder and
	// HolderRealtime for a follow.
	Holder         bool
	HolderRealtime bool
	// HoldBudget is engine.Options.HoldBudget for a follow.
	HoldBudget int64
	// Resume, when not nil, is the command line that continues just after a
	// cursor; it is shown when a follow falls behind log rotation.
	Resume func(engine.Cursor) string
	// Marks prints only the entries of lines marked in the viewer (m);
	// Tail then counts marked entries. StateDir is where marks are kept
	// (empty: the user's state directory).
	Marks    bool
	StateDir string
	// Sandboxes, when it holds more than one sandbox (or Home is set), is
	// read instead of Dir: merged by time, each line prefixed with its
	// sandbox ("NAME | ", "sandbox" in JSON).
	Sandboxes *merge.Set
	// Home, with Sandboxes and Follow, also follows sandboxes created
	// under it while running (--all).
	Home string
	// ResumeSandbox, when not nil, is the command line that reads one
	// sandbox of several again after a cursor of its own.
	ResumeSandbox func(name string, cur engine.Cursor) string
}

// MissedError is a follow that fell behind log rotation: Last is the last
// cursor printed and Resume the command that continues from there (empty
// when there is none, as for the demo).
type MissedError struct {
	Rotation *engine.MissedRotationError
	Last     engine.Cursor
	Resume   string
}

func (e *MissedError) Error() string { return e.Rotation.Error() }
func (e *MissedError) Unwrap() error { return e.Rotation }

// outBufSize is the stdout buffer: large writes to a pipe, flushed at the end
// of every batch while following.
const outBufSize = 64 << 10

// entryPrinter writes entries to stdout in one of the print formats.
type entryPrinter interface {
	// Write prints a batch of entries.
	Write(es []engine.Entry) error
	// Flush pushes buffered output out (end of a batch while following).
	Flush() error
	// Finish prints what is still held back (open lines) and flushes.
	Finish() error
}

// Run is print mode: the sorted snapshot, then with Follow the stream from
// the snapshot's end cursor until interrupted or ctx is done. outTerm says
// stdout is a terminal. A cursor that does not fit the logs comes back as an
// error satisfying errors.Is(err, engine.ErrInvalidCursor).
func Run(ctx context.Context, cfg Config, stdout, stderr *os.File, outTerm bool) error {
	out := bufio.NewWriterSize(stdout, outBufSize)
	notes := &notifier{w: stderr, flushFirst: out}
	var p entryPrinter
	var names func(uint16) string
	if cfg.multi() {
		names = func(o uint16) string { return cfg.Sandboxes.At(o).Name }
		notes.names = names
	}
	if cfg.JSON {
		p = newJSONPrinter(out, notes, names)
	} else {
		p = newPlainPrinter(out, notes, plainOptions(cfg, outTerm), names)
	}
	if cfg.multi() {
		return runMulti(ctx, cfg, p, notes)
	}

	switch boot, err := engine.ReadBootError(cfg.Dir); {
	case err != nil:
		// Unreadable, malformed, or not a regular file: say so, and
		// print the logs all the same.
		notes.say("%v", err)
	case boot != nil:
		notes.bootError(cfg.Name, boot)
	}

	opts := engine.Options{
		Sources: cfg.Sources,
		Start:   cfg.Start,
		Until:   cfg.Until,
		Tail:    cfg.Tail,
	}
	// The snapshot is written as it is read, a batch at a time, and not
	// held: print mode's memory does not grow with the logs.
	var marked *markFilter
	var ring *markRing
	if cfg.Marks {
		marked = loadMarks(cfg, notes)
		opts.Tail = 0 // the tail is of the marked entries
		if cfg.Tail > 0 {
			ring = newMarkRing(cfg.Tail)
		}
	}
	var snap *engine.Snapshot
	var s *engine.Stream
	var err error
	write := p.Write
	switch {
	case ring != nil:
		// Only the last Tail marked entries are printed, and which are
		// last is known at the snapshot's end: they wait in the ring.
		write = func(es []engine.Entry) error {
			ring.add(marked.keep(es))
			return nil
		}
	case marked != nil:
		write = func(es []engine.Entry) error { return p.Write(marked.keep(es)) }
	}
	var pipe *printPipe
	if cfg.JSON && marked == nil && runtime.GOMAXPROCS(0) > 1 {
		pipe = newPrintPipe(p)
		write = pipe.Write
	}
	if cfg.Follow {
		// The stream is handed over with the snapshot: it holds every file
		// of the chain from before the snapshot is read, so however fast the
		// producer rotates and however slow the reader of our output is,
		// nothing between the snapshot and the stream can rotate away.
		opts.Follow = true
		opts.Holder, opts.HolderRealtime, opts.HoldBudget = cfg.Holder, cfg.HolderRealtime, cfg.HoldBudget
		snap, s, err = engine.ScanSnapshotFollow(ctx, cfg.Dir, opts, write)
		if perr := closePipe(pipe, nil); err == nil && perr != nil {
			// The last of the snapshot failed to print after the
			// engine handed it over.
			s.Close()
			err = perr
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		defer s.Close()
	} else {
		snap, err = engine.ScanSnapshot(ctx, cfg.Dir, opts, write)
		if err = closePipe(pipe, err); err != nil {
			return err
		}
	}
	if ring != nil {
		if err := p.Write(ring.entries()); err != nil {
			return err
		}
	}
	notes.skipped(snap.Skipped)
	if s == nil {
		return p.Finish()
	}
	if err := p.Flush(); err != nil {
		return err
	}
	last := snap.End
	for {
		es, err := s.Next(ctx, settings.Batch)
		shown := es
		if marked != nil {
			shown = marked.keep(es)
		}
		if werr := p.Write(shown); werr != nil {
			return werr
		}
		if len(es) > 0 {
			last = es[len(es)-1].Cursor
		}
		notes.skipped(snap.Skipped + s.Skipped())
		if err == nil {
			if ferr := p.Flush(); ferr != nil {
				return ferr
			}
			continue
		}
		if ferr := p.Finish(); ferr != nil {
			return ferr
		}
		var mr *engine.MissedRotationError
		switch {
		case errors.Is(err, io.EOF), ctx.Err() != nil:
			return nil
		case errors.As(err, &mr):
			if !mr.Last.IsZero() {
				last = mr.Last
			}
			resume := ""
			if cfg.Resume != nil {
				resume = cfg.Resume(last)
			}
			return &MissedError{Rotation: mr, Last: last, Resume: resume}
		default:
			return fmt.Errorf("follow %s: %w", cfg.Dir, err)
		}
	}
}

// closePipe ends pipe (when there is one) once the snapshot is read, so
// that nothing but this goroutine prints from then on, and returns the
// snapshot's error or else the pipe's.
func closePipe(pipe *printPipe, err error) error {
	if pipe == nil {
		return err
	}
	if perr := pipe.Close(); err == nil {
		err = perr
	}
	return err
}

// printOptions are the plain printer's settings.
type printOptions struct {
	sanitize   bool // pass every line through text/sanitize
	color      bool // keep the program's SGR colours (only when sanitising)
	timestamps bool
	showID     bool
}

// plainOptions decides how plain text is written. On a terminal every line is
// sanitised, with colour when settings allows it (--color, NO_COLOR,
// TERM=dumb: the same decision as the viewer's). To a pipe the bytes go out
// as the program wrote them, unless --color asks for display text.
func plainOptions(cfg Config, outTerm bool) printOptions {
	po := printOptions{timestamps: cfg.Timestamps, showID: cfg.ShowID}
	mode := cfg.Color.Resolve(os.Getenv)
	switch {
	case outTerm:
		po.sanitize = true
		po.color = mode != settings.ColorNever
	case cfg.ColorGiven && mode != settings.ColorAuto:
		po.sanitize = true
		po.color = mode == settings.ColorAlways
	}
	return po
}
