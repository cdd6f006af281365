//go:build linux

package engine

import (
	"math"
	"os"
	"os/signal"
	"strconv"
	"strings"
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

func init() {
	if os.Getenv(holderEnv) != "1" || len(os.Args) == 0 || os.Args[0] != holderArg0 {
		return
	}
	os.Exit(runHolder(os.Args[1:]))
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
				m.lost = uint16(min(cf.lostBefore, math.MaxUint16))
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
