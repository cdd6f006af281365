//go:build linux

package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// inotifyInstances counts this process's inotify instances: descriptors
// whose link is anon_inode:inotify.
func inotifyInstances(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && strings.Contains(l, "inotify") {
			n++
		}
	}
	return n
}

// Following 200 sandboxes through one hub takes one inotify instance,
// where the kernel's default allows a user 128; and every one of them
// still sees its writes and its rotations.
func TestWatchHubFollows200DirectoriesWithOneInstance(t *testing.T) {
	before := inotifyInstances(t)
	h := NewWatchHub()
	t.Cleanup(h.Close)
	const n = 200
	dirs := make([]string, n)
	streams := make([]*Stream, n)
	root := t.TempDir()
	for i := range dirs {
		dirs[i] = filepath.Join(root, fmt.Sprint(i), "logs")
		if err := os.MkdirAll(dirs[i], 0o755); err != nil {
			t.Fatal(err)
		}
		writeExec(t, dirs[i], 0, 2)
		streams[i] = mustOpen(t, dirs[i], Options{Follow: true, Watch: h})
	}
	if got := inotifyInstances(t) - before; got > 1 {
		t.Fatalf("%d inotify instances for %d followed directories, want 1", got, n)
	}
	for i, s := range streams {
		wantSeq(t, lineNumbers(t, readN(t, s, 2, 10*time.Second)), 0, 2)
		_ = i
	}
	// A write and a rotation in each: the hub wakes the right consumer,
	// and the creation counts number the rotated file exactly.
	for i := range dirs {
		writeExec(t, dirs[i], 2, 3)
		rotate(t, dirs[i], "exec.log")
		writeExec(t, dirs[i], 5, 3)
	}
	for _, s := range streams {
		wantSeq(t, lineNumbers(t, readN(t, s, 6, 10*time.Second)), 2, 6)
	}
	for _, s := range streams {
		s.Close()
	}
	if got := inotifyInstances(t) - before; got > 1 {
		t.Fatalf("%d inotify instances after closing, want at most the hub's", got)
	}
}

// A rotation no look saw before the file left retention is still a missed
// rotation through the hub, counted exactly, and a closed member is
// looked at no more while the others go on.
func TestWatchHubMemberMissesAndLeaves(t *testing.T) {
	h := NewWatchHub()
	t.Cleanup(h.Close)
	a, b := logDir(t), logDir(t)
	writeExec(t, a, 0, 10)
	writeExec(t, b, 0, 1)
	sa := mustOpen(t, a, Options{Follow: true, Watch: h})
	sb := mustOpen(t, b, Options{Follow: true, Watch: h})
	wantSeq(t, lineNumbers(t, readN(t, sa, 10, 5*time.Second)), 0, 10)
	resume := sa.pauseWatcher()
	rotatePastRetention(t, a, 10)
	resume()
	wantMiss(t, sa)
	wantSeq(t, lineNumbers(t, readN(t, sb, 1, 5*time.Second)), 0, 1)
	sa.Close()
	writeExec(t, b, 1, 1)
	wantSeq(t, lineNumbers(t, readN(t, sb, 1, 5*time.Second)), 1, 1)
}

// A directory removed while followed through the hub ends its stream as a
// lone watcher's would.
func TestWatchHubDirectoryRemoved(t *testing.T) {
	h := NewWatchHub()
	t.Cleanup(h.Close)
	dir := logDir(t)
	writeExec(t, dir, 0, 1)
	s := mustOpen(t, dir, Options{Follow: true, Watch: h})
	readN(t, s, 1, 5*time.Second)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err := readUntilErr(ctx, s, 10)
	if err == nil || !strings.Contains(err.Error(), "was removed") {
		t.Fatalf("got %v, want the directory-removed end", err)
	}
}

// Rotations at the pace of TestFollowAcrossManyRotations lose nothing
// through the hub either, with other members registered beside.
func TestWatchHubFollowAcrossManyRotations(t *testing.T) {
	h := NewWatchHub()
	t.Cleanup(h.Close)
	for range 20 {
		mustOpen(t, logDir(t), Options{Follow: true, Watch: h})
	}
	dir := logDir(t)
	s := mustOpen(t, dir, Options{Follow: true, Watch: h})
	const rotations, perFile = 250, 40
	ctx, stop := context.WithCancel(t.Context())
	done := make(chan error, 1)
	t.Cleanup(func() { stop(); <-done })
	go func() { done <- produceWithinRetention(ctx, dir, s.chains[0], rotations, perFile) }()
	got := readN(t, s, rotations*perFile, 60*time.Second)
	wantSeq(t, lineNumbers(t, got), 0, rotations*perFile)
}

// A hub closed before its members leaves them closable: closing them
// afterwards neither hangs nor touches the hub's closed descriptors.
func TestWatchHubClosedBeforeItsMembers(t *testing.T) {
	h := NewWatchHub()
	dir := logDir(t)
	writeExec(t, dir, 0, 1)
	s := mustOpen(t, dir, Options{Follow: true, Watch: h})
	readN(t, s, 1, 5*time.Second)
	h.Close()
	h.Close() // twice is harmless
	writeExec(t, dir, 1, 1)
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("Close hung after the hub closed")
	}
}
