package engine

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"
)

// TestFollowEndsWhenDirectoryRemoved removes the log directory during a
// follow: what was written before is still delivered (the descriptors are
// held), then the stream ends with an error naming the directory.
func TestFollowEndsWhenDirectoryRemoved(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	s := mustOpen(t, dir, Options{Follow: true})
	wantSeq(t, lineNumbers(t, readN(t, s, 5, 5*time.Second)), 0, 5)
	// A rotated file and a new live file, both seen before the removal.
	rotate(t, dir, "exec.log")
	writeExec(t, dir, 10, 10)
	deadline := time.Now().Add(5 * time.Second)
	for len(s.chains[0].snapshotFiles()) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the watcher did not open the new live file")
		}
		time.Sleep(time.Millisecond)
	}
	writeExec(t, dir, 20, 10)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	got, err := readUntilErr(ctx, s, 7)
	wantSeq(t, lineNumbers(t, got), 5, 25)
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrMissedRotation) || !strings.Contains(err.Error(), "log directory "+dir+" was removed") {
		t.Fatalf("got %v, want the removal of %s", err, dir)
	}
	if b, err2 := s.Next(ctx, 10); len(b) != 0 || err2 != err {
		t.Fatalf("stream did not end: %v %v", b, err2)
	}
}

// TestFollowEndsWhenDirectoryReplaced removes the directory and makes a
// new one under its name: the follow, watching the old one, ends too.
func TestFollowEndsWhenDirectoryReplaced(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 4)
	s := mustOpen(t, dir, Options{Follow: true, PollInterval: 20 * time.Millisecond})
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeExec(t, dir, 100, 4)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	got, err := readUntilErr(ctx, s, 100)
	wantSeq(t, lineNumbers(t, got), 0, 4)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("got %v, want the removal of %s", err, dir)
	}
}
