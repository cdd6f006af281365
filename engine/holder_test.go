//go:build linux

package engine

import (
	"context"
	"errors"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// produce writes perFile lines to exec.log and rotates, rotations times,
// one rotation a millisecond; it returns the lines written.
func produce(t *testing.T, dir string, first, rotations, perFile int) int {
	n := first
	for range rotations {
		for i := 0; i < perFile; i += 4 {
			writeExec(t, dir, n, 4)
			n += 4
		}
		rotate(t, dir, "exec.log")
		time.Sleep(time.Millisecond)
	}
	return n
}

func TestHolderHandsOverEveryRotation(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 8)
	s := mustOpen(t, dir, Options{Follow: true, Holder: true})
	waitRemote(t, s, true)
	const rotations, perFile = 250, 40
	done := make(chan int)
	go func() { done <- produce(t, dir, 8, rotations, perFile) }()
	got := readN(t, s, 8+rotations*perFile, 60*time.Second)
	<-done
	wantSeq(t, lineNumbers(t, got), 0, 8+rotations*perFile)
	// The stream's own looks did nothing all along: every file came from
	// the holder.
	if !s.chains[0].remote.Load() {
		t.Fatal("the holder stopped during the run")
	}
	var opened int64
	for k := range maxSlots {
		opened += s.chains[0].openedAt[k].Load()
	}
	if opened < rotations {
		t.Fatalf("%d files handed over, want at least %d", opened, rotations)
	}
	switch p := s.h.priorityName(); p {
	case "fifo", "slice", "normal":
		t.Logf("holder priority: %s", p)
	default:
		t.Fatalf("holder priority %q", p)
	}
}

// A holder that dies leaves the stream looking by itself, from the newest
// file it handed over.
func TestHolderDeathFallsBackToTheWatcher(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 8)
	s := mustOpen(t, dir, Options{Follow: true, Holder: true})
	waitRemote(t, s, true)
	n := produce(t, dir, 8, 3, 20)
	wantSeq(t, lineNumbers(t, readN(t, s, n, 10*time.Second)), 0, n)
	if err := s.h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	waitRemote(t, s, false)
	m := produce(t, dir, n, 3, 20)
	wantSeq(t, lineNumbers(t, readN(t, s, m-n, 10*time.Second)), n, m-n)
}

// A holder that could not look while more rotations than retention went
// by reports the gap, as the watcher would.
func TestHolderStoppedMissReported(t *testing.T) {
	dir := logDir(t)
	appendFile(t, dir, "exec.log", "")
	s := mustOpen(t, dir, Options{Follow: true, Holder: true})
	waitRemote(t, s, true)
	rotateSeen(t, s, dir) // the holder has looked: it counts what is lost
	writeExec(t, dir, 0, 10)
	wantSeq(t, lineNumbers(t, readN(t, s, 10, 5*time.Second)), 0, 10)
	pid := s.h.cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	waitStopped(t, pid)
	rotatePastRetention(t, dir, 10)
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	wantMiss(t, s)
	if err := s.Resume(); err != nil {
		t.Fatal(err)
	}
	rest := readN(t, s, 51, 5*time.Second)
	if rest[0].Mark != MarkGap {
		t.Fatalf("first entry after Resume %+v is not a gap notice", rest[0])
	}
	// exec.log.4 … exec.log hold lines 20-69; 10-19 were lost.
	wantSeq(t, lineNumbers(t, rest[1:]), 20, 50)
}

func TestHolderCloseLeavesNothingBehind(t *testing.T) {
	dir := fullChain(t)
	runtime.GC()
	g0, fd0 := runtime.NumGoroutine(), openFDs(t)
	ctx, cancel := context.WithCancel(t.Context())
	s, err := Open(ctx, dir, Options{Follow: true, Holder: true})
	if err != nil {
		t.Fatal(err)
	}
	waitRemote(t, s, true)
	readN(t, s, 50, 5*time.Second)
	cancel()
	waitReleased(t, g0, fd0)
	// Cancellation ran shutdown, which waited for the process: not even
	// a zombie is left.
	if err := syscall.Kill(s.h.cmd.Process.Pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Fatalf("holder process still there: %v", err)
	}
}

// A reader that stops reading makes the stream hold no more than
// maxHeldFiles: the rest wait, open, in the socket and in the holder, and
// nothing is lost when it reads again.
func TestHolderBoundsHeldFilesWithoutLoss(t *testing.T) {
	// Restored after the stream's Close (cleanups run last first).
	old := maxHeldFiles
	t.Cleanup(func() { maxHeldFiles = old })
	maxHeldFiles = 4
	dir := logDir(t)
	writeExec(t, dir, 0, 4)
	s := mustOpen(t, dir, Options{Follow: true, Holder: true})
	waitRemote(t, s, true)
	n := 4
	c := s.chains[0]
	for range 20 { // four times retention
		rotate(t, dir, "exec.log")
		writeExec(t, dir, n, 4)
		n += 4
		time.Sleep(5 * time.Millisecond)
		if held := c.heldCount(); held > maxHeldFiles {
			t.Fatalf("the stream holds %d files, limit %d", held, maxHeldFiles)
		}
	}
	waitHeld(t, c, maxHeldFiles)
	wantSeq(t, lineNumbers(t, readN(t, s, n, 10*time.Second)), 0, n)
}

// A holder started before the producer wrote anything takes every file
// from the first.
func TestHolderStartsOnAnEmptyDirectory(t *testing.T) {
	dir := logDir(t)
	s := mustOpen(t, dir, Options{Follow: true, Holder: true})
	waitRemote(t, s, true)
	n := produce(t, dir, 0, 8, 12)
	wantSeq(t, lineNumbers(t, readN(t, s, n, 10*time.Second)), 0, n)
}
