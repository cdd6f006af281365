package engine

import (
	"context"
	"testing"
)

func TestSmokeBoundedAndSnapshot(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	rotate(t, dir, "exec.log")
	writeExec(t, dir, 10, 10)
	rotate(t, dir, "exec.log")
	writeExec(t, dir, 20, 5)
	s := mustOpen(t, dir, Options{})
	wantSeq(t, lineNumbers(t, readAll(t, s)), 0, 25)
	snap, err := ReadSnapshot(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantSeq(t, lineNumbers(t, snap.Entries), 0, 25)
	snap, err = ReadSnapshot(context.Background(), dir, Options{Tail: 7})
	if err != nil {
		t.Fatal(err)
	}
	wantSeq(t, lineNumbers(t, snap.Entries), 18, 7)
}
