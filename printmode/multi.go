package printmode

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"sandtail/engine"
	"sandtail/merge"
	"sandtail/settings"
)

// MissedSandboxesError ends a follow of several sandboxes in which some
// fell behind log rotation. Each was reported on stderr where it happened,
// with the command that reads that sandbox again from its last cursor, and
// read on past its gap; it exits with the missed-rotation status at the
// end, as one sandbox's miss does at once.
type MissedSandboxesError struct {
	Names []string // the sandboxes that missed, each once, in order
	Count int      // misses in all
}

func (e *MissedSandboxesError) Error() string {
	return fmt.Sprintf("fell behind log rotation %d time(s), in sandbox(es) %s", e.Count, strings.Join(e.Names, ", "))
}

// multi reports whether cfg reads several sandboxes at once.
func (cfg Config) multi() bool {
	return cfg.Sandboxes != nil && (cfg.Sandboxes.Len() > 1 || cfg.Home != "")
}

// runMulti is Run for several sandboxes: one merged snapshot, then their
// merged follow. A sandbox that cannot be read, or whose follow stops, is
// said on stderr and the others go on; the error at the end says so.
func runMulti(ctx context.Context, cfg Config, p entryPrinter, notes *notifier) error {
	set := cfg.Sandboxes
	for _, sb := range set.All() {
		switch boot, err := engine.ReadBootError(sb.Dir); {
		case err != nil:
			notes.say("%s: %v", sb.Name, err)
		case boot != nil:
			notes.bootError(sb.Name, boot)
		}
	}
	opts := engine.Options{Sources: cfg.Sources, Start: cfg.Start, Until: cfg.Until, Tail: cfg.Tail, Follow: cfg.Follow}
	var snap *merge.Snapshot
	var s *merge.Stream
	var err error
	if cfg.Follow {
		snap, s, err = merge.SnapshotFollow(ctx, set, opts, cfg.Home)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		defer s.Close()
	} else if snap, err = merge.ReadSnapshot(ctx, set, opts); err != nil {
		return err
	}
	for _, f := range snap.Failed {
		notes.say("%v", f)
	}
	if err := p.Write(snap.Entries); err != nil {
		return err
	}
	notes.skipped(snap.Skipped)
	if s == nil {
		if err := p.Finish(); err != nil {
			return err
		}
		return failedError(snap.Failed, set.Len())
	}
	if err := p.Flush(); err != nil {
		return err
	}
	seen := 0 // incidents reported so far
	for {
		es, err := s.Next(ctx, settings.Batch)
		if werr := p.Write(es); werr != nil {
			return werr
		}
		notes.skipped(snap.Skipped + s.Skipped())
		seen = sayIncidents(cfg, set, s, notes, seen)
		if err == nil {
			if ferr := p.Flush(); ferr != nil {
				return ferr
			}
			continue
		}
		if ferr := p.Finish(); ferr != nil {
			return ferr
		}
		if !errors.Is(err, io.EOF) && ctx.Err() == nil {
			return fmt.Errorf("follow: %w", err)
		}
		return missedError(s, set)
	}
}

// sayIncidents says, for each sandbox that missed a rotation since the
// last call, how to read it again from its last cursor; the miss itself
// was said by its notice entry, in order with the output.
func sayIncidents(cfg Config, set *merge.Set, s *merge.Stream, notes *notifier, seen int) int {
	ins, _ := s.Incidents()
	for _, in := range ins[min(seen, len(ins)):] {
		if in.Missed == nil || cfg.ResumeSandbox == nil || in.Missed.Last.IsZero() {
			continue
		}
		if cmd := cfg.ResumeSandbox(set.At(in.Origin).Name, in.Missed.Last); cmd != "" {
			notes.say("%s: to read it again from its last line before the gap: %s", set.At(in.Origin).Name, cmd)
		}
	}
	return len(ins)
}

// missedError is the error a follow of several sandboxes ends with when
// some of them missed a rotation; nil when none did.
func missedError(s *merge.Stream, set *merge.Set) error {
	ins, dropped := s.Incidents()
	e := &MissedSandboxesError{Count: dropped}
	named := map[uint16]bool{}
	for _, in := range ins {
		if in.Missed == nil {
			continue
		}
		e.Count++
		if !named[in.Origin] {
			named[in.Origin] = true
			e.Names = append(e.Names, set.At(in.Origin).Name)
		}
	}
	if e.Count == 0 {
		return nil
	}
	return e
}

// failedError says that some sandboxes of a bounded read could not be
// read (each was said on stderr), or nil.
func failedError(failed []merge.Failure, n int) error {
	if len(failed) == 0 {
		return nil
	}
	return fmt.Errorf("%d of %d sandboxes could not be read (see above); the others were printed", len(failed), n)
}
