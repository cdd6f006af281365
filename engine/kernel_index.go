package engine

// The kernel clock (kernel_clock.go) in a snapshot's index: the times of
// kernel.log's lines decide where they go in the merge, so they are placed
// on the wall clock while the file is indexed, not when its lines are read
// again. Each kernel file is anchored on its own (boot = mtime - uptime of
// its last stamped line); an unstamped line takes the time of the stamped
// line before it in the same file. Then, before the tracks' records are
// joined and sorted, the anchor of the newest kernel file is checked
// against the lifecycle records exec.log's index noted (checkedBoot), and
// its records moved with it. The chain's clock takes the newest file's
// anchor, so a stream that goes on from the snapshot places lines alike.

import (
	"bytes"
	"time"
)

// snapKernel is the kernel clock of one kernel.log file of a snapshot.
type snapKernel struct {
	on     bool          // the file is a kernel.log
	ok     bool          // boot is known (the file has a stamped line)
	boot   time.Time     // the anchor
	last   time.Time     // time of the last stamped line indexed
	initUp time.Duration // uptime of the hand-over to the agent
	init   bool          // initUp was found
}

// lifeTimes are the times of the lifecycle records of one exec.log file:
// the newest "started" and every "stopped" (unix nanoseconds). A record
// costs 8 bytes where its line costs tens in the file and an index record
// 40: these stay below the index's own bound.
type lifeTimes struct {
	started int64 // 0: none
	stopped []int64
}

// startKernel anchors sf when its track reads kernel.log.
func (tr *snapTrack) startKernel(sf *snapFile) {
	sf.kern = snapKernel{}
	sf.life = lifeTimes{}
	if tr.ch.ft.Name != kernelLogName {
		return
	}
	var kc kernelClock
	kc.anchor(&sf.cf.f, sf.cf.ino)
	sf.kern = snapKernel{on: true, ok: kc.ok, boot: kc.boot}
}

// time returns the wall-clock time of a kernel line (line is its head),
// in file order.
func (k *snapKernel) time(line []byte) time.Time {
	up, ok := parseUptime(line)
	if ok {
		if !k.init && bytes.Contains(line, []byte(" as init process")) {
			k.initUp, k.init = up, true
		}
		k.last = k.boot.Add(up)
		return k.last
	}
	if !k.last.IsZero() {
		return k.last
	}
	return k.boot
}

// placeIndexed gives the entries just parsed from one line of sf their
// kernel times (kernel.log), or notes exec.log's lifecycle records.
func (sf *snapFile) placeIndexed(line []byte, es []Entry) {
	for i := range es {
		e := &es[i]
		if e.Mark != MarkNone {
			continue
		}
		if sf.kern.on {
			if sf.kern.ok && e.File == kernelLogName {
				e.Time = sf.kern.time(line)
			}
			continue
		}
		if e.Source != System {
			continue
		}
		switch string(e.Data) {
		case startedRecord:
			sf.life.started = max(sf.life.started, e.Time.UnixNano())
		case stoppedRecord:
			sf.life.stopped = append(sf.life.stopped, e.Time.UnixNano())
		}
	}
}

// checkKernelIndex moves the anchor of the newest kernel.log file inside
// what exec.log's lifecycle records allow (checkedBoot), with the times of
// its records, and hands the anchor on to the chain's clock. It runs after
// the files are indexed and before each track's records are joined and
// sorted.
func checkKernelIndex(tracks []*snapTrack) {
	var exec *snapTrack
	for _, tr := range tracks {
		if tr.ch.ft.Format == FormatJSONL {
			exec = tr
		}
	}
	for _, tr := range tracks {
		if tr.ch.ft.Name != kernelLogName || len(tr.files) == 0 {
			continue
		}
		sf := tr.files[len(tr.files)-1]
		k := &sf.kern
		if k.ok && exec != nil {
			if boot, moved := execBounds(exec, k); moved {
				delta := boot.Sub(k.boot)
				k.boot = boot
				if !k.last.IsZero() {
					k.last = k.last.Add(delta)
				}
				sf.recs.each(func(r *idxRec) bool {
					r.setTime(r.time().Add(delta))
					return true
				})
			}
		}
		if k.ok {
			tr.ch.kclock = &kernelClock{ino: sf.cf.ino, boot: k.boot, ok: true, last: k.last}
		}
	}
}

// execBounds applies checkedBoot to the lifecycle records the exec files
// noted and the kernel file's anchor.
func execBounds(exec *snapTrack, k *snapKernel) (time.Time, bool) {
	var started, before, after int64
	for _, sf := range exec.files {
		started = max(started, sf.life.started)
	}
	if started == 0 {
		return k.boot, false
	}
	for _, sf := range exec.files {
		for _, t := range sf.life.stopped {
			if t < started {
				before = max(before, t)
			} else {
				after = max(after, t)
			}
		}
	}
	var initUp time.Duration
	if k.init {
		initUp = k.initUp
	}
	return checkedBoot(k.boot, unixTime(started), unixTime(before), unixTime(after), initUp)
}

// unixTime is t nanoseconds after the epoch, zero for 0.
func unixTime(t int64) time.Time {
	if t == 0 {
		return time.Time{}
	}
	return time.Unix(0, t).UTC()
}

// placeJoined gives a kernel line that a rotation split (head is its
// start) its time: its stamp on the anchor of the file it ends in, else
// that file's boot.
func (k *snapKernel) placeJoined(head []byte, es []Entry) {
	if !k.on || !k.ok {
		return
	}
	for i := range es {
		if es[i].Mark != MarkNone || es[i].File != kernelLogName {
			continue
		}
		if up, ok := parseUptime(head); ok {
			es[i].Time = k.boot.Add(up)
		} else {
			es[i].Time = k.boot
		}
	}
}

// timeAs gives kernel entries read again the time their record has in the
// index: the parser alone would give them the file's modification time.
func (k *snapKernel) timeAs(es []Entry, r *idxRec) {
	if !k.on || !k.ok {
		return
	}
	t := r.time()
	for i := range es {
		if es[i].Mark == MarkNone && es[i].File == kernelLogName {
			es[i].Time = t
		}
	}
}
