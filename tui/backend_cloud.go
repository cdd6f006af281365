package tui

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"sandtail/cloud"
	"sandtail/engine"
	"sandtail/tui/picker"
)

// cloudBackend reads sandboxes in microsandbox cloud. The "dir" the model
// passes around is the cloud sandbox's name. The cloud keeps no history,
// so its snapshots are empty and the model opens its stream directly
// (liveOnly).
type cloudBackend struct{ c *cloud.Client }

// liveOnly is a backend with no history: the viewer opens it live, says
// so, and shows the connection's state.
type liveOnly interface{ LiveOnly() bool }

func (cloudBackend) LiveOnly() bool { return true }

func (b cloudBackend) Snapshot(ctx context.Context, name string, opts engine.Options) (*engine.Snapshot, error) {
	return emptySnapshot(opts), nil
}

func (b cloudBackend) Open(ctx context.Context, name string, opts engine.Options) (entryStream, error) {
	so := cloud.StreamOptions{Sources: opts.Sources, Until: opts.Until}
	switch opts.Start.Kind {
	case engine.StartCursor, engine.StartLenient:
		so.From = opts.Start.Cursor
	case engine.StartSince:
		so.Since = opts.Start.Since
	}
	s, err := b.c.Open(ctx, name, so)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (b cloudBackend) SnapshotFollow(ctx context.Context, name string, opts engine.Options) (*engine.Snapshot, entryStream, error) {
	s, err := b.Open(ctx, name, opts)
	if err != nil {
		return nil, nil, err
	}
	return emptySnapshot(opts), s, nil
}

// BootError: a cloud sandbox has no boot-error.json; why it failed is in
// the error that refuses its stream.
func (cloudBackend) BootError(string) (*engine.BootError, error) { return nil, nil }

// emptySnapshot is the cloud's snapshot: nothing, ending where the read
// starts.
func emptySnapshot(opts engine.Options) *engine.Snapshot {
	snap := &engine.Snapshot{}
	if opensAtCursor(opts.Start) {
		snap.End = opts.Start.Cursor
	}
	return snap
}

// reconnecter is a stream that reconnects by itself: State says how.
type reconnecter interface{ State() cloud.State }

// connState is the reconnect attempt under way on the generation's stream
// (0 when connected or not a reconnecting stream).
func connState(g *guardedStream) int {
	if g == nil {
		return 0
	}
	if r, ok := g.s.(reconnecter); ok {
		return r.State().Reconnecting
	}
	return 0
}

// isLiveOnly reports whether the backend has no history.
func (m *Model) isLiveOnly() bool {
	l, ok := m.backend.(liveOnly)
	return ok && l.LiveOnly()
}

// liveNote is what the viewer says when it opens a stream with no history.
const liveNote = "microsandbox cloud keeps no history: showing lines from now on, as they are written"

// isCloudRefusal reports whether err means the cloud sandbox cannot be
// read at all: the user must fix the key, the name, the address or start
// the sandbox. (Once the stream is open, a lost connection is retried.)
func isCloudRefusal(err error) bool {
	var nr *cloud.NotRunningError
	var un *cloud.UnreachableError
	return errors.Is(err, cloud.ErrKeyRefused) || errors.Is(err, cloud.ErrNoSandbox) || errors.As(err, &nr) || errors.As(err, &un)
}

// loadPicker lists the sandboxes for the picker: the home's, or the
// cloud's.
func (m *Model) loadPicker() tea.Cmd {
	if m.cfg.Cloud == nil {
		return picker.Load(m.cfg.Home)
	}
	c, where := m.cfg.Cloud, m.pickerWhere()
	ctx := m.ctx
	return func() tea.Msg {
		list, more, err := c.List(ctx)
		msg := picker.LoadedMsg{Home: where, Err: err, Status: map[string]string{}}
		for _, sb := range list {
			item := engine.Sandbox{Name: sb.Name, LogDir: sb.Name, LastWrite: sb.StartedAt}
			if !sb.Running() {
				item.Err = fmt.Errorf("it is %s, and the cloud streams logs only while a sandbox runs", sb.Status)
			}
			msg.Sandboxes = append(msg.Sandboxes, item)
			msg.Status[sb.Name] = sb.Status
		}
		if more {
			msg.Note = fmt.Sprintf("showing the first %d cloud sandboxes", len(list))
		}
		return msg
	}
}

// pickerWhere is what the picker says it lists.
func (m *Model) pickerWhere() string {
	if m.cfg.Cloud != nil {
		return "microsandbox cloud (" + m.cfg.Cloud.URL() + ")"
	}
	return m.cfg.Home
}
