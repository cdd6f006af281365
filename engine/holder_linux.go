//go:build linux

package engine

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"os/exec"
	"os/signal"
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
// that only looks has no such work next to it, and it can ask the kernel
// for real-time priority (SCHED_FIFO), which the reader should not: its
// parsing would then starve the producer. Measured next to a flat-out
// reader, such a process lost no file in runs where the in-process watcher
// lost a few a minute.
//
// The holder is the same executable run again: an init function of this
// package recognises it (holderEnv, holderArg0) before main runs, so every
// program that imports the engine, test binaries included, can be one.
// Files arrive in chain order with the gap marks the holder's looks
// decided, exactly as the watcher's looks would append them. If the holder
// cannot start or dies, the reader's watcher looks again from the newest
// file it holds, so a holder can only make a follow better.

// holderEnv and holderArg0 mark a process started as a holder.
const (
	holderEnv  = "SANDTAIL_ENGINE_HOLDER"
	holderArg0 = "sandtail-holder"
	holderSock = 3 // the socket's descriptor in the holder (the first of ExtraFiles)
)

// holderMask is what the holder asks inotify about: everything the
// watcher does but writes, which the holder has no use for and which a
// producer writing flat out makes by the thousand a second, each waking a
// process that preempts whatever runs.
const holderMask = inotifyMask &^ unix.IN_MODIFY

// holderSlice is the scheduler slice the holder asks for when real-time
// priority is refused: on Linux 6.12 and later a short slice gets a woken
// task onto a processor sooner; older kernels ignore it.
const holderSlice = 100 * time.Microsecond

func init() {
	if os.Getenv(holderEnv) != "1" || len(os.Args) == 0 || os.Args[0] != holderArg0 {
		return
	}
	os.Exit(runHolder(os.Args[1:]))
}

// The messages on the socket: a fixed record, with a descriptor attached
// to msgChain (the reader's newest file of a chain) and msgFile.
const (
	msgReady = 'R' // holder → reader: started, waiting for the chains
	msgChain = 'C' // reader → holder: the newest file held of chain ci
	msgGo    = 'G' // reader → holder: the reader stopped looking; go
	msgFile  = 'F' // holder → reader: the next file of chain ci
)

const (
	flagGap     = 1 << iota // msgFile: files may have come and gone before this one
	flagScanned             // msgChain: the chain was looked at already
	flagFIFO                // msgReady: the holder runs at real-time priority
	flagSlice               // msgReady: the holder runs with a short slice
)

const holdMsgLen = 16

type holdMsg struct {
	kind   byte
	ci     uint8 // chain, by its place in the holder's arguments
	slot   uint8 // where the file was when the look took it
	opened uint8 // where it was first opened (see chain.openedAt)
	flags  uint8
	ino    uint64
}

// holdConn sends and receives holdMsgs with at most one descriptor each.
// Its buffers are made once: the holder's sends come right after a look
// and, like the look, do not allocate.
type holdConn struct {
	fd    int
	out   [holdMsgLen]byte
	in    [holdMsgLen]byte
	oob   []byte // one SCM_RIGHTS record; the descriptor is written in
	inOob []byte
}

func newHoldConn(fd int) *holdConn {
	return &holdConn{fd: fd, oob: unix.UnixRights(0), inOob: make([]byte, unix.CmsgSpace(4*4))}
}

// send sends m with fd (none when fd < 0) without waiting: a full socket
// gives unix.EAGAIN.
func (hc *holdConn) send(m holdMsg, fd int) error {
	b := &hc.out
	b[0], b[1], b[2], b[3], b[4] = m.kind, m.ci, m.slot, m.opened, m.flags
	binary.NativeEndian.PutUint64(b[8:], m.ino)
	var oob []byte
	if fd >= 0 {
		oob = hc.oob
		binary.NativeEndian.PutUint32(oob[unix.CmsgLen(0):], uint32(fd))
	}
	for {
		err := unix.Sendmsg(hc.fd, b[:], oob, nil, unix.MSG_DONTWAIT|unix.MSG_NOSIGNAL)
		if err != unix.EINTR {
			return err
		}
	}
}

