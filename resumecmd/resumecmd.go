// Package resumecmd builds the sandtail command line that goes on reading
// at a cursor: the one print mode prints after falling behind log rotation,
// and the one the viewer's Y key copies for a partner. Both front-ends use
// it, so the two commands follow the same rules for --home, --dir and
// --source, and every argument is quoted the same way.
//
// The command is pasted into a shell, often into someone else's, so no
// argument may carry a control character: a path holding ESC [ 201 ~ and a
// newline would end a bracketed paste early and run what follows. Quote
// writes such arguments in bash's $'…' form, where every byte that is not
// printable is spelled as a visible \xHH escape.
package resumecmd

import (
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"sandtail/engine"
)

// Spec says what the command must read and how.
type Spec struct {
	// Name is the sandbox; empty when the logs were named by Dir.
	Name string
	// Home is the microsandbox home Name was looked up in. It is named
	// with --home only when it differs from the default home, so that a
	// partner's own default applies otherwise.
	Home string
	// Dir is the log directory, used when Name is empty.
	Dir string
	// Cloud says Name is a sandbox in microsandbox cloud (--cloud NAME).
	Cloud bool
	// Cursor is where reading goes on.
	Cursor engine.Cursor
	// Sources is what the cursor's read covered; zero means the sources
	// sandtail picks for Cursor by itself (see CursorSources).
	Sources engine.Sources
	// Line, when above 1, is the viewer's --line: the Nth line read after
	// the cursor is the one to select.
	Line int
	// Until is --until, when the read had an end.
	Until time.Time
	// Print mode's flags.
	Follow, Print, JSON bool
}

// Command is a built command line.
type Command struct {
	args []string // argv, unquoted
}

// Build makes the command for s. Relative paths are made absolute, since the
// command may be run in another directory.
func Build(s Spec) Command {
	args := []string{"sandtail"}
	if s.Cloud {
		args = append(args, "--cloud", s.Name)
	} else if s.Name != "" {
		args = append(args, s.Name)
		if s.Home != "" && !samePath(s.Home, engine.Home()) {
			args = append(args, "--home", absPath(s.Home))
		}
	} else {
		args = append(args, "--dir", absPath(s.Dir))
	}
	args = append(args, "--from", s.Cursor.String())
	if s.Sources != 0 && s.Sources != CursorSources(s.Cursor) {
		args = append(args, "--source", SourceList(s.Sources))
	}
	if s.Line > 1 {
		args = append(args, "--line", strconv.Itoa(s.Line))
	}
	if !s.Until.IsZero() {
		args = append(args, "--until", s.Until.UTC().Format(time.RFC3339Nano))
	}
	if s.Follow {
		args = append(args, "--follow")
	}
	switch {
	case s.JSON:
		args = append(args, "--json")
	case s.Print:
		args = append(args, "--print")
	}
	return Command{args: args}
}

// Args returns the command's arguments as the program will receive them.
func (c Command) Args() []string { return append([]string(nil), c.args...) }

// String is the command on one line, every argument quoted as it needs.
func (c Command) String() string {
	q := make([]string, len(c.args))
	for i, a := range c.args {
		q[i] = Quote(a)
	}
	return strings.Join(q, " ")
}

// CursorSources is what sandtail reads for a --from cursor given without
// --source: all sources when the cursor holds a position for every log
// file (it came from a read that included the system logs, as the viewer's
// does), else the default sources. A cursor only fits a read of the files
// it was made with, so this is the one choice that can work.
func CursorSources(c engine.Cursor) engine.Sources {
	if c.Len() == engine.CursorLen(engine.AllSources) && c.Len() != engine.CursorLen(engine.DefaultSources) {
		return engine.AllSources
	}
	return engine.DefaultSources
}

// SourceList spells a set of sources the way --source takes it.
func SourceList(s engine.Sources) string {
	if s == engine.AllSources {
		return "all"
	}
	var names []string
	for _, src := range engine.AllSourceList() {
		if s.Has(src) {
			names = append(names, src.String())
		}
	}
	return strings.Join(names, ",")
}

// absPath is p made absolute against the working directory, or p itself
// when that fails.
func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// samePath reports whether a and b name the same directory by their text.
func samePath(a, b string) bool {
	return filepath.Clean(absPath(a)) == filepath.Clean(absPath(b))
}
