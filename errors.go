package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"syscall"

	"sandtail/engine"
	"sandtail/tui/sanitize"
)

// cursorError is a --from cursor that does not parse or does not fit the logs.
type cursorError struct{ err error }

func (e *cursorError) Error() string { return e.err.Error() }
func (e *cursorError) Unwrap() error { return e.err }

// notFoundError is a sandbox or log directory that does not exist; msg
// already says what to do.
type notFoundError struct{ msg string }

func (e *notFoundError) Error() string { return e.msg }
func (e *notFoundError) Unwrap() error { return engine.ErrNotFound }

// missedError is a follow that fell behind log rotation.
type missedError struct {
	mr     *engine.MissedRotationError
	last   engine.Cursor
	resume string // the command that continues from last
}

func (e *missedError) Error() string { return e.mr.Error() }
func (e *missedError) Unwrap() error { return e.mr }

// explain maps an error to an exit status and a message in plain words that
// says what happened and what to do. An empty message prints nothing.
func explain(err error) (int, string) {
	var (
		ue *usageError
		ce *cursorError
		ic *engine.InvalidCursorError
		nf *notFoundError
		me *missedError
		mr *engine.MissedRotationError
	)
	switch {
	case errors.Is(err, syscall.EPIPE):
		// The reader went away (sandtail … | head): nothing is wrong.
		return exitOK, ""
	case errors.Is(err, context.Canceled):
		return exitOK, ""
	case errors.As(err, &ue):
		return exitUsage, "sandtail: " + ue.msg + " (see sandtail --help)"
	case errors.As(err, &me):
		return exitMissedRotation, missedMessage(me.mr, me.last, me.resume)
	case errors.As(err, &mr):
		return exitMissedRotation, missedMessage(mr, mr.Last, "")
	case errors.As(err, &nf):
		return exitError, "sandtail: " + nf.msg
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
	fmt.Fprintf(&b, "sandtail: fell behind log rotation: %s files were rotated past the last kept one (%s.4) before sandtail could open them, so part of the log is gone: %s",
		mr.File, mr.File, lost)
	b.WriteString(".\nThis happens when sandtail cannot read for a while (suspended, machine asleep) during heavy output.\n")
	if !last.IsZero() {
		fmt.Fprintf(&b, "last good cursor: %s\n", last)
		if resume != "" {
			fmt.Fprintf(&b, "to continue from there (the lost part is marked as a gap):\n  %s\n", resume)
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// homeOf is the microsandbox home in use: --home, else MSB_HOME, else ~/.microsandbox.
func homeOf(flagHome string) string {
	if flagHome != "" {
		return flagHome
	}
	return engine.Home()
}

// homeSource says where the home directory came from, for error messages.
func homeSource(flagHome string) string {
	switch {
	case flagHome != "":
		return "--home"
	case os.Getenv("MSB_HOME") != "":
		return "MSB_HOME"
	default:
		return "the default; set MSB_HOME or --home to look elsewhere"
	}
}

// resolveName returns a sandbox's log directory. The name is already valid.
func resolveName(name, flagHome string) (string, error) {
	home := homeOf(flagHome)
	dir, err := engine.LogDir(home, name)
	switch {
	case err == nil:
		return dir, nil
	case errors.Is(err, engine.ErrInvalidName):
		return "", usagef("%q is not a sandbox name: %v", name, err)
	case errors.Is(err, engine.ErrNotFound):
		return "", noSandbox(name, flagHome)
	default:
		return "", fmt.Errorf("open sandbox %s: %w", name, err)
	}
}

// noSandbox says that a sandbox does not exist, and which ones do.
func noSandbox(name, flagHome string) error {
	home := homeOf(flagHome)
	return &notFoundError{msg: fmt.Sprintf("no sandbox named %s under %s (%s)%s", name, home, homeSource(flagHome), knownHint(home))}
}

// checkDir makes sure the log directory exists, and otherwise says which
// sandboxes do.
func checkDir(t target, flagHome string) error {
	st, err := os.Stat(t.dir)
	switch {
	case err == nil && st.IsDir():
		// Reading needs the listing too: without it a directory would look
		// empty instead of unreadable.
		f, err := os.Open(t.dir)
		if err == nil {
			_, err = f.Readdirnames(1)
			f.Close()
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read log directory: %w", err)
		}
		return nil
	case err == nil:
		return fmt.Errorf("%s is not a directory: give the folder that holds exec.log, runtime.log and kernel.log", t.dir)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("open log directory: %w", err)
	}
	if t.name == "" {
		return &notFoundError{msg: fmt.Sprintf("no log directory at %s (--dir): check the path; a sandbox's logs are in HOME/sandboxes/NAME/logs", t.dir)}
	}
	return noSandbox(t.name, flagHome)
}

// knownHint lists the sandboxes under home, for "not found" messages.
func knownHint(home string) string {
	if _, err := os.Stat(home); errors.Is(err, fs.ErrNotExist) {
		return "; " + home + " does not exist (is microsandbox installed? try sandtail --demo)"
	}
	boxes, err := engine.ListSandboxes(home)
	if err != nil {
		return ""
	}
	if len(boxes) == 0 {
		return "; there are no sandboxes there yet (try sandtail --demo)"
	}
	const show = 10
	names := make([]string, 0, show)
	for i, b := range boxes {
		if i == show {
			break
		}
		name := b.Name
		if b.Err != nil {
			name += " (unreadable)"
		}
		names = append(names, name)
	}
	s := "; known sandboxes: " + strings.Join(names, ", ")
	if len(boxes) > show {
		s += fmt.Sprintf(" and %d more", len(boxes)-show)
	}
	return s
}

// writeSafe writes a message on stderr, line by line, with every line passed
// through the sanitiser: names, paths and engine errors can carry bytes from
// a sandbox, and none of them may reach the terminal as escapes.
func writeSafe(w io.Writer, msg string) {
	var b strings.Builder
	for _, line := range strings.Split(msg, "\n") {
		b.WriteString(sanitize.Plain(line))
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}
