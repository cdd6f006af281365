package tui

import (
	"context"

	"sandtail/engine"
)

// entryStream is what the viewer needs of an *engine.Stream. Tests hand the
// model scripted streams through it.
type entryStream interface {
	Next(ctx context.Context, max int) ([]engine.Entry, error)
	Skipped() int64
	// Resume goes on past a missed rotation with the files the stream
	// still holds (see engine.Stream.Resume).
	Resume() error
	Close() error
}

// backend is the viewer's only way to the logs on disk: the engine in the
// program, a fake in tests.
type backend interface {
	Snapshot(ctx context.Context, dir string, opts engine.Options) (*engine.Snapshot, error)
	Open(ctx context.Context, dir string, opts engine.Options) (entryStream, error)
	// SnapshotFollow reads a snapshot and returns a stream that continues
	// exactly at its end, with no moment between the two in which a
	// rotation could take the end's file away.
	SnapshotFollow(ctx context.Context, dir string, opts engine.Options) (*engine.Snapshot, entryStream, error)
	BootError(dir string) (*engine.BootError, error)
}