// recv waits for the next message. fd is its descriptor (-1 if none); lost
// is set when a descriptor was sent but could not be received (the
// reader's descriptor limit). The other side closing gives io.EOF.
func (hc *holdConn) recv() (m holdMsg, fd int, lost bool, err error) {
	var n, oobn, flags int
	for {
		n, oobn, flags, _, err = unix.Recvmsg(hc.fd, hc.in[:], hc.inOob, unix.MSG_CMSG_CLOEXEC)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return m, -1, false, err
	}
	if n == 0 {
		return m, -1, false, io.EOF
	}
	fd = -1
	if oobn > 0 {
		scms, _ := unix.ParseSocketControlMessage(hc.inOob[:oobn])
		for i := range scms {
			fds, _ := unix.ParseUnixRights(&scms[i])
			for _, f := range fds {
				if fd < 0 {
					fd = f
				} else {
					unix.Close(f)
				}
			}
		}
	}
	if n != holdMsgLen {
		if fd >= 0 {
			unix.Close(fd)
		}
		return m, -1, false, errHoldProtocol
	}
	b := hc.in[:]
	m = holdMsg{kind: b[0], ci: b[1], slot: b[2], opened: b[3], flags: b[4], ino: binary.NativeEndian.Uint64(b[8:])}
	return m, fd, flags&unix.MSG_CTRUNC != 0, nil
}

var errHoldProtocol = errors.New("engine: holder: malformed message")

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
}

// startHolder starts a holder for the rotating chains among chains, which
// w watches. It returns nil when there are none or the process cannot
// start; w then goes on looking by itself.
func startHolder(dir string, w *watcher, chains []*chain, poll time.Duration) *holder {
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
	if poll <= 0 {
		poll = defaultPollInterval
	}
	cmd := &exec.Cmd{
		// This very executable, even if the file was replaced (an
		// upgrade) or deleted since it started.
		Path:       "/proc/self/exe",
		Args:       []string{holderArg0, dir, strings.Join(types, ","), poll.String()},
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
		h.receive()
	}
	unix.Shutdown(h.hc.fd, unix.SHUT_RDWR) //nolint:errcheck // the holder sees the end and exits
	h.w.gate.Lock()
	for _, c := range h.chains {
		c.remote.Store(false)
	}
	h.w.gate.Unlock()
	select {
	case <-h.stop:
	default:
		// The holder died: look now, from the newest file it handed over.
		h.w.look()
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
	for _, c := range h.chains {
		c.remote.Store(true)
	}
	return true
}

// sendNewest sends the newest file c holds (none if it holds none) as
// chain ci.
func (h *holder) sendNewest(ci int, c *chain) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := holdMsg{kind: msgChain, ci: uint8(ci)}
	if c.scanned {
		m.flags |= flagScanned
	}
	n := len(c.files)
	if n == 0 {
		return h.hc.send(m, -1) == nil
	}
	cf := c.files[n-1]
	m.ino, m.slot = cf.ino, uint8(cf.slot)
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
			select {
			case <-h.stop:
				unix.Close(fd)
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
		c.adopt(fd, m, lost[m.ci])
		lost[m.ci] = false
		h.w.signal()
	}
}

// adopt appends a file the holder opened.
func (c *chain) adopt(fd int, m holdMsg, lost bool) {
	cf := &chainFile{f: fileHandle{fd: fd, name: c.paths[m.slot]}, ino: m.ino,
		slot: int(m.slot), opened: int(m.opened), gapBefore: lost || m.flags&flagGap != 0}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		unix.Close(fd)
		return
	}
	c.files = append(c.files, cf)
	c.changes++
	c.openedAt[cf.opened].Add(1)
}

// heldCount is how many files c holds.
func (c *chain) heldCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.files)
}

