//go:build linux

package engine

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// A holder is a helper process that does a follow's looks at rotating
// chains in place of the reader's watcher, and hands every file it opens to
// the reader over a Unix socket (SCM_RIGHTS) as soon as it has it.
//
// Why a process: a producer writing flat out with rotation every 256 KiB
// moves a file out of retention about 6 ms after creating it, and on a
// machine of two processors, one taken by the producer, the reader's own
// watcher sometimes waits longer than that. Traces showed its thread not
// run by the kernel, or run but waiting for one of Go's processors, which
// the reader's parsing, copying and garbage collection hold. A process
// that only looks has no such work next to it. Asked to (HolderRealtime),
// it can also ask the kernel for real-time priority (SCHED_FIFO), which
// the reader should not: its parsing would then starve the producer. Not
// by default: a real-time process woken by every event in a directory
// that others can write to lets them slow the whole machine.
//
// The holder is the same executable run again: RunHolderIfRequested,
// called first thing in main (and in the TestMain of tests that follow
// with a holder), recognises it (holderEnv, holderArg0) and runs it.
// Files arrive in chain order with the gap marks the holder's looks
// decided, exactly as the watcher's looks would append them. If the holder
// cannot start or dies, the reader's watcher looks again from the newest
// file it holds, so a holder can only make a follow better.
//
// This file is the stream's side; holder_process_linux.go is the process, and
// holder_wire_linux.go the messages between them.

// holderEnv and holderArg0 mark a process started as a holder.
const (
	holderEnv  = "SANDTAIL_ENGINE_HOLDER"
	holderArg0 = "sandtail-holder"
	holderSock = 3 // the socket's descriptor in the holder (the first of ExtraFiles)
)

// The holder's priority argument: as started, or raised (HolderRealtime).
const (
	prioNormal   = "normal"
	prioRealtime = "realtime"
)

// holder is the reader's side of a holder process.
type holder struct {
	cmd    *exec.Cmd
	hc     *holdConn
	w      *watcher
	chains []*chain // the rotating chains, numbered as in the messages
	// priority is what the holder got: "fifo", "slice" or "normal" (set
	// once it has started; "" before).
	priority atomic.Value
	stop     chan struct{}
	done     chan struct{}
	chk      holderCheck // is it still answering? (holder_check_linux.go)
	// releaseDue is set when telling the holder of files closed found
	// its socket full: the next look tells it again.
	releaseDue atomic.Bool
}

// startHolder starts a holder for the rotating chains among chains, which
// w watches. It returns nil when there are none or the process cannot
// start; w then goes on looking by itself.
func startHolder(dir string, w *watcher, chains []*chain, opts Options) *holder {
	var rot []*chain
	var types []string
	for _, c := range chains {
		if c.ft.Rotates && len(rot) < 255 {
			rot = append(rot, c)
			types = append(types, strconv.Itoa(fileIndex(c.ft)))
		}
	}
	if len(rot) == 0 {
		return nil
	}
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_SEQPACKET|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	theirs := os.NewFile(uintptr(fds[1]), "holder socket")
	defer theirs.Close()
	poll := opts.PollInterval
	if poll <= 0 {
		poll = defaultPollInterval
	}
	prio := prioNormal
	if opts.HolderRealtime {
		prio = prioRealtime
	}
	cmd := &exec.Cmd{
		// This very executable, even if the file was replaced (an
		// upgrade) or deleted since it started.
		Path: "/proc/self/exe",
		Args: []string{holderArg0, dir, strings.Join(types, ","), poll.String(), prio,
			strconv.FormatInt(rot[0].budget, 10)},
		Env:        append(os.Environ(), holderEnv+"=1"),
		ExtraFiles: []*os.File{theirs},
	}
	if err := cmd.Start(); err != nil {
		unix.Close(fds[0])
		return nil
	}
	h := &holder{cmd: cmd, hc: newHoldConn(fds[0]), w: w, chains: rot,
		stop: make(chan struct{}), done: make(chan struct{})}
	go h.run()
	return h
}

// priorityName says what priority the holder got ("none" without one).
func (h *holder) priorityName() string {
	if h == nil {
		return "none"
	}
	p, _ := h.priority.Load().(string)
	return p
}

// fileIndex is ft's place in fileTable.
func fileIndex(ft *FileType) int {
	for i := range fileTable {
		if &fileTable[i] == ft {
			return i
		}
	}
	return -1
}

// close stops the holder and waits for it; the files it handed over stay
// with their chains.
func (h *holder) close() {
	if h == nil {
		return
	}
	h.stopChecks()
	close(h.stop)
	// Shutdown, not close, wakes a receive under way.
	unix.Shutdown(h.hc.fd, unix.SHUT_RDWR) //nolint:errcheck // closing regardless
	<-h.done
	h.cmd.Process.Kill() //nolint:errcheck // it may have gone already
	h.cmd.Wait()         //nolint:errcheck // killed on purpose
	unix.Close(h.hc.fd)
}

// run hands the chains over to the holder, then takes in the files it
// sends until it goes; then the watcher looks by itself again.
func (h *holder) run() {
	defer close(h.done)
	if h.handOver() {
		h.watchChains()
		h.receive()
	}
	h.stopChecks()
	unix.Shutdown(h.hc.fd, unix.SHUT_RDWR) //nolint:errcheck // the holder sees the end and exits
	h.w.gate.Lock()
	for _, c := range h.chains {
		c.remote.Store(false)
		c.onRelease.Store(nil)
	}
	h.w.gate.Unlock()
	select {
	case <-h.stop:
	default:
		// The holder died or stopped answering: look now, from the
		// newest file it handed over.
		h.w.look()
		h.w.signal()
	}
}

