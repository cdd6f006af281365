//go:build linux

package engine

import (
	"encoding/binary"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// inotifyMask is what the watcher asks the kernel about the directory:
// files appearing, moving and going (the chain changed), writes (the
// consumer has something to read) and the directory itself going.
const inotifyMask = unix.IN_CREATE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO |
	unix.IN_DELETE | unix.IN_MODIFY | selfGone

// selfGone are the events about the watched directory itself going away.
const selfGone = unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_IGNORED

// stormPause is how long the watcher lets events gather after a wake that
// brought nothing but events about other files. A storm of them (a
// process creating and deleting temporary files in the log directory)
// otherwise wakes it for nearly every event, which cost it more processor
// time than the storm's own process used; pausing bounds the wakes to a
// thousand a second, and delays a look at a rotation during such a storm
// by at most this much, a sixth of the time a file rotated every 256 KiB
// stays in retention.
const stormPause = time.Millisecond

// chainChange is the part of inotifyMask after which the chain must be
// looked at again; a write only wakes the consumer.
const chainChange = unix.IN_CREATE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_DELETE

// newLiveFile is an event that puts a new file under the live name.
const newLiveFile = unix.IN_CREATE | unix.IN_MOVED_TO

// inotifyBuf is how many bytes of events one read takes (about 2000
// events at the names of log files).
const inotifyBuf = 64 << 10

// slotRef names a slot of a chain.
type slotRef struct{ ci, slot int }

// inotifyCounter reads the inotify queue for whoever looks first (the
// watching goroutine or a busy consumer) and counts, per chain, the files
// created under the live name and every change to the chain's names. Each
// IN_CREATE is queued by the kernel before the create returns, so a count
// taken after a look is exact for what the look saw. A queue overflow lost
// events: counting starts a new epoch.
type inotifyCounter struct {
	w     *watcher
	fd    int
	kick  func() // makes the watching goroutine look
	names map[string]slotRef

	mu      sync.Mutex // guards everything below and reads of fd
	buf     []byte
	epoch   uint64
	creates []int64
	changes []uint64
	look    bool // events since the watching goroutine last took these
	wake    bool
}

func newInotifyCounter(w *watcher, fd int, kick func()) *inotifyCounter {
	ic := &inotifyCounter{w: w, fd: fd, kick: kick, names: map[string]slotRef{},
		buf: make([]byte, inotifyBuf), epoch: 1,
		creates: make([]int64, len(w.chains)), changes: make([]uint64, len(w.chains))}
	for ci, c := range w.chains {
		for k := range c.paths {
			name := c.ft.Name
			if k > 0 {
				name += "." + strconv.Itoa(k)
			}
			ic.names[name] = slotRef{ci: ci, slot: k}
		}
	}
	return ic
}

func (ic *inotifyCounter) mark(ci int) creationMark {
	ic.mu.Lock()
	look := ic.drain()
	m := creationMark{epoch: ic.epoch, creates: ic.creates[ci], changes: ic.changes[ci]}
	ic.mu.Unlock()
	if look {
		ic.kick()
	}
	return m
}

func (ic *inotifyCounter) settledMark(ci, dirfd int) creationMark {
	waitQueued(dirfd)
	return ic.mark(ci)
}

// waitQueued waits for a rename or create under way in the directory to
// queue its event: reading the directory takes its lock, which a rename or
// a create holds until it has queued its event.
func waitQueued(dirfd int) {
	if dirfd != unix.AT_FDCWD {
		var b [512]byte
		unix.Getdents(dirfd, b[:]) //nolint:errcheck // only the lock matters
	}
}

// take returns and clears what the events read since the last take ask of
// the watching goroutine.
func (ic *inotifyCounter) take() (look, wake bool) {
	ic.mu.Lock()
	ic.drain()
	look, wake = ic.look, ic.wake
	ic.look, ic.wake = false, false
	ic.mu.Unlock()
	return look, wake
}

// drain reads everything queued, with mu held, and reports whether any of
// it changed a chain.
func (ic *inotifyCounter) drain() (look bool) {
	return drainInotify(ic.fd, ic.buf, ic.parse)
}

// drainInotify reads everything queued on an inotify descriptor into buf
// and hands each read to parse; it reports whether any parse did.
func drainInotify(fd int, buf []byte, parse func([]byte) bool) (any bool) {
	for {
		n, err := unix.Read(fd, buf)
		if err == unix.EINTR {
			continue
		}
		if err != nil || n <= 0 {
			return any
		}
		if parse(buf[:n]) {
			any = true
		}
	}
}

// inotifyEvents calls fn for each event in b, what one read of an inotify
// descriptor gave, with the name's padding cut off. A short last event is
// cut to what is there.
func inotifyEvents(b []byte, fn func(wd int32, mask uint32, name []byte)) {
	const hdr = unix.SizeofInotifyEvent
	for off := 0; off+hdr <= len(b); {
		wd := int32(binary.NativeEndian.Uint32(b[off:]))
		mask := binary.NativeEndian.Uint32(b[off+4:])
		nameLen := int(binary.NativeEndian.Uint32(b[off+12:]))
		end := min(off+hdr+nameLen, len(b))
		name := b[off+hdr : end]
		for len(name) > 0 && name[len(name)-1] == 0 {
			name = name[:len(name)-1]
		}
		off = end
		fn(wd, mask, name)
	}
}

// parse counts the events in b.
func (ic *inotifyCounter) parse(b []byte) (look bool) {
	inotifyEvents(b, func(_ int32, mask uint32, name []byte) {
		switch {
		case mask&unix.IN_Q_OVERFLOW != 0:
			ic.epoch++
			for ci := range ic.changes {
				ic.changes[ci]++
			}
			look = true
			ic.wake = true
			return
		case mask&selfGone != 0:
			ic.w.checkRemoved()
			look = true
			ic.wake = true
			return
		}
		ref, ok := ic.names[string(name)]
		if !ok {
			return
		}
		ic.wake = true
		if mask&chainChange != 0 {
			look = true
			ic.changes[ref.ci]++
			if ref.slot == 0 && mask&newLiveFile != 0 {
				ic.creates[ref.ci]++
			}
		}
	})
	if look {
		ic.look = true
	}
	return look
}

// wakeByte is what interrupt writes: a package variable, as a literal
// escaped to the heap under the race detector, and looks do not allocate.
var wakeByte = [1]byte{0}

// start launches the watching goroutine. On Linux it reads inotify itself
// rather than through fsnotify: fsnotify's reader hands events to another
// goroutine over a channel, and while a busy consumer and a flood of events
// keep both processors occupied, that second goroutine waited 5–20 ms for
// one, longer than a 256 KiB rotation stays in retention at 200 MiB/s.
// Here the goroutine whose thread the kernel wakes is the one that looks,
// and the inotify queue doubles as an exact count of rotations (see
// inotifyCounter). inotify failing (no instances left) leaves the fallback
// poll, which still works.
func (w *watcher) start() {
	w.prepare(inotifyMask).start()
}

// watchSetup is a watcher's inotify instance (fd, -1 if none), the pipe
// that interrupts its wait (p) and its counter (nil without either).
type watchSetup struct {
	w  *watcher
	fd int
	p  [2]int
	ic *inotifyCounter
}

// prepare opens the inotify instance, asking for the events in mask, and
// the pipe. Events are counted from here on; nothing is looked at yet.
func (w *watcher) prepare(mask uint32) *watchSetup {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err == nil {
		if _, err = unix.InotifyAddWatch(fd, w.dir, mask); err != nil {
			unix.Close(fd)
		}
	}
	if err != nil {
		fd = -1
	}
	var p [2]int
	if err := unix.Pipe2(p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		// Without a pipe the goroutine cannot be interrupted: wait on the
		// fallback poll only, which sees stop within one interval.
		p = [2]int{-1, -1}
	}
	w.interrupt = func() {
		if p[1] >= 0 {
			unix.Write(p[1], wakeByte[:]) //nolint:errcheck // a full pipe is awake already
		}
	}
	var ic *inotifyCounter
	if fd >= 0 && p[1] >= 0 {
		// Without a pipe a consumer that took events in could not make
		// the watcher look: then only the watcher reads them, uncounted.
		ic = newInotifyCounter(w, fd, w.interrupt)
		for ci, c := range w.chains {
			c.ctr, c.ci = ic, ci
		}
	}
	return &watchSetup{w: w, fd: fd, p: p, ic: ic}
}

// start numbers the files held so far (the newest is the one a later look
// compares what it finds with) and launches the watching goroutine.
func (ws *watchSetup) start() {
	if ws.ic != nil {
		ws.w.look()
	}
	go ws.w.runInotify(ws.fd, ws.p, ws.ic)
}

// runInotify waits for inotify events (or the fallback poll, a kick, or
// stop) and looks at the directory as soon as the chain changed, in the
// goroutine the kernel woke.
func (w *watcher) runInotify(fd int, p [2]int, ic *inotifyCounter) {
	// The wait is a blocking poll, not Go's network poller: the kernel
	// wakes this goroutine's thread directly, where the network poller
	// notices a ready descriptor only when a processor looks for work,
	// which can take milliseconds while every processor is busy. (The
	// thread is not locked: a locked goroutine that finds no free
	// processor on waking must also wait for its own thread to be handed
	// one; locked, TestFollowAcrossManyRotations missed rotations in 2
	// of 5 race runs next to the sim tests, unlocked in none of 3.)
	defer close(w.done)
	defer func() {
		for _, c := range []int{fd, p[0], p[1]} {
			if c >= 0 {
				unix.Close(c)
			}
		}
	}()
	fds := []unix.PollFd{{Fd: int32(p[0]), Events: unix.POLLIN}, {Fd: int32(fd), Events: unix.POLLIN}}
	if fd < 0 {
		fds = fds[:1]
	}
	timeout := int(w.poll / time.Millisecond)
	buf := make([]byte, inotifyBuf)
	var pipeBuf [64]byte
	var lastLook time.Time
	for {
		select {
		case <-w.stop:
			return
		default:
		}
		n, err := unix.Poll(fds, timeout)
		if err == unix.EINTR {
			continue
		}
		look, wake := false, false
		switch {
		case err != nil || n == 0:
			look, wake = true, true // fallback poll
			w.checkRemoved()
		case fds[0].Revents != 0:
			// Stop, or a consumer took in events that need a look.
			unix.Read(p[0], pipeBuf[:]) //nolint:errcheck // emptied only to sleep again
		}
		if w.lookAsked.Swap(false) {
			look = true
		}
		if ic != nil {
			l, wk := ic.take()
			look, wake = look || l, wake || wk
		} else if fd >= 0 {
			l, wk := w.readEvents(fd, buf)
			look, wake = look || l, wake || wk
		}
		// A flood of events must not put off looks for good: writes to
		// the chain's files bring one every floodLookEvery, anything else
		// (files of other names coming and going) only the fallback poll
		// it keeps from timing out. Looking on every unrelated event made
		// a storm of them cost a watcher more than the storm itself.
		if since := time.Since(lastLook); look || (wake && since >= floodLookEvery) || since >= w.poll {
			w.look()
			lastLook = time.Now()
		}
		if wake {
			w.signal()
		}
		if n > 0 && fds[0].Revents == 0 && !look && !wake {
			// Woken by nothing but files of other names: let the next
			// ones gather rather than wake for each (see stormPause).
			time.Sleep(stormPause)
		}
	}
}

// readEvents reads what inotify has queued and says whether the chain may
// have changed (look) and whether anything concerns a watched file (wake).
// A queue overflow lost events: look. It serves when there is no counter.
func (w *watcher) readEvents(fd int, buf []byte) (look, wake bool) {
	n, err := unix.Read(fd, buf)
	if err != nil || n <= 0 {
		return false, false
	}
	const hdr = unix.SizeofInotifyEvent
	for off := 0; off+hdr <= n; {
		mask := binary.NativeEndian.Uint32(buf[off+4:])
		nameLen := int(binary.NativeEndian.Uint32(buf[off+12:]))
		end := min(off+hdr+nameLen, n)
		name := buf[off+hdr : end]
		for len(name) > 0 && name[len(name)-1] == 0 {
			name = name[:len(name)-1]
		}
		off = end
		if mask&(unix.IN_Q_OVERFLOW|selfGone) != 0 {
			if mask&selfGone != 0 {
				w.checkRemoved()
			}
			look, wake = true, true
			continue
		}
		if !w.relevant(string(name)) {
			continue
		}
		wake = true
		if mask&chainChange != 0 {
			look = true
		}
	}
	return look, wake
}
