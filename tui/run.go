// Package tui is sandtail's interactive log viewer, built on Bubble Tea.
//
// How it fits together:
//
//   - Data reaches the Model only as messages from re-armed commands
//     (subscription.go): a quick snapshot of a screenful, the full snapshot,
//     then a follow stream opened at the snapshot's end cursor, in batches.
//     Each message names its stream generation; a restart after a missed
//     rotation starts a new one and late messages of the old are dropped.
//   - Entries are joined into display lines (lines.Joiner, ingest.go) and
//     pushed into the viewport (tui/viewport), which holds a bounded buffer
//     of them and scrolls over it: selection, top line, following and the
//     horizontal offset. Positions are sequence numbers, so what the user
//     reads stays put while lines arrive and old ones are evicted.
//   - Which lines show (sources, session solo, filter) and which match the
//     search are the viewport's sorted lists of sequence numbers, recomputed
//     once per event; the model answers its questions about each line
//     (bodyLayout in layout.go). View draws only the rows on screen
//     (render.go), so a frame costs the same with a thousand lines buffered
//     or a million.
//   - Every key is in package keymap and every style in package theme; the
//     dialogs and the sandbox picker are components from tui/dialog and
//     tui/picker.
package tui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"sandtail/cloud"
	"sandtail/engine"
	"sandtail/merge"
	"sandtail/settings"
)

// Config is everything the command line hands to the viewer.
type Config struct {
	// Name is the sandbox name shown in the header and used in the copied
	// "sandtail NAME --from CURSOR" command; empty when Dir was given directly.
	Name string
	// Dir is the log directory to open. Empty (and Name empty): show the
	// sandbox picker over Home.
	Dir  string
	Home string
	// Sources is the set shown at start; zero means the default (stdout,
	// stderr, output; system too when boot-error.json is present).
	Sources engine.Sources
	// Start is where reading begins (beginning, since, or a cursor). A
	// cursor start opens with the line just after the cursor selected and
	// following off, for a partner running a command copied with Y.
	Start engine.Start
	// Line, with a cursor Start, selects the Line-th line read after the
	// cursor instead of the first (0 and 1 both mean the first).
	Line  int
	Until time.Time
	// Buffer is how many display lines are held (default
	// settings.DefaultBuffer).
	Buffer     int
	Color      settings.ColorMode
	Timestamps bool
	ShowID     bool
	Mouse      bool
	// Holder has follows hold rotated files through a helper process
	// (engine.Options.Holder); HolderRealtime raises its priority
	// (engine.Options.HolderRealtime).
	Holder         bool
	HolderRealtime bool
	// HoldBudget is engine.Options.HoldBudget: the disk a follow may keep
	// in files held open, per rotating chain.
	HoldBudget int64
	// Demo marks the header so a user knows the data is simulated.
	Demo bool
	// StateDir is where marks are kept; empty means the user's state
	// directory (marks.StateDir). Tests point it at a temporary one.
	StateDir string
	// Sandboxes, when not nil, is read instead of Dir: several
	// sandboxes merged into one view by time, with a sandbox column.
	Sandboxes *merge.Set
	// AllHome, with Sandboxes, also follows sandboxes created under it
	// while the viewer runs (--all).
	AllHome string
	// Cloud, when set, reads sandboxes in microsandbox cloud through this
	// client: Name and Dir are then the cloud sandbox's name, and with
	// neither the picker lists the cloud's sandboxes.
	Cloud *cloud.Client
}

// Run opens the viewer and blocks until the user quits or ctx is done. It
// returns the errors a user can act on (no such sandbox, a cursor that does
// not fit) rather than showing them in an empty screen.
func Run(ctx context.Context, cfg Config) error {
	limitMemory(os.Getenv)
	titles := titleStack(os.Getenv)
	var b backend = engineBackend{}
	if cfg.Cloud != nil {
		b = cloudBackend{c: cfg.Cloud}
	}
	m := newModel(ctx, cfg, options{backend: b, colorOK: colorAllowed(cfg.Color), titles: titles})
	m.strip.tickEvery = time.Second
	m.timing = &timing{path: os.Getenv(timingEnv)}
	profile, env, ask := colorProfile(os.Stdout, os.Environ())
	p := tea.NewProgram(m, tea.WithContext(ctx), tea.WithColorProfile(profile), tea.WithEnvironment(env))
	if ask != nil {
		go func() {
			if better := ask(); better > profile {
				p.Send(tea.ColorProfileMsg{Profile: better})
			}
		}()
	}
	if titles {
		// Saved before the program starts and given back after it has
		// left the terminal, whichever way it ends.
		os.Stdout.WriteString(pushTitle)
	}
	_, err := p.Run()
	if titles {
		os.Stdout.WriteString(popTitle)
	}
	m.shutdown()
	switch {
	case m.fatal != nil:
		return m.fatal
	case err != nil && ctx.Err() != nil:
		// Interrupted from outside: not an error of the viewer.
		return nil
	case err != nil:
		return fmt.Errorf("terminal: %w", err)
	}
	return nil
}

// colorProfile is the terminal's colour profile as far as the
// environment and terminfo tell, without asking tmux: colorprofile asks
// it by running "tmux info" and waiting for it, which the program and its
// renderer would each do before the first frame (about 10 ms each in
// tmux). outside is the environment without TMUX, for them. ask, when
// not nil, is that question, to be asked while the viewer starts: tmux
// may say it passes 24-bit colour on (Tc or RGB).
func colorProfile(out *os.File, env []string) (p colorprofile.Profile, outside []string, ask func() colorprofile.Profile) {
	inTmux := false
	for _, kv := range env {
		if strings.HasPrefix(kv, "TMUX=") {
			inTmux = len(kv) > len("TMUX=")
			continue
		}
		outside = append(outside, kv)
	}
	p = colorprofile.Detect(out, outside)
	if !inTmux || p >= colorprofile.TrueColor || p <= colorprofile.ASCII {
		return p, outside, nil
	}
	return p, outside, func() colorprofile.Profile { return colorprofile.Tmux(env) }
}

// colorAllowed applies --color and the environment, the same decision print
// mode makes on a terminal.
func colorAllowed(c settings.ColorMode) bool { return c.Allowed(os.Getenv) }
