package engine

import "context"

// ReadSnapshotFollow reads a snapshot as ReadSnapshot does and returns with
// it a stream that continues exactly at the snapshot's End (a follow when
// opts.Follow is set).
//
// A ReadSnapshot followed by Open(FromCursor(End)) has a window between the
// two in which no descriptor is held: a producer that rotates fast enough
// can move End's file out of retention, or hand its inode number to a new
// file, and the cursor no longer fits. Here the files are opened, and the
// directory watched, before the snapshot reads them, and the stream takes
// them over afterwards, so nothing between the two can be lost.
func ReadSnapshotFollow(ctx context.Context, dir string, opts Options) (*Snapshot, *Stream, error) {
	var c collector
	snap, s, err := scanSnapshotFollow(ctx, dir, opts, c.add, c.expect)
	if err != nil {
		return nil, nil, err
	}
	snap.Entries = c.entries
	return snap, s, nil
}

// ScanSnapshotFollow is ReadSnapshotFollow with the snapshot's entries
// handed to fn a batch at a time, as ScanSnapshot does.
func ScanSnapshotFollow(ctx context.Context, dir string, opts Options, fn func([]Entry) error) (*Snapshot, *Stream, error) {
	return scanSnapshotFollow(ctx, dir, opts, fn, nil)
}

func scanSnapshotFollow(ctx context.Context, dir string, opts Options, fn func([]Entry) error, expect func(int)) (*Snapshot, *Stream, error) {
	sopts := opts
	sopts.Tail = 0
	s, pts, err := openUnread(ctx, dir, sopts)
	if err != nil {
		return nil, nil, err
	}
	snap, seen, err := snapshotOf(ctx, s.chains, pts, opts, fn, expect)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	if err := s.continueAt(snap.End, seen, nil); err != nil {
		s.Close()
		return nil, nil, err
	}
	return snap, s, nil
}

// openUnread opens a stream and returns the start point of each of its
// tracks, which have read nothing yet: where a snapshot that hands over
// to it starts.
func openUnread(ctx context.Context, dir string, opts Options) (*Stream, []startPoint, error) {
	s, err := Open(ctx, dir, opts)
	if err != nil {
		return nil, nil, err
	}
	pts := make([]startPoint, len(s.tracks))
	for i, t := range s.tracks {
		pts[i] = startPoint{off: t.off, marks: t.pending}
	}
	return s, pts, nil
}

// continueAt sets every track of s to go on exactly at end, knowing what
// the snapshot's files told of the rotation (seen); hist, when not nil, is
// told of every file a track begins to read.
func (s *Stream) continueAt(end Cursor, seen []rotSeen, hist *History) error {
	for i, t := range s.tracks {
		var pt startPoint
		if err := t.ch.startAtCursor(&pt, i, end.At(i), false); err != nil {
			return err
		}
		t.pending = nil
		t.hist = hist
		t.begin(pt)
		t.seen = seen[i]
		s.cur.pos[i] = t.position()
	}
	return nil
}
