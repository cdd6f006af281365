//go:build linux

package engine

import (
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// hubPoll is the shared watcher's fallback look at every directory. It is
// longer than a lone watcher's: with a hundred sandboxes followed, a look
// at each every quarter second would cost more than all of them being idle
// otherwise, and a lost event is not silent here either (a queue overflow
// is an event of its own and makes every member look at once).
const hubPoll = time.Second

// WatchHub is one inotify instance and one goroutine shared by many
// followed log directories. Linux allows a user 128 inotify instances by
// default; a stream of its own watcher takes one each (and its holder
// process another), so following hundreds of sandboxes at once needs them
// to share. A stream opened with Options.Watch set registers its directory
// here instead of starting a watcher of its own.
//
// Each member keeps what a lone watcher has: its creation counter (so
// rotations are numbered exactly, see inotifyCounter), looks on chain
// events, a wake on writes, and the fallback poll. Only the waiting is
// shared.
type WatchHub struct {
	fd   int    // the inotify instance, -1 if none could be made
	p    [2]int // interrupts the wait; -1 if none
	poll time.Duration
	done chan struct{}

	mu      sync.Mutex // a leaf: guards everything below and reads of fd
	closed  bool
	buf     []byte
	members map[int32]*hubMember // by watch descriptor
	loose   map[*hubMember]bool  // members without a watch: polled only
}

// hubMember is one directory of the hub: its watcher and the counts of its
// chains, guarded by WatchHub.mu.
type hubMember struct {
	h     *WatchHub
	w     *watcher
	wd    int32 // -1 without a watch
	names map[string]slotRef

	epoch   uint64
	creates []int64
	changes []uint64
	look    bool // a chain changed since the hub goroutine took the flags
	wake    bool // something of a watched file happened

	// run is held while the hub goroutine looks or wakes through this
	// member; leaving takes it, so no look runs after a stream closed.
	run      sync.Mutex
	gone     bool
	lastLook time.Time // hub goroutine only
	leave    sync.Once
}

// NewWatchHub makes the shared watcher. If inotify cannot be had (no
// instances left), its members are looked at on the fallback poll only,
// as a lone watcher would.
func NewWatchHub() *WatchHub {
	h := &WatchHub{fd: -1, p: [2]int{-1, -1}, poll: hubPoll, done: make(chan struct{}),
		buf: make([]byte, inotifyBuf), members: map[int32]*hubMember{}, loose: map[*hubMember]bool{}}
	if fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK); err == nil {
		h.fd = fd
	} else {
		h.poll = defaultPollInterval
	}
	if err := unix.Pipe2(h.p[:], unix.O_CLOEXEC|unix.O_NONBLOCK); err != nil {
		h.p = [2]int{-1, -1}
	}
	go h.run()
	return h
}

// Close stops the hub's goroutine. Streams still registered are looked at
// no more: close them first.
func (h *WatchHub) Close() {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return
	}
	h.closed = true
	h.mu.Unlock()
	h.kick()
	<-h.done
}

// kick interrupts the hub's wait.
func (h *WatchHub) kick() {
	if h.p[1] >= 0 {
		unix.Write(h.p[1], wakeByte[:]) //nolint:errcheck // a full pipe is awake already
	}
}

// attach registers w's directory and numbers the files it holds; from
// here on the hub looks for it and wakes its consumer. w.close leaves.
func (h *WatchHub) attach(w *watcher) {
	m := &hubMember{h: h, w: w, wd: -1, names: map[string]slotRef{}, epoch: 1,
		creates: make([]int64, len(w.chains)), changes: make([]uint64, len(w.chains))}
	for ci, c := range w.chains {
		for k := range c.paths {
			name := c.ft.Name
			if k > 0 {
				name += "." + strconv.Itoa(k)
			}
			m.names[name] = slotRef{ci: ci, slot: k}
		}
	}
	w.interrupt = func() {
		select {
		case <-w.stop:
			m.leave.Do(m.detach)
		default:
			h.kick()
		}
	}
	h.mu.Lock()
	if h.fd >= 0 && h.p[1] >= 0 && !h.closed {
		if wd, err := unix.InotifyAddWatch(h.fd, w.dir, inotifyMask); err == nil {
			m.wd = int32(wd)
		}
	}
	if m.wd >= 0 {
		if old, ok := h.members[m.wd]; ok {
			// The same directory twice: the kernel gives one watch. The
			// newer member takes the events; the older is polled.
			h.loose[old] = true
			old.wd, old.epoch = -1, 0 // its counts stop: no numbering
		}
		h.members[m.wd] = m
	} else {
		h.loose[m] = true
	}
	h.mu.Unlock()
	if m.wd >= 0 {
		for ci, c := range w.chains {
			c.ctr, c.ci = m, ci
		}
		w.look()
	}
	h.kick()
}

