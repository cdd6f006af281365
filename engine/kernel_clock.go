package engine

// This file places kernel.log on the wall clock. The guest kernel's console
// stamps each line with its uptime ("[    1.234567] text"), seconds since
// the guest booted, not a time of day: taken as they are, kernel lines
// would all carry the file's modification time and sort after everything
// else, so a panic at boot would show up after the last line of output.
//
// kernel.log is rewritten at every boot, so one anchor serves the whole
// file: the boot's wall-clock time. The file's modification time is when
// its last line was written, and that line's stamp is the uptime at that
// moment, so boot = mtime - uptime(last stamped line). Each stamped line is
// then boot + its uptime, and a line without a stamp takes the time of the
// stamped line before it (the boot's own time when none came before).
//
// A snapshot also reads exec.log's lifecycle records when it reads
// kernel.log (both carry the system source) and checks the anchor against
// them: a guest boots before its agent reports ready ("--- sandbox started
// ---"), and after the run before it stopped. An anchor outside those
// bounds (a log directory copied without its times, a touched file) is
// moved inside them; see checkedBoot.

import (
	"bytes"
	"time"
)

// kernelLogName is the file whose lines carry uptime stamps.
const kernelLogName = "kernel.log"

// kernelTailBytes is how much of kernel.log's end is read to find its last
// stamped line: console lines are short, so this holds hundreds.
const kernelTailBytes = 64 << 10

// maxUptimeDigits bounds the whole seconds of a stamp: 9 digits is over 31
// years of uptime and keeps the sum within a time.Duration.
const maxUptimeDigits = 9

// parseUptime reads the console stamp at the start of a kernel line:
// optional spaces and an optional "<N>" priority, then '[', spaces,
// seconds, '.', 1 to 9 digits of fraction and ']'.
func parseUptime(line []byte) (time.Duration, bool) {
	i := 0
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i < len(line) && line[i] == '<' {
		j := i + 1
		for j < len(line) && j-i <= 4 && line[j] >= '0' && line[j] <= '9' {
			j++
		}
		if j == i+1 || j >= len(line) || line[j] != '>' {
			return 0, false
		}
		i = j + 1
	}
	if i >= len(line) || line[i] != '[' {
		return 0, false
	}
	i++
	for i < len(line) && line[i] == ' ' {
		i++
	}
	var sec int64
	start := i
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		if i-start >= maxUptimeDigits {
			return 0, false
		}
		sec = sec*10 + int64(line[i]-'0')
		i++
	}
	if i == start || i >= len(line) || line[i] != '.' {
		return 0, false
	}
	i++
	var nsec int64
	fstart := i
	for i < len(line) && line[i] >= '0' && line[i] <= '9' {
		if i-fstart >= 9 {
			return 0, false
		}
		nsec = nsec*10 + int64(line[i]-'0')
		i++
	}
	digits := i - fstart
	if digits == 0 || i >= len(line) || line[i] != ']' {
		return 0, false
	}
	for ; digits < 9; digits++ {
		nsec *= 10
	}
	return time.Duration(sec)*time.Second + time.Duration(nsec), true
}

// lastUptime returns the uptime of the last stamped line in b, the end of
// a file; when partial is set, b's first line may be cut and is ignored.
func lastUptime(b []byte, partial bool) (time.Duration, bool) {
	first := 0
	if partial {
		first = bytes.IndexByte(b, '\n') + 1
		if first == 0 {
			return 0, false
		}
	}
	end := len(b)
	for end > first {
		start := bytes.LastIndexByte(b[first:end], '\n') + first + 1
		if up, ok := parseUptime(b[start:end]); ok {
			return up, true
		}
		end = start - 1
	}
	return 0, false
}

// kernelClock is the anchor of one kernel.log file and the time of the
// last stamped line placed. A chain holds one; the snapshot and the stream
// that goes on from it share it, so both place lines alike.
type kernelClock struct {
	ino  uint64
	boot time.Time
	ok   bool
	last time.Time // time of the last stamped line placed (zero: none yet)
}

