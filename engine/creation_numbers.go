package engine

// creationNo is a file's creation number within a chain: the count of
// files created under the live name up to and including it, taken from the
// filesystem's events. It is not the inode (that is what a cursor holds):
// an inode number can be reused, a creation number only grows. Numbers
// compare only within one epoch (a lost event starts a new one); epoch 0
// means unknown.
type creationNo struct {
	epoch uint64
	n     int64
}

func (g creationNo) known() bool { return g.epoch != 0 }

// creationMark is what a creationCounter says about one chain at one moment.
type creationMark struct {
	epoch   uint64 // 0: counting is not possible now
	creates int64  // files created under the live name in this epoch
	changes uint64 // events that changed any of the chain's names
}

// creationCounter counts what happened to the names of each chain from the
// filesystem's own record of events (inotify on Linux), so that a look can
// tell exactly which file, by creation number, sits in each slot.
type creationCounter interface {
	// mark takes in every event queued so far and returns the counts of
	// chain ci.
	mark(ci int) creationMark
	// settledMark is mark after every directory operation under way has
	// finished and queued its event, so that nothing a look just saw in
	// the directory (through dirfd) is missing from the counts.
	settledMark(ci, dirfd int) creationMark
}

// creationNumbers gives every slot of a walk its creation number, and reports
// false when that cannot be known exactly: no counter, or the chain's
// names changed between before (taken just before the walk) and now. It
// also returns the counts taken after the walk (epoch 0 without a
// counter).
//
// At rest, slot k holds the file created k creations before the live one.
// A rotation renames the highest slot first and creates the live file
// last, so a rotation under way shows as one empty slot j among the
// occupied ones: slots below j are as they were (k creations back), slots
// above were moved up already (k-1 back). With more than one empty slot
// among occupied ones (not the producer's rotation), only the slots below
// the first are numbered.
func (c *chain) creationNumbers(before creationMark, w slotWalk) (nums [maxSlots]creationNo, ok bool, after creationMark) {
	if c.ctr == nil || before.epoch == 0 || !c.ft.Rotates {
		return nums, false, after
	}
	if after = c.ctr.settledMark(c.ci, c.dirfd); after != before {
		return nums, false, after
	}
	obs, seen := w.ino[:w.n], w.seen
	top := -1 // highest occupied slot seen
	for k := 0; k < seen; k++ {
		if obs[k] != 0 {
			top = k
		}
	}
	hole, holes := -1, 0
	for k := 0; k < top; k++ {
		if obs[k] == 0 {
			holes++
			if hole < 0 {
				hole = k
			}
		}
	}
	for k := 0; k <= top; k++ {
		switch {
		case obs[k] == 0:
		case hole < 0 || k < hole:
			nums[k] = creationNo{epoch: before.epoch, n: before.creates - int64(k)}
		case holes == 1:
			nums[k] = creationNo{epoch: before.epoch, n: before.creates - int64(k-1)}
		}
	}
	return nums, true, after
}
