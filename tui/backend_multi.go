package tui

import (
	"context"
	"fmt"
	"time"

	"sandtail/engine"
	"sandtail/merge"
)

// multiBackend reads several sandboxes merged (package merge). The
// viewer asks it with an empty directory for the merged read; a
// directory (a line read again from its own sandbox's log) goes to one.
type multiBackend struct {
	set  *merge.Set
	home string  // --all: follow sandboxes created under it too
	one  backend // for one sandbox's directory
}

func (b multiBackend) Snapshot(ctx context.Context, dir string, opts engine.Options) (*engine.Snapshot, error) {
	if dir != "" {
		return b.one.Snapshot(ctx, dir, opts)
	}
	snap, err := merge.ReadSnapshot(ctx, b.set, opts)
	if err != nil {
		return nil, err
	}
	return &engine.Snapshot{Entries: withFailures(snap.Entries, snap.Failed), Skipped: snap.Skipped}, nil
}

func (b multiBackend) Open(ctx context.Context, dir string, opts engine.Options) (entryStream, error) {
	if dir != "" {
		return b.one.Open(ctx, dir, opts)
	}
	s, failed, err := merge.Open(ctx, b.set, opts, b.followHome(opts))
	if err != nil {
		return nil, err
	}
	return &noticeStream{Stream: s, first: withFailures(nil, failed)}, nil
}

func (b multiBackend) SnapshotFollow(ctx context.Context, dir string, opts engine.Options) (*engine.Snapshot, entryStream, error) {
	if dir != "" {
		return b.one.SnapshotFollow(ctx, dir, opts)
	}
	snap, s, err := merge.SnapshotFollow(ctx, b.set, opts, b.followHome(opts))
	if err != nil {
		return nil, nil, err
	}
	es := withBootErrors(withFailures(snap.Entries, snap.Failed), b.set)
	return &engine.Snapshot{Entries: es, Skipped: snap.Skipped}, s, nil
}

// BootError reads one sandbox's boot error; the merged view has none of
// its own.
func (b multiBackend) BootError(dir string) (*engine.BootError, error) {
	if dir == "" {
		return nil, nil
	}
	return b.one.BootError(dir)
}

// followHome is the home whose new sandboxes a follow takes in.
func (b multiBackend) followHome(opts engine.Options) string {
	if !opts.Follow {
		return ""
	}
	return b.home
}

// withFailures appends a notice line for each sandbox that could not be
// read, so the view says which are missing and why.
func withFailures(es []engine.Entry, failed []merge.Failure) []engine.Entry {
	for _, f := range failed {
		es = append(es, engine.Entry{Time: time.Now().UTC(), Source: engine.System, Mark: engine.MarkNotice, Origin: f.Origin,
			Data: []byte("cannot be read: " + f.Err.Error())})
	}
	return es
}

// withBootErrors appends a notice line for each sandbox that failed to
// start (its boot-error.json), in place of the banner one sandbox gets.
func withBootErrors(es []engine.Entry, set *merge.Set) []engine.Entry {
	for o, sb := range set.All() {
		boot, err := engine.ReadBootError(sb.Dir)
		text := ""
		switch {
		case err != nil:
			text = "boot-error.json: " + err.Error()
		case boot != nil:
			text = fmt.Sprintf("failed to start at %s (stage %s): %s", boot.Time.UTC().Format(time.RFC3339), boot.Stage, boot.Message)
		default:
			continue
		}
		es = append(es, engine.Entry{Time: time.Now().UTC(), Source: engine.System, Mark: engine.MarkNotice,
			Origin: uint16(o), Data: []byte(text)})
	}
	return es
}

// noticeStream hands over notices before the merged stream's entries.
type noticeStream struct {
	*merge.Stream
	first []engine.Entry
}

func (n *noticeStream) Next(ctx context.Context, max int) ([]engine.Entry, error) {
	if len(n.first) > 0 {
		es := n.first
		n.first = nil
		return es, nil
	}
	return n.Stream.Next(ctx, max)
}
