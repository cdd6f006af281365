//go:build linux

package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// produce writes perFile lines to exec.log and rotates, rotations times,
// about one rotation a millisecond; it returns the lines written. It never
// gets more than two files ahead of what s's exec.log chain has taken in:
// these tests check that every file is handed over, in order, not how far
// ahead a producer may run (the opt-in TestFollowThroughput measures
// that), and a machine busy with other work may keep a holder at ordinary
// priority off the processors for longer than a file stays in retention.
func produce(t *testing.T, s *Stream, dir string, first, rotations, perFile int) int {
	c := s.chains[0]
	created := c.changeCount()
	if _, err := os.Stat(filepath.Join(dir, "exec.log")); err != nil {
		created++ // the first write creates it
	}
	n := first
	for range rotations {
		for i := 0; i < perFile; i += 4 {
			writeExec(t, dir, n, 4)
			n += 4
		}
		for deadline := time.Now().Add(10 * time.Second); c.changeCount()+2 < created; {
			if time.Now().After(deadline) {
				t.Errorf("the stream took in %d of %d files", c.changeCount(), created)
				return n
			}
			time.Sleep(100 * time.Microsecond)
		}
		rotate(t, dir, "exec.log")
		created++
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
	go func() { done <- produce(t, s, dir, 8, rotations, perFile) }()
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
	n := produce(t, s, dir, 8, 3, 20)
	wantSeq(t, lineNumbers(t, readN(t, s, n, 10*time.Second)), 0, n)
	if err := s.h.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	waitRemote(t, s, false)
	m := produce(t, s, dir, n, 3, 20)
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
		// The holder keeps up however busy the machine: this test is
		// about the bound, not about speed.
		waitHolderHolds(t, s.h.cmd.Process.Pid, filepath.Join(dir, "exec.log"))
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
	n := produce(t, s, dir, 0, 8, 12)
	wantSeq(t, lineNumbers(t, readN(t, s, n, 10*time.Second)), 0, n)
}

// The holder shows in ps as sandtail-holder, and keeps none of the
// descriptors it inherited but its socket: not even one the reader's own
// parent leaked to it without close-on-exec.
func TestHolderNameAndDescriptors(t *testing.T) {
	leaked := filepath.Join(t.TempDir(), "leaked")
	if err := os.WriteFile(leaked, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	fd, err := unix.Open(leaked, unix.O_RDONLY, 0) // no O_CLOEXEC
	if err != nil {
		t.Fatal(err)
	}
	const high = 251
	if err := unix.Dup2(fd, high); err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
	defer unix.Close(high)
	dir := logDir(t)
	writeExec(t, dir, 0, 3)
	s := mustOpen(t, dir, Options{Follow: true, Holder: true})
	waitRemote(t, s, true)
	pid := strconv.Itoa(s.h.cmd.Process.Pid)
	comm, err := os.ReadFile(filepath.Join("/proc", pid, "comm"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(comm)); got != holderArg0 {
		t.Errorf("the holder's comm (what ps -o comm shows) is %q, want %q", got, holderArg0)
	}
	fdDir := filepath.Join("/proc", pid, "fd")
	des, err := os.ReadDir(fdDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		target, _ := os.Readlink(filepath.Join(fdDir, de.Name()))
		if de.Name() == strconv.Itoa(high) || target == leaked {
			t.Errorf("the holder kept inherited descriptor %s (%s)", de.Name(), target)
		}
	}
	holderHasNo(t, s.h.cmd.Process.Pid, leaked)
}

// The holder runs at the priority it was started with unless asked for
// more: no real-time policy and no short slice by default.
func TestHolderAsksNoPriorityUnlessTold(t *testing.T) {
	for _, realtime := range []bool{false, true} {
		t.Run(map[bool]string{false: "default", true: "realtime"}[realtime], func(t *testing.T) {
			dir := logDir(t)
			writeExec(t, dir, 0, 1)
			s := mustOpen(t, dir, Options{Follow: true, Holder: true, HolderRealtime: realtime})
			waitRemote(t, s, true)
			got := s.h.priorityName()
			attr, err := unix.SchedGetAttr(s.h.cmd.Process.Pid, 0)
			if err != nil {
				t.Fatal(err)
			}
			raised := attr.Policy == unix.SCHED_FIFO || attr.Runtime == uint64(holderSlice)
			if !realtime {
				if got != "normal" || raised {
					t.Fatalf("by default the holder runs at %q (policy %d, slice %v)", got, attr.Policy, time.Duration(attr.Runtime))
				}
				return
			}
			// Root or CAP_SYS_NICE gets the real-time policy; others the
			// short slice where the kernel has one, or nothing.
			switch got {
			case "fifo", "slice":
				if !raised {
					t.Fatalf("the holder says %q, the kernel says policy %d, slice %v", got, attr.Policy, time.Duration(attr.Runtime))
				}
			case "normal":
				t.Logf("no raised priority available here (policy %d)", attr.Policy)
			default:
				t.Fatalf("priority %q", got)
			}
		})
	}
}

// A holder that stops answering (stopped, as Ctrl-Z would stop it alone)
// while the producer rotates is noticed within about a second: the stream
// says so and goes on by itself, losing nothing still in retention.
func TestStuckHolderIsNoticed(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	s := mustOpen(t, dir, Options{Follow: true, Holder: true})
	waitRemote(t, s, true)
	wantSeq(t, lineNumbers(t, readN(t, s, 10, 5*time.Second)), 0, 10)
	pid := s.h.cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	// Should the test fail before the holder is killed, do not leave it
	// stopped.
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })
	waitStopped(t, pid)
	// Three rotations: the file the reader holds is still in retention.
	n := 10
	for range 3 {
		rotate(t, dir, "exec.log")
		writeExec(t, dir, n, 10)
		n += 10
	}
	rotated := time.Now()
	got := readN(t, s, n-10+1, 10*time.Second) // the lines and the notice
	took := time.Since(rotated)
	wantSeq(t, lineNumbers(t, got), 10, n-10)
	note := notices(got)
	if len(note) != 1 || !strings.Contains(note[0], "stopped answering") {
		t.Fatalf("notices %q, want one saying the holder stopped answering", note)
	}
	t.Logf("noticed and caught up %v after the last rotation: %s", took, note[0])
	// The slack is for a loaded machine; without the check it never
	// carries on at all.
	if took > 3*time.Second {
		t.Fatalf("took %v to notice a stopped holder", took)
	}
	waitRemote(t, s, false)
	// The stream goes on by itself.
	rotate(t, dir, "exec.log")
	writeExec(t, dir, n, 5)
	wantSeq(t, lineNumbers(t, readN(t, s, 5, 5*time.Second)), n, 5)
}

// A ping's deadline that passes while the stream itself could not run (as
// when Ctrl-Z stops the stream and its holder together) gives the holder a
// new one rather than declaring it stuck.
func TestLateDeadlineIsNotAStuckHolder(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	s := mustOpen(t, dir, Options{Follow: true, Holder: true})
	waitRemote(t, s, true)
	readN(t, s, 10, 5*time.Second)
	pid := s.h.cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(pid, syscall.SIGCONT) })
	waitStopped(t, pid)
	rotate(t, dir, "exec.log")
	writeExec(t, dir, 10, 10)
	k := &s.h.chk
	waitUntil(t, "a ping", func() bool {
		k.mu.Lock()
		defer k.mu.Unlock()
		return !k.sent.IsZero()
	})
	// The stream cannot act on the deadline until well past it, as if it
	// had been stopped too; then both go on.
	k.mu.Lock()
	time.Sleep(stuckAfter + lateSlack + 100*time.Millisecond) // the stimulus: time passing, not a wait for a state
	k.mu.Unlock()
	if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	got := readN(t, s, 10, 5*time.Second)
	wantSeq(t, lineNumbers(t, got), 10, 10)
	if n := notices(got); len(n) != 0 {
		t.Fatalf("notices %q", n)
	}
	waitUntil(t, "the holder to answer", func() bool {
		k.mu.Lock()
		defer k.mu.Unlock()
		return k.sent.IsZero()
	})
	if !s.chains[0].remote.Load() || k.ended {
		t.Fatal("the holder was given up")
	}
}

// waitUntil polls cond until it holds, or fails after ten seconds.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitHolderHolds waits until holder process pid has the file now at path
// open.
func waitHolderHolds(t *testing.T, pid int, path string) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	fdDir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	waitUntil(t, "the holder to open "+path, func() bool {
		des, _ := os.ReadDir(fdDir)
		for _, de := range des {
			if fi, err := os.Stat(filepath.Join(fdDir, de.Name())); err == nil && os.SameFile(fi, st) {
				return true
			}
		}
		return false
	})
}
