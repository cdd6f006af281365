package tui

import (
	"context"

	"sandtail/engine"
)

// engineBackend reads through the engine package.
type engineBackend struct{}

func (engineBackend) Snapshot(ctx context.Context, dir string, opts engine.Options) (*engine.Snapshot, error) {
	return engine.ReadSnapshot(ctx, dir, opts)
}

func (engineBackend) Open(ctx context.Context, dir string, opts engine.Options) (entryStream, error) {
	s, err := engine.Open(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func (engineBackend) SnapshotFollow(ctx context.Context, dir string, opts engine.Options) (*engine.Snapshot, entryStream, error) {
	snap, s, err := engine.ReadSnapshotFollow(ctx, dir, opts)
	if err != nil {
		return nil, nil, err
	}
	return snap, s, nil
}

func (engineBackend) BootError(dir string) (*engine.BootError, error) {
	return engine.ReadBootError(dir)
}
