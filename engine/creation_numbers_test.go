package engine

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// TestExactlyRetentionRotationsUnseen lets exactly five rotations go by
// while the reader cannot look: the newest file it holds has left the
// slots, but the file after it is still in exec.log.4, so nothing is lost
// and no miss may be reported. (Six are a true miss: see
// TestTrueMissThenLenientResume.)
func TestExactlyRetentionRotationsUnseen(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("rotations are counted from inotify's events on Linux only")
	}
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	s := mustOpen(t, dir, Options{Follow: true})
	wantSeq(t, lineNumbers(t, readN(t, s, 10, 5*time.Second)), 0, 10)
	resume := s.pauseWatcher()
	n := 10
	for r := 0; r <= maxRotations; r++ { // the held file is overwritten by the last
		rotate(t, dir, "exec.log")
		writeExec(t, dir, n, 10)
		n += 10
	}
	resume()
	wantSeq(t, lineNumbers(t, readN(t, s, n-10, 10*time.Second)), 10, n-10)
	// Still following: a later line arrives too.
	writeExec(t, dir, n, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	b, err := s.Next(ctx, 10)
	if err != nil || len(b) != 1 {
		t.Fatalf("after the rotations: %d entries, %v", len(b), err)
	}
}

// fixedCounter is a creationCounter whose counts do not move.
type fixedCounter struct{ m creationMark }

func (f fixedCounter) mark(int) creationMark             { return f.m }
func (f fixedCounter) settledMark(int, int) creationMark { return f.m }

// TestCreationNumbersMidRotation numbers the slots of views taken at rest and in
// the middle of a rotation.
func TestCreationNumbersMidRotation(t *testing.T) {
	c := newChain(t.TempDir(), &fileTable[0], DefaultHoldBudget)
	defer c.closeAll()
	m := creationMark{epoch: 1, creates: 20}
	c.ctr = fixedCounter{m}
	for _, tc := range []struct {
		obs  [maxSlots]uint64
		seen int     // slots the walk looked at (it stops at a held file)
		want []int64 // -1: unknown
	}{
		{[maxSlots]uint64{5, 4, 3, 2, 1}, 5, []int64{20, 19, 18, 17, 16}},
		{[maxSlots]uint64{5, 4, 0, 2, 1}, 5, []int64{20, 19, -1, 18, 17}}, // .2→.3 done
		{[maxSlots]uint64{0, 4, 3, 2, 1}, 5, []int64{-1, 20, 19, 18, 17}}, // live→.1 done, not created yet
		{[maxSlots]uint64{5, 4, 3, 0, 0}, 5, []int64{20, 19, 18, -1, -1}}, // a young chain
		{[maxSlots]uint64{5, 0, 3, 0, 1}, 5, []int64{20, -1, -1, -1, -1}}, // not a rotation
		{[maxSlots]uint64{5, 4, 0, 0, 0}, 2, []int64{20, 19, -1, -1, -1}}, // stopped at held 4
	} {
		nums, ok, _ := c.creationNumbers(m, slotWalk{ino: tc.obs, n: maxSlots, seen: tc.seen})
		if !ok {
			t.Fatalf("obs %v: not numbered", tc.obs)
		}
		for k, w := range tc.want {
			if g := nums[k]; (w < 0) == g.known() || (w >= 0 && g.n != w) {
				t.Fatalf("obs %v: slot %d is %+v, want %d", tc.obs, k, g, w)
			}
		}
	}
	if _, ok, _ := c.creationNumbers(creationMark{epoch: 1, creates: 19}, slotWalk{ino: [maxSlots]uint64{5}, n: maxSlots, seen: maxSlots}); ok {
		t.Fatal("numbered a view during which the chain changed")
	}
}
