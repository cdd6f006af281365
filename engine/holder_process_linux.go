//go:build linux

package engine

import (
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// The holder process itself (see holder_linux.go).

// holderMask is what the holder asks inotify about: everything the
// watcher does but writes, which the holder has no use for and which a
// producer writing flat out makes by the thousand a second, each waking a
// process that preempts whatever runs.
const holderMask = inotifyMask &^ unix.IN_MODIFY

// holderSlice is the scheduler slice the holder asks for when real-time
// priority is refused: on Linux 6.12 and later a short slice gets a woken
// task onto a processor sooner; older kernels ignore it.
const holderSlice = 100 * time.Microsecond

// RunHolderIfRequested runs the holder process and exits when this process
// was started as one by a follow with Options.Holder; otherwise it returns
// at once. A program that follows with a holder calls it first thing in
// main, and so does the TestMain of a package whose tests do: the holder is
// that very executable started again, and without this call it would run
// the program (or the tests) a second time instead.
func RunHolderIfRequested() {
	if !startedAsHolder() {
		return
	}
	os.Exit(guardHolder(os.Args[1:]))
}

// holderBug is the holder's status after a panic: the status sandtail
// itself exits with on an internal fault (EX_SOFTWARE). The reader does not
// depend on it: a holder that goes for any reason leaves it looking by
// itself.
const holderBug = 70

// guardHolder runs the holder, ending a panic on its main goroutine with
// holderBug rather than Go's status 2, the usage status.
func guardHolder(args []string) (code int) {
	defer func() {
		if r := recover(); r != nil {
			code = holderBug
		}
	}()
	return runHolder(args)
}

// startedAsHolder reports whether startHolder started this process.
func startedAsHolder() bool {
	return os.Getenv(holderEnv) == "1" && len(os.Args) > 0 && os.Args[0] == holderArg0
}

// runHolder is the holder process: args are the directory, the chains'
// file types (indexes into fileTable), the fallback poll, the priority
// asked for (prioNormal or prioRealtime) and the budget of each chain in
// bytes. It returns the exit code.
func runHolder(args []string) int {
	closeInherited()
	nameThreads(holderArg0)
	if len(args) != 5 {
		return 2
	}
	dir := args[0]
	poll, err := time.ParseDuration(args[2])
	if err != nil {
		return 2
	}
	budget, err := strconv.ParseInt(args[4], 10, 64)
	if err != nil || budget < 0 {
		return 2
	}
	var chains []*chain
	for _, s := range strings.Split(args[1], ",") {
		i, err := strconv.Atoi(s)
		if err != nil || i < 0 || i >= len(fileTable) {
			return 2
		}
		c := newChain(dir, &fileTable[i], budget)
		c.noTrim = true // flush trims, knowing what was handed over
		chains = append(chains, c)
	}
	defer closeChains(chains)
	// Ctrl-C in a terminal interrupts the whole process group; the reader
	// decides when its follow ends, and the holder goes with it.
	signal.Ignore(unix.SIGINT)
	var prio uint8
	if args[3] == prioRealtime {
		prio = raisePriority()
	}
	hc := newHoldConn(holderSock)
	w := newWatcher(dir, chains, poll)
	// Events count from before the reader stops looking.
	ws := w.prepare(holderMask)
	if hc.send(holdMsg{kind: msgReady, flags: prio}, -1) != nil {
		return 1
	}
	s := &holdSender{hc: hc, chains: chains, sent: make([]int, len(chains)),
		handed: make([]int64, len(chains)), files: make([]uint32, len(chains)),
		closed: make([]holdClosed, len(chains))}
	for {
		m, fd, lost, err := hc.recv()
		if err != nil {
			return 1
		}
		if m.kind == msgGo {
			break
		}
		if m.kind != msgChain || int(m.ci) >= len(chains) || int(m.slot) >= len(chains[m.ci].paths) ||
			(m.flags&flagHolds != 0) != (fd >= 0 && !lost) {
			// Malformed, or the reader's file did not arrive: starting
			// without it, the first look would take files the reader had
			// read already. The reader looks by itself instead.
			if fd >= 0 {
				unix.Close(fd)
			}
			return 1
		}
		c := chains[m.ci]
		c.scanned = m.flags&flagScanned != 0
		c.maxRotated = int64(m.gapBytes)
		s.handed[m.ci], s.files[m.ci] = int64(m.size), m.files
		if fd >= 0 {
			c.files = append(c.files, &chainFile{f: fileHandle{fd: fd, name: c.paths[m.slot]}, ino: m.ino, slot: int(m.slot)})
		}
	}
	for ci, c := range chains {
		s.sent[ci] = len(c.files) // the reader's own
	}
	w.afterLook = s.flush
	ws.start()
	// Until the reader goes (the end of the socket, or an error on it),
	// answer its pings: look, and say so once what was found is sent.
	var b [holdMsgLen]byte
	for {
		n, err := unix.Read(holderSock, b[:])
		if err == unix.EINTR {
			continue
		}
		if err != nil || n == 0 {
			break
		}
		if n != holdMsgLen {
			continue
		}
		switch m := decodeHoldMsg(b[:]); {
		case m.kind == msgPing:
			s.ping.Store(true)
			w.askLook()
		case m.kind == msgRelease && int(m.ci) < len(chains):
			s.closed[m.ci].store(int64(m.size), m.files)
			w.askLook() // it may take more files now
		}
	}
	w.close()
	return 0
}

// holdSender sends, after every look of the holder, the files it added
// and the odd files it found (see odd_files.go).
//
// It keeps each chain within its budget (hold_budget.go) counting what the
// reader holds too: handed, what the files handed over (and the reader's
// own at the hand-over) counted for, less closed, what the reader said the
// files it closed counted for. The reader is sent files while the budget
// leaves room for what the holder cannot let go of (the files in the
// slots), and always while it holds at most one, the one it reads: the
// rest wait here, where the budget lets go of the oldest however long the
// reader stays stopped.
type holdSender struct {
	hc     *holdConn
	chains []*chain
	sent   []int // per chain: how many of its files, from the first, were sent
	// handed and files, per chain: what the files handed over counted for
	// in all, and how many there were (modulo 2³²); both include the
	// reader's own at the hand-over. closed is what the reader closed.
	handed []int64
	files  []uint32
	closed []holdClosed
	// odd are odd files taken from a chain and not sent yet (a full
	// socket): oddCi's, odd[oddAt:oddN].
	odd                [oddPending]oddFile
	oddCi, oddAt, oddN int
	// ping is set when the reader asked whether the holder is alive: the
	// next flush answers, after the files.
	ping atomic.Bool
}

// holdClosed is what the reader said it closed of one chain: the bytes
// the files counted for and how many (modulo 2³²). Only the newest word
// counts; the main goroutine stores it, flush reads it.
type holdClosed struct {
	bytes atomic.Int64
	files atomic.Uint32
}

func (h *holdClosed) store(bytes int64, files uint32) {
	h.bytes.Store(bytes)
	h.files.Store(files)
}

// flush trims each chain to its budget, then sends the oldest files not
// sent yet while there is room (see holdSender), and lets go of all it
// sent but the newest, which the next look compares with: a file the
// reader has is open in the holder only while it is the newest one, in
// the live slot, where holding it costs no disk. A full socket leaves the
// rest for the next look.
func (s *holdSender) flush() {
	for ci, c := range s.chains {
		c.mu.Lock()
		held := s.handed[ci] - s.closed[ci].bytes.Load()
		c.trim(s.sent[ci], s.sent[ci], held)
		// Room for what the holder cannot let go of: the files in the
		// slots, the newest counted as a rotated one.
		room := c.budget - held - maxSlots*c.maxRotated
		for s.sent[ci] < len(c.files) {
			cf := c.files[s.sent[ci]]
			size := c.counted(cf, s.sent[ci] == len(c.files)-1)
			if s.files[ci]-s.closed[ci].files.Load() > 1 && size > room {
				break // the reader holds enough: the rest waits here
			}
			room -= size
			m := holdMsg{kind: msgFile, ci: uint8(ci), slot: uint8(cf.slot), opened: uint8(cf.opened), ino: cf.ino,
				size: uint64(size)}
			if cf.gap.unseen {
				m.flags |= flagGap
				m.lost = uint16(min(cf.gap.lost, math.MaxUint16))
			}
			m.released = uint32(min(cf.gap.released, math.MaxUint32))
			m.gapBytes = uint64(cf.gap.releasedBytes)
			if s.hc.send(m, cf.f.fd) != nil {
				break
			}
			s.sent[ci]++
			s.handed[ci] += int64(m.size)
			s.files[ci]++
		}
		drop := s.sent[ci]
		if drop == len(c.files) {
			drop-- // the newest: the next look compares with it
		}
		for _, cf := range c.files[:max(drop, 0)] {
			// It has a successor: it was rotated, its size is final. The
			// holder learns the rotation size from these files too, as
			// it sends the others as soon as they appear, still empty.
			var st unix.Stat_t
			if cf.f.stat(&st) == nil {
				c.maxRotated = max(c.maxRotated, st.Size)
			}
		}
		c.mu.Unlock()
		for range drop {
			c.pop()
		}
		if drop > 0 {
			s.sent[ci] -= drop
		}
	}
	s.flushOdd()
	if s.ping.Swap(false) && s.hc.send(holdMsg{kind: msgPong}, -1) != nil {
		s.ping.Store(true) // a full socket: at the next look
	}
}

// flushOdd tells the reader of the odd files the looks found, each once.
func (s *holdSender) flushOdd() {
	for {
		for s.oddAt < s.oddN {
			o := s.odd[s.oddAt]
			m := holdMsg{kind: msgOdd, ci: uint8(s.oddCi), slot: uint8(o.slot), typ: uint8(o.typ >> 12), ino: o.ino}
			if s.hc.send(m, -1) != nil {
				return // the rest at the next look
			}
			s.oddAt++
		}
		s.oddAt, s.oddN = 0, 0
		for ci, c := range s.chains {
			if n := c.takeOdd(&s.odd); n > 0 {
				s.oddCi, s.oddN = ci, n
				break
			}
		}
		if s.oddN == 0 {
			return
		}
	}
}

// raisePriority, when HolderRealtime asks for it, puts every thread of the
// holder at real-time priority when the process may have it (root,
// CAP_SYS_NICE, an RLIMIT_RTPRIO), otherwise asks for a short slice; it
// returns flagFIFO, flagSlice or 0 for what it got. Threads started later
// inherit it. It is not the default: a real-time process runs before every
// ordinary one, so an event storm that keeps it busy slows the machine.
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

// closeInherited closes every descriptor the holder inherited but the
// standard three and its socket. What the Go runtime opened itself is
// close-on-exec, so a descriptor without that flag came from whoever
// started the reader (a shell, a supervisor) and leaked through it: the
// holder must not keep a file, a socket or a terminal of theirs open.
func closeInherited() {
	des, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, de := range des {
		fd, err := strconv.Atoi(de.Name())
		if err != nil || fd <= 2 || fd == holderSock {
			continue
		}
		if flags, err := unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0); err == nil && flags&unix.FD_CLOEXEC == 0 {
			unix.Close(fd)
		}
	}
}

// nameThreads names every thread of the process name, so that ps and top
// show the holder as what it is rather than as "exe" (the name of the
// link it was started through, /proc/self/exe). Threads started later
// take the name of the thread that starts them.
func nameThreads(name string) {
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		return
	}
	for _, task := range tasks {
		os.WriteFile("/proc/self/task/"+task.Name()+"/comm", []byte(name), 0) //nolint:errcheck // a name is cosmetic
	}
}
