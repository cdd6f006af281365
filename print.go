package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"sandtail/engine"
	"sandtail/resumecmd"
	"sandtail/tui"
)

// batchMax is how many entries one Next call may return: enough to amortise
// a flush per batch at high rates, small enough to keep latency and memory low.
const batchMax = 4096

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

// runPrint is print mode (SPEC §8): the sorted snapshot, then with --follow
// the stream from the snapshot's end cursor until interrupted.
func runPrint(ctx context.Context, o *options, t target, stdout, stderr *os.File, outTerm bool) error {
	out := bufio.NewWriterSize(stdout, outBufSize)
	notes := &notifier{w: stderr, flushFirst: out}
	var p entryPrinter
	if o.json {
		p = newJSONPrinter(out, notes)
	} else {
		p = newPlainPrinter(out, notes, plainOptions(o, outTerm))
	}

	switch boot, err := engine.ReadBootError(t.dir); {
	case err != nil:
		// Unreadable, malformed, or not a regular file: say so, and
		// print the logs all the same.
		notes.say("%v", err)
	case boot != nil:
		notes.bootError(t.name, boot)
	}

	opts := engine.Options{
		Sources: readSources(o),
		Start:   startOf(o),
		Until:   o.until,
		Tail:    o.tail,
	}
	var snap *engine.Snapshot
	var s *engine.Stream
	var err error
	if o.follow {
		// The stream is handed over with the snapshot: it holds every file
		// of the chain from before the snapshot is read, so however fast the
		// producer rotates and however slow the reader of our output is,
		// nothing between the snapshot and the stream can rotate away.
		opts.Follow = true
		opts.Holder, opts.HolderRealtime = o.holder, o.holderRealtime
		snap, s, err = engine.ReadSnapshotFollow(ctx, t.dir, opts)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return wrapOpen(err)
		}
		defer s.Close()
	} else if snap, err = engine.ReadSnapshot(ctx, t.dir, opts); err != nil {
		return wrapOpen(err)
	}
	if err := p.Write(snap.Entries); err != nil {
		return err
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
		es, err := s.Next(ctx, batchMax)
		if werr := p.Write(es); werr != nil {
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
			return &missedError{mr: mr, last: last, resume: resumeCommand(o, t, last)}
		default:
			return fmt.Errorf("follow %s: %w", t.dir, err)
		}
	}
}

// wrapOpen marks cursor errors from the engine as such.
func wrapOpen(err error) error {
	if errors.Is(err, engine.ErrInvalidCursor) {
		return &cursorError{err: err}
	}
	return err
}

// printOptions are the plain printer's settings.
type printOptions struct {
	sanitize   bool // pass every line through the SPEC §7 sanitiser
	color      bool // keep the program's SGR colours (only when sanitising)
	timestamps bool
	showID     bool
}

// plainOptions decides how plain text is written. On a terminal every line is
// sanitised, with colour unless --color never or NO_COLOR. To a pipe the bytes
// go out as the program wrote them, unless --color asks for display text.
func plainOptions(o *options, outTerm bool) printOptions {
	po := printOptions{timestamps: o.timestamps, showID: o.showID}
	mode := colorMode(o.color)
	switch {
	case outTerm:
		po.sanitize = true
		po.color = mode != tui.ColorNever && os.Getenv("TERM") != "dumb"
	case o.colorGiven && mode != tui.ColorAuto:
		po.sanitize = true
		po.color = mode == tui.ColorAlways
	}
	return po
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
