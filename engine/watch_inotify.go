//go:build linux

package engine

import (
	"encoding/binary"
	"errors"
	"time"

	"golang.org/x/sys/unix"
)

// inotifyMask is what the watcher asks the kernel about the directory:
// files appearing, moving and going (the chain changed), and writes (the
// consumer has something to read).
const inotifyMask = unix.IN_CREATE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO |
	unix.IN_DELETE | unix.IN_MODIFY | selfGone

// selfGone are the events about the watched directory itself going away.
const selfGone = unix.IN_DELETE_SELF | unix.IN_MOVE_SELF | unix.IN_IGNORED

// chainChange is the part of inotifyMask after which the chain must be
// looked at again; a write only wakes the consumer.
const chainChange = unix.IN_CREATE | unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_DELETE

// inotifyBuf is how many bytes of events one read takes (about 2000
// events at the names of log files).
const inotifyBuf = 64 << 10

// start launches the watching goroutine. On Linux it reads inotify itself
// rather than through fsnotify: fsnotify's reader hands events to another
// goroutine over a channel, and while a busy consumer and a flood of events
// keep both processors occupied, that second goroutine waited 5–20 ms for
// one, longer than a 256 KiB rotation stays in retention at 200 MiB/s.
// Here the goroutine whose thread the kernel wakes is the one that looks.
// inotify failing (no instances left) leaves the fallback poll, which
// still works.
func (w *watcher) start() {
	fd, err := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if err == nil {
		if _, err = unix.InotifyAddWatch(fd, w.dir, inotifyMask); err != nil {
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
			unix.Write(p[1], []byte{0}) //nolint:errcheck // a full pipe is awake already
		}
	}
	go w.runInotify(fd, p)
}

// runInotify waits for inotify events (or the fallback poll, or stop) and
// looks at the directory as soon as the chain changed, in the goroutine
// the kernel woke.
func (w *watcher) runInotify(fd int, p [2]int) {
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
	var lastLook time.Time
	for {
		select {
		case <-w.stop:
			return
		default:
		}
		n, err := unix.Poll(fds, timeout)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		look, wake := false, false
		switch {
		case err != nil || n == 0:
			look, wake = true, true // fallback poll
			w.checkRemoved()
		case fds[0].Revents != 0:
			return // interrupted: stop is closed
		default:
			look, wake = w.readEvents(fd, buf)
		}
		// A flood of writes must not put off looks for good.
		if look || time.Since(lastLook) >= floodLookEvery {
			w.look()
			lastLook = time.Now()
		}
		if wake {
			w.signal()
		}
	}
}

// readEvents reads what inotify has queued and says whether the chain may
// have changed (look) and whether anything concerns a watched file (wake).
// A queue overflow lost events: look.
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
		if mask&unix.IN_Q_OVERFLOW != 0 {
			look, wake = true, true
			continue
		}
		if mask&selfGone != 0 {
			w.checkRemoved()
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