// runHolder is the holder process: args are the directory, the chains'
// file types (indexes into fileTable) and the fallback poll. It returns
// the exit code.
func runHolder(args []string) int {
	if len(args) != 3 {
		return 2
	}
	dir := args[0]
	poll, err := time.ParseDuration(args[2])
	if err != nil {
		return 2
	}
	var chains []*chain
	for _, s := range strings.Split(args[1], ",") {
		i, err := strconv.Atoi(s)
		if err != nil || i < 0 || i >= len(fileTable) {
			return 2
		}
		chains = append(chains, newChain(dir, &fileTable[i]))
	}
	defer closeChains(chains)
	// Ctrl-C in a terminal interrupts the whole process group; the reader
	// decides when its follow ends, and the holder goes with it.
	signal.Ignore(unix.SIGINT)
	prio := raisePriority()
	hc := newHoldConn(holderSock)
	w := newWatcher(dir, chains, poll)
	// Events count from before the reader stops looking.
	ws := w.prepare(holderMask)
	if hc.send(holdMsg{kind: msgReady, flags: prio}, -1) != nil {
		return 1
	}
	for {
		m, fd, _, err := hc.recv()
		if err != nil {
			return 1
		}
		if m.kind == msgGo {
			break
		}
		if m.kind != msgChain || int(m.ci) >= len(chains) || int(m.slot) >= len(chains[m.ci].paths) {
			if fd >= 0 {
				unix.Close(fd)
			}
			return 1
		}
		c := chains[m.ci]
		c.scanned = m.flags&flagScanned != 0
		if fd >= 0 {
			c.files = append(c.files, &chainFile{f: fileHandle{fd: fd, name: c.paths[m.slot]}, ino: m.ino, slot: int(m.slot)})
		}
	}
	s := &holdSender{hc: hc, chains: chains, sent: make([]int, len(chains))}
	for ci, c := range chains {
		s.sent[ci] = len(c.files) // the reader's own
	}
	w.afterLook = s.flush
	ws.start()
	// Until the reader goes: the end of the socket, or an error on it.
	var b [holdMsgLen]byte
	for {
		n, err := unix.Read(holderSock, b[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			break
		}
	}
	w.close()
	return 0
}

// holdSender sends, after every look of the holder, the files it added.
type holdSender struct {
	hc     *holdConn
	chains []*chain
	sent   []int // per chain: how many of its files, from the first, were sent
}

// flush sends every file not sent yet, oldest first, and lets go of all
// but the newest (the reader has them now; the newest is what the next
// look compares with). A full socket leaves the rest for the next look.
func (s *holdSender) flush() {
	for ci, c := range s.chains {
		c.mu.Lock()
		for s.sent[ci] < len(c.files) {
			cf := c.files[s.sent[ci]]
			m := holdMsg{kind: msgFile, ci: uint8(ci), slot: uint8(cf.slot), opened: uint8(cf.opened), ino: cf.ino}
			if cf.gapBefore {
				m.flags |= flagGap
			}
			if s.hc.send(m, cf.f.fd) != nil {
				break
			}
			s.sent[ci]++
		}
		drop := s.sent[ci] - 1
		c.mu.Unlock()
		for range drop {
			c.pop()
		}
		if drop > 0 {
			s.sent[ci] -= drop
		}
	}
}

// raisePriority puts every thread of the holder at real-time priority
// when the process may have it (root, CAP_SYS_NICE, an RLIMIT_RTPRIO),
// otherwise asks for a short slice; it returns flagFIFO, flagSlice or 0
// for what it got. Threads started later inherit it.
func raisePriority() uint8 {
	fifo := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_FIFO, Priority: 1}
	if setAllThreads(&fifo) == nil {
		return flagFIFO
	}
	slice := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_NORMAL, Runtime: uint64(holderSlice)}
	if setAllThreads(&slice) == nil {
		return flagSlice
	}
	return 0 // normal priority still works, less well
}

func setAllThreads(attr *unix.SchedAttr) error {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return err
	}
	for _, task := range tasks {
		tid, err := strconv.Atoi(task.Name())
		if err != nil {
			continue
		}
		if err := unix.SchedSetAttr(tid, attr, 0); err != nil {
			return err
		}
	}
	return nil
}