// reset forgets the anchor: the file was truncated for a new boot.
func (k *kernelClock) reset() { *k = kernelClock{} }

// anchor finds the boot time of f (inode ino) once per file: mtime minus
// the uptime of its last stamped line. A size or mtime that changed while
// the end was read (a line written meanwhile) makes it look again.
func (k *kernelClock) anchor(f *fileHandle, ino uint64) {
	if k.ok && k.ino == ino {
		return
	}
	if k.ino != ino {
		*k = kernelClock{ino: ino}
	}
	for try := 0; try < 3; try++ {
		before, err := statFile(f)
		if err != nil || before.size == 0 {
			return
		}
		from := max(before.size-kernelTailBytes, 0)
		buf := make([]byte, before.size-from)
		n, err := f.ReadAt(buf, from)
		if err != nil && n < len(buf) {
			return
		}
		after, err := statFile(f)
		if err != nil {
			return
		}
		if after.size != before.size || after.mtime != before.mtime {
			continue
		}
		up, ok := lastUptime(buf[:n], from > 0)
		if !ok {
			return
		}
		k.boot, k.ok = time.Unix(0, before.mtime).UTC().Add(-up), true
		return
	}
}

// place gives the kernel lines of es, in file order, their wall-clock
// time. Without an anchor (no stamped line in the file) they keep the
// file's modification time.
func (k *kernelClock) place(es []Entry) {
	if !k.ok {
		return
	}
	for i := range es {
		e := &es[i]
		if e.Mark != MarkNone || e.File != kernelLogName {
			continue
		}
		if up, ok := parseUptime(e.Data); ok {
			e.Time = k.boot.Add(up)
			k.last = e.Time
		} else if !k.last.IsZero() {
			e.Time = k.last
		} else {
			e.Time = k.boot
		}
	}
}

// kernelClockOf returns the chain's clock, or nil for a chain whose lines
// carry no uptime stamps.
func kernelClockOf(c *chain) *kernelClock {
	if c.ft.Name != kernelLogName {
		return nil
	}
	if c.kclock == nil {
		c.kclock = &kernelClock{}
	}
	return c.kclock
}

// Lifecycle records microsandbox writes to exec.log as system records.
const (
	startedRecord = "--- sandbox started ---\n"
	stoppedRecord = "--- sandbox stopped ---\n"
)

// placeKernel gives the kernel lines a stream just parsed from its current
// file their wall-clock times; the anchor is found when a file is first
// read (or again after it was truncated).
func (t *track) placeKernel(es []Entry) {
	k := kernelClockOf(t.ch)
	if k == nil || len(es) == 0 {
		return
	}
	k.anchor(&t.cur.f, t.cur.ino)
	k.place(es)
}

// checkedBoot moves a snapshot's kernel anchor inside what exec.log's
// lifecycle records allow (kernel_index.go finds them in the index). The
// guest whose boot kernel.log holds reported ready at the newest "started"
// record S, and the run before it stopped at the newest "stopped" record P
// before S (before): the boot lies in [P, S - u], where u is the uptime of
// the kernel line that hands over to the agent ("Run … as init process"),
// or 0 when there is none. When a "stopped" record Q follows S (after),
// kernel.log may instead be a new boot that has not reported ready yet: a
// boot after Q is accepted too. An anchor outside is moved to S - u: the
// ready record is the best clock left. It returns the boot to use and
// whether it moved.
func checkedBoot(boot, started, before, after time.Time, initUp time.Duration) (time.Time, bool) {
	latest := started.Add(-initUp)
	inRun := !boot.After(latest) && (before.IsZero() || !boot.Before(before))
	newBoot := !after.IsZero() && !boot.Before(after)
	if inRun || newBoot {
		return boot, false
	}
	return latest, true
}
