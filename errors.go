package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/lookup"
	"sandtail/printmode"
)

// cursorError is a --from cursor that does not parse or does not fit the logs.
type cursorError struct{ err error }

func (e *cursorError) Error() string { return e.err.Error() }
func (e *cursorError) Unwrap() error { return e.err }

// explain maps an error to an exit status and a message in plain words that
// says what happened and what to do. An empty message prints nothing.
func explain(err error) (int, string) {
	var (
		ue *usageError
		ce *cursorError
		ic *engine.InvalidCursorError
		nf *lookup.NotFoundError
		me *printmode.MissedError
		ms *printmode.MissedSandboxesError
		mr *engine.MissedRotationError
	)
	switch {
	case errors.Is(err, syscall.EPIPE):
		// The reader went away (sandtail … | head): nothing is wrong.
		return exitOK, ""
	case errors.Is(err, context.Canceled):
		return exitOK, ""
	case errors.Is(err, tea.ErrProgramPanic):
		// The viewer caught a panic, restored the terminal and printed
		// the panic and its stack above.
		return exitBug, "sandtail: internal error in the viewer (a bug in sandtail, not a problem with the command line or the logs). Please report it with the command line you ran, the output of sandtail --version, and the report above."
	case errors.As(err, &ue):
		return exitUsage, "sandtail: " + ue.msg + " (see sandtail --help)"
	case errors.As(err, &ms):
		return exitMissedRotation, "sandtail: " + ms.Error() + ": each gap is marked above where it happened, with the command that reads that sandbox again from before it; the other sandboxes lost nothing"
	case errors.As(err, &me):
		return exitMissedRotation, missedMessage(me.Rotation, me.Last, me.Resume)
	case errors.As(err, &mr):
		return exitMissedRotation, missedMessage(mr, mr.Last, "")
	case errors.As(err, &nf):
		return exitError, "sandtail: " + nf.Msg
	case errors.As(err, &ce), errors.As(err, &ic):
		reason := err.Error()
		if errors.As(err, &ic) {
			reason = ic.Error()
		}
		return exitError, "sandtail: the --from cursor does not fit these logs (" + reason + "). " +
			"A cursor belongs to one sandbox and one --source set; copy it again from --json output or the viewer's Y key, or start without --from (or with --since)."
	case errors.Is(err, engine.ErrNotFound):
		return exitError, "sandtail: " + err.Error() + ": the log directory is gone; check the sandbox still exists (sandtail with no NAME lists them)"
	case errors.Is(err, fs.ErrPermission):
		return exitError, "sandtail: " + err.Error() + "; run sandtail as a user who can read the sandbox's logs"
	default:
		return exitError, "sandtail: " + err.Error()
	}
}

// missedMessage explains a missed rotation and how to continue.
func missedMessage(mr *engine.MissedRotationError, last engine.Cursor, resume string) string {
	var b strings.Builder
	lost := "how much is not known"
	if mr.Lost.Known() {
		lost = "lost " + mr.Lost.String()
	}
	if mr.Lost.Released > 0 {
		fmt.Fprintf(&b, "sandtail: fell behind log rotation: %s files left the slots unread, and sandtail let go of them to keep the disk it holds within its budget (--hold-budget), so part of the log is skipped: %s",
			mr.File, lost)
		b.WriteString(".\nThis happens when sandtail cannot read for a while (suspended, its output blocked) during heavy output; a larger --hold-budget keeps more.\n")
	} else {
		fmt.Fprintf(&b, "sandtail: fell behind log rotation: %s files were rotated past the last kept one (%s.4) before sandtail could open them, so part of the log is gone: %s",
			mr.File, mr.File, lost)
		b.WriteString(".\nThis happens when sandtail cannot read for a while (suspended, machine asleep) during heavy output.\n")
	}
	if !last.IsZero() {
		fmt.Fprintf(&b, "last good cursor: %s\n", last)
		if resume != "" {
			fmt.Fprintf(&b, "to continue from there (the lost part is marked as a gap):\n  %s\n", resume)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// wrapOpen marks cursor errors from the engine as such.
func wrapOpen(err error) error {
	if errors.Is(err, engine.ErrInvalidCursor) {
		return &cursorError{err: err}
	}
	return err
}