// detach ends the membership: no look runs for it once detach returns.
func (m *hubMember) detach() {
	m.run.Lock()
	m.gone = true
	m.run.Unlock()
	h := m.h
	h.mu.Lock()
	delete(h.loose, m)
	if m.wd >= 0 && h.members[m.wd] == m {
		delete(h.members, m.wd)
		if h.fd >= 0 && !h.closed {
			// After Close the descriptor is closed, and its number may
			// be another file's.
			unix.InotifyRmWatch(h.fd, uint32(m.wd)) //nolint:errcheck // the directory may be gone, and the watch with it
		}
	}
	h.mu.Unlock()
	close(m.w.done)
}

func (m *hubMember) mark(ci int) creationMark {
	h := m.h
	h.mu.Lock()
	others := h.drain()
	c := creationMark{epoch: m.epoch, creates: m.creates[ci], changes: m.changes[ci]}
	h.mu.Unlock()
	if others {
		h.kick()
	}
	return c
}

func (m *hubMember) settledMark(ci, dirfd int) creationMark {
	waitQueued(dirfd)
	return m.mark(ci)
}

// drain reads everything queued, with mu held, and reports whether any
// member got something to do.
func (h *WatchHub) drain() (any bool) {
	if h.fd < 0 || h.closed {
		return false // after Close the descriptor goes, and its number may be reused
	}
	return drainInotify(h.fd, h.buf, h.parse)
}

// parse counts the events in b for their members, with mu held.
func (h *WatchHub) parse(b []byte) (any bool) {
	inotifyEvents(b, func(wd int32, mask uint32, name []byte) {
		if mask&unix.IN_Q_OVERFLOW != 0 {
			// Events of every member were lost: each counts anew.
			for _, m := range h.members {
				m.epoch++
				for ci := range m.changes {
					m.changes[ci]++
				}
				m.look, m.wake = true, true
			}
			any = true
			return
		}
		m, ok := h.members[wd]
		if !ok {
			return // a member that left; its IN_IGNORED
		}
		if mask&selfGone != 0 {
			m.w.checkRemoved()
			m.look, m.wake, any = true, true, true
			return
		}
		ref, ok := m.names[string(name)]
		if !ok {
			return
		}
		m.wake, any = true, true
		if mask&chainChange != 0 {
			m.look = true
			m.changes[ref.ci]++
			if ref.slot == 0 && mask&newLiveFile != 0 {
				m.creates[ref.ci]++
			}
		}
	})
	return any
}

// hubWork is what the hub goroutine does for one member after a wake.
type hubWork struct {
	m          *hubMember
	look, wake bool
}

// run waits for events of every member, then looks and wakes for those
// that had some, and on the fallback poll for all of them.
func (h *WatchHub) run() {
	defer close(h.done)
	defer func() {
		for _, c := range []int{h.fd, h.p[0], h.p[1]} {
			if c >= 0 {
				unix.Close(c)
			}
		}
	}()
	// Slot 0 is the pipe, slot 1 inotify; a descriptor of -1 is ignored
	// by poll, which then waits for the timeout alone.
	fds := []unix.PollFd{{Fd: int32(h.p[0]), Events: unix.POLLIN}, {Fd: int32(h.fd), Events: unix.POLLIN}}
	var pipeBuf [64]byte
	var work []hubWork
	lastPoll := time.Now()
	timeout := int(h.poll / time.Millisecond)
	for {
		n, err := unix.Poll(fds, timeout)
		if err == unix.EINTR {
			continue
		}
		kicked := h.p[0] >= 0 && fds[0].Revents != 0
		if kicked {
			unix.Read(h.p[0], pipeBuf[:]) //nolint:errcheck // emptied only to sleep again
		}
		fallback := time.Since(lastPoll) >= h.poll
		if fallback {
			lastPoll = time.Now()
		}
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return
		}
		h.drain()
		work = work[:0]
		for _, m := range h.members {
			look, wake := m.look || m.w.lookAsked.Swap(false), m.wake
			m.look, m.wake = false, false
			if look || wake || fallback {
				work = append(work, hubWork{m: m, look: look, wake: wake})
			}
		}
		for m := range h.loose {
			if look := m.w.lookAsked.Swap(false); look || fallback {
				work = append(work, hubWork{m: m, look: look})
			}
		}
		h.mu.Unlock()
		relevant := false
		now := time.Now()
		for _, wk := range work {
			relevant = relevant || wk.look || wk.wake
			wk.m.serve(wk.look, wk.wake, fallback, now)
		}
		clear(work)
		if n > 0 && !relevant && !fallback && !kicked {
			// Woken by nothing but files of other names: let the next
			// ones gather (see stormPause).
			time.Sleep(stormPause)
		}
	}
}

// serve looks and wakes for one member, unless it left.
func (m *hubMember) serve(look, wake, fallback bool, now time.Time) {
	m.run.Lock()
	defer m.run.Unlock()
	if m.gone {
		return
	}
	if fallback {
		m.w.checkRemoved()
		look, wake = true, true
	}
	// As a lone watcher: writes bring a look every floodLookEvery, so a
	// flood of them does not put looks off for good.
	if look || (wake && now.Sub(m.lastLook) >= floodLookEvery) {
		m.w.look()
		m.lastLook = now
	}
	if wake {
		m.w.signal()
	}
}