// handOver waits for the holder to start, then stops the watcher's looks
// at the rotating chains and gives the holder the newest file of each, the
// one its first look starts from.
func (h *holder) handOver() bool {
	m, fd, _, err := h.hc.recv()
	if fd >= 0 {
		unix.Close(fd)
	}
	if err != nil || m.kind != msgReady {
		return false
	}
	switch {
	case m.flags&flagFIFO != 0:
		h.priority.Store("fifo")
	case m.flags&flagSlice != 0:
		h.priority.Store("slice")
	default:
		h.priority.Store("normal")
	}
	// No look runs from here until the holder has the chains: what a look
	// would add now, the holder's first look adds.
	h.w.gate.Lock()
	defer h.w.gate.Unlock()
	for ci, c := range h.chains {
		if !h.sendNewest(ci, c) {
			return false
		}
	}
	if h.hc.send(holdMsg{kind: msgGo}, -1) != nil {
		return false
	}
	for ci, c := range h.chains {
		c.remote.Store(true)
		f := func() { h.sendRelease(ci) }
		c.onRelease.Store(&f)
	}
	return true
}

// sendRelease tells the holder what the files of chain ci the reader
// closed counted for, in all, so that it counts what the reader still
// holds. A full socket leaves it to the next look (poke).
func (h *holder) sendRelease(ci int) {
	c := h.chains[ci]
	m := holdMsg{kind: msgRelease, ci: uint8(ci), size: uint64(c.releasedCounted.Load()), files: uint32(c.releasedFiles.Load())}
	if h.hc.send(m, -1) != nil {
		h.releaseDue.Store(true)
	}
}

// resendReleases sends the releases a full socket held back.
func (h *holder) resendReleases() {
	if h.releaseDue.Swap(false) {
		for ci := range h.chains {
			h.sendRelease(ci)
		}
	}
}

// sendNewest sends the newest file c holds (none if it holds none) as
// chain ci, with what the reader holds of the chain: from here on the
// holder counts it, and the reader tells it what it closes.
func (h *holder) sendNewest(ci int, c *chain) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	held := c.measure(0)
	for i, cf := range c.files {
		cf.counted = c.counted(cf, i == len(c.files)-1)
	}
	c.releasedCounted.Store(0)
	c.releasedFiles.Store(0)
	m := holdMsg{kind: msgChain, ci: uint8(ci), size: uint64(held), gapBytes: uint64(c.maxRotated), files: uint32(len(c.files))}
	if c.scanned {
		m.flags |= flagScanned
	}
	n := len(c.files)
	if n == 0 {
		return h.hc.send(m, -1) == nil
	}
	cf := c.files[n-1]
	m.ino, m.slot, m.flags = cf.ino, uint8(cf.slot), m.flags|flagHolds
	cf.f.mu.RLock()
	defer cf.f.mu.RUnlock()
	return cf.f.fd >= 0 && h.hc.send(m, cf.f.fd) == nil
}

// receive appends the files the holder sends to their chains until it
// goes or the stream closes. A chain that holds maxHeldFiles unread files
// takes no more until the reader catches up: the socket then fills, the
// holder keeps what it cannot send, and past its own limit it stops
// opening, so a reader that stopped reading sees a MissedRotationError
// rather than descriptors piling up without end.
func (h *holder) receive() {
	lost := make([]bool, len(h.chains))
	for {
		m, fd, trunc, err := h.hc.recv()
		if err != nil {
			return
		}
		if m.kind == msgOdd && fd < 0 && int(m.ci) < len(h.chains) && int(m.slot) < len(h.chains[m.ci].paths) {
			h.chains[m.ci].noteOdd(int(m.slot), m.ino, uint32(m.typ)<<12)
			h.w.signal()
			continue
		}
		if m.kind == msgPong && fd < 0 {
			h.pong()
			continue
		}
		if m.kind != msgFile || int(m.ci) >= len(h.chains) || int(m.slot) >= len(h.chains[m.ci].paths) || int(m.opened) >= maxSlots {
			if fd >= 0 {
				unix.Close(fd)
			}
			return
		}
		if fd < 0 || trunc {
			// The file was sent but its descriptor did not arrive: the
			// next one follows a gap.
			if fd >= 0 {
				unix.Close(fd)
			}
			lost[m.ci] = true
			continue
		}
		c := h.chains[m.ci]
		for c.heldCount() >= maxHeldFiles {
			h.chk.waiting.Store(true)
			select {
			case <-h.stop:
				unix.Close(fd)
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
		h.chk.waiting.Store(false)
		if c.adopt(fd, m, lost[m.ci]) {
			c.notifyRelease()
		}
		lost[m.ci] = false
		h.w.signal()
	}
}

// adopt appends a file the holder opened, then keeps the chain within its
// budget; it reports whether it let go of files to do so.
func (c *chain) adopt(fd int, m holdMsg, lost bool) bool {
	cf := &chainFile{f: fileHandle{fd: fd, name: c.paths[m.slot]}, ino: m.ino,
		slot: int(m.slot), opened: int(m.opened), counted: int64(m.size)}
	cf.gap = gapInfo{unseen: lost || m.flags&flagGap != 0,
		released: int64(m.released), releasedBytes: int64(m.gapBytes)}
	if !lost && m.flags&flagGap != 0 {
		// A descriptor that did not arrive is one more file lost,
		// uncounted: then the count is not known.
		cf.gap.lost = int64(m.lost)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		unix.Close(fd)
		return false
	}
	c.files = append(c.files, cf)
	c.changes++
	c.openedAt[cf.opened].Add(1)
	return c.trim(0, 1, 0) > 0
}
