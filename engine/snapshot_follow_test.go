package engine

import (
	"context"
	"testing"
	"time"
)

// TestReadSnapshotFollowSurvivesRotationsBeforeTheFirstRead rotates the log
// past retention between the snapshot and the stream's first read. A
// separate ReadSnapshot and Open(FromCursor(End)) would find End's file
// gone; the handed-over stream holds it and delivers every later line once.
func TestReadSnapshotFollowSurvivesRotationsBeforeTheFirstRead(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	snap, s, err := ReadSnapshotFollow(context.Background(), dir, Options{Follow: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	wantSeq(t, lineNumbers(t, snap.Entries), 0, 10)

	next := 10
	for r := 0; r < maxRotations+3; r++ {
		writeExec(t, dir, next, 10)
		next += 10
		rotate(t, dir, "exec.log")
		// One rotation at a time, as a producer that is fast but not
		// faster than the directory watcher; the reader does not read.
		time.Sleep(30 * time.Millisecond)
	}
	writeExec(t, dir, next, 10)
	next += 10

	if _, err := Open(context.Background(), dir, Options{Start: FromCursor(snap.End)}); err == nil {
		t.Log("a separate Open still fitted the old end cursor (its inode was reused)")
	} else {
		t.Logf("a separate Open after the rotations fails as expected: %v", err)
	}
	got := readN(t, s, next-10, 5*time.Second)
	wantSeq(t, lineNumbers(t, got), 10, next-10)
	if last := got[len(got)-1].Cursor; last.At(0).Inode == snap.End.At(0).Inode {
		t.Errorf("the last entry's cursor is still in the snapshot's file")
	}
}

// TestReadSnapshotFollowMatchesSeparateCalls checks the handover against the
// two-step path on a quiet log: same snapshot, same end cursor, and the
// stream starts exactly there.
func TestReadSnapshotFollowMatchesSeparateCalls(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 50)
	rotate(t, dir, "exec.log")
	writeExec(t, dir, 50, 50)
	opts := Options{Tail: 20}
	want, err := ReadSnapshot(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.Follow = true
	snap, s, err := ReadSnapshotFollow(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	wantSeq(t, lineNumbers(t, snap.Entries), 80, 20)
	if snap.End != want.End {
		t.Fatalf("end cursor %v, want %v", snap.End, want.End)
	}
	writeExec(t, dir, 100, 5)
	wantSeq(t, lineNumbers(t, readN(t, s, 5, 5*time.Second)), 100, 5)
}
