// Package lookup finds a sandbox's log directory from its name and the
// microsandbox home (--home, MSB_HOME or ~/.microsandbox), and says, when it
// cannot, what exists instead: the errors name the sandboxes that are there,
// so a mistyped name is easy to correct. Both front-ends start from it.
package lookup

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"sandtail/engine"
)

// NotFoundError is a sandbox or log directory that does not exist; Msg
// already says what to do.
type NotFoundError struct{ Msg string }

func (e *NotFoundError) Error() string { return e.Msg }
func (e *NotFoundError) Unwrap() error { return engine.ErrNotFound }

// Home is the microsandbox home in use: --home, else MSB_HOME, else ~/.microsandbox.
func Home(flagHome string) string {
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

// Resolve returns the log directory of the sandbox called name under the
// home in use (flagHome is --home as given). A name the engine refuses comes
// back as an error satisfying errors.Is(err, engine.ErrInvalidName); a
// sandbox that does not exist as a *NotFoundError listing those that do.
func Resolve(name, flagHome string) (string, error) {
	home := Home(flagHome)
	dir, err := engine.LogDir(home, name)
	switch {
	case err == nil:
		return dir, nil
	case errors.Is(err, engine.ErrInvalidName):
		return "", fmt.Errorf("%q is not a sandbox name: %w", name, err)
	case errors.Is(err, engine.ErrNotFound):
		return "", noSandbox(name, flagHome)
	default:
		return "", fmt.Errorf("open sandbox %s: %w", name, err)
	}
}

// noSandbox says that a sandbox does not exist, and which ones do.
func noSandbox(name, flagHome string) error {
	home := Home(flagHome)
	return &NotFoundError{Msg: fmt.Sprintf("no sandbox named %s under %s (%s)%s", name, home, homeSource(flagHome), KnownHint(home))}
}

// CheckDir makes sure the log directory dir (of sandbox name, empty with
// --dir) exists and can be listed, and otherwise says which sandboxes do.
func CheckDir(name, dir, flagHome string) error {
	st, err := os.Stat(dir)
	switch {
	case err == nil && st.IsDir():
		// Reading needs the listing too: without it a directory would look
		// empty instead of unreadable.
		f, err := os.Open(dir)
		if err == nil {
			_, err = f.Readdirnames(1)
			f.Close()
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fmt.Errorf("read log directory: %w", err)
		}
		return nil
	case err == nil:
		return fmt.Errorf("%s is not a directory: give the folder that holds exec.log, runtime.log and kernel.log", dir)
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("open log directory: %w", err)
	}
	if name == "" {
		return &NotFoundError{Msg: fmt.Sprintf("no log directory at %s (--dir): check the path; a sandbox's logs are in HOME/sandboxes/NAME/logs", dir)}
	}
	return noSandbox(name, flagHome)
}

// KnownHint lists the sandboxes under home, for "not found" messages.
func KnownHint(home string) string {
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
