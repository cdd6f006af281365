//go:build linux

package engine

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// A holder that stops answering (stopped with SIGSTOP, stuck in the
// kernel) would stall a follow silently: the stream's own looks do nothing
// while the holder is in charge. So the stream keeps its own watch on the
// directory (it is running anyway: it wakes the reader on writes), and
// when that watch sees the chains change, it pings the holder, which looks
// and answers. A holder that has not answered within stuckAfter is killed,
// and the stream says so and looks by itself again, from the newest file
// the holder handed over: nothing still in retention is lost. An idle
// directory costs nothing: no change, no ping.

// stuckAfter is how long the holder may take to answer a ping. The check
// runs when the stream's watch sees the chain change, so a stuck holder is
// noticed within stuckAfter (and a pingEvery) of the first rotation it
// misses, well within a second.
const stuckAfter = 500 * time.Millisecond

// pingEvery is the least time between an answer and the next ping: under
// a stream of rotations, at most this many extra looks for the holder.
const pingEvery = 100 * time.Millisecond

// lateSlack: an answer's deadline that passes this much later than it was
// due says the stream itself was not running (stopped with its holder, as
// Ctrl-Z stops both), not that the holder was slow: it gets a new deadline.
const lateSlack = 200 * time.Millisecond

// dirState is what the stream's watch has seen of the holder's chains: an
// answer to a ping sent at one state covers everything up to it.
type dirState struct{ epoch, changes uint64 }

// holderCheck is the stream's side of the pings.
type holderCheck struct {
	mu       sync.Mutex
	sent     time.Time // the ping outstanding (zero: none)
	asked    dirState  // the state it was sent at
	answered dirState  // the state the last answer covered
	lastPong time.Time
	timer    *time.Timer
	ended    bool // the holder is gone or going: no more pings
	// waiting is set while the stream takes no files from the holder
	// (maxHeldFiles unread): then the holder cannot answer, and that is
	// not its fault.
	waiting atomic.Bool
}

// watchChains starts the checks, once the holder is in charge.
func (h *holder) watchChains() {
	f := h.poke
	h.w.onLook.Store(&f)
}

// stopChecks ends the checks for good; after it no ping is sent and no
// deadline acts.
func (h *holder) stopChecks() {
	h.w.onLook.Store(nil)
	h.chk.mu.Lock()
	defer h.chk.mu.Unlock()
	h.chk.ended = true
	if h.chk.timer != nil {
		h.chk.timer.Stop()
	}
}

// poke runs after every look of the stream's watcher: if the chains
// changed since the holder last answered, ask it again.
func (h *holder) poke() {
	h.resendReleases()
	st, counted := h.dirState()
	k := &h.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ended || !k.sent.IsZero() || (counted && st == k.answered) || time.Since(k.lastPong) < pingEvery {
		return
	}
	h.ping(st)
}

// dirState reads the stream's counts of the holder's chains; false when
// there are none (no inotify): then every look pings, at most every
// pingEvery.
func (h *holder) dirState() (dirState, bool) {
	var st dirState
	for _, c := range h.chains {
		if c.ctr == nil {
			return st, false
		}
		m := c.ctr.mark(c.ci)
		if m.epoch == 0 {
			return st, false
		}
		st.epoch += m.epoch
		st.changes += m.changes
	}
	return st, true
}

// ping sends a ping for state st and sets its deadline. chk.mu is held.
func (h *holder) ping(st dirState) {
	k := &h.chk
	if h.hc.send(holdMsg{kind: msgPing}, -1) != nil {
		return // at the next look
	}
	k.sent, k.asked = time.Now(), st
	if k.timer == nil {
		k.timer = time.AfterFunc(stuckAfter, h.expire)
	} else {
		k.timer.Reset(stuckAfter)
	}
}

// pong takes the holder's answer.
func (h *holder) pong() {
	k := &h.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.sent.IsZero() {
		return
	}
	k.answered, k.sent, k.lastPong = k.asked, time.Time{}, time.Now()
	k.timer.Stop()
}

// expire runs at a ping's deadline.
func (h *holder) expire() {
	k := &h.chk
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.ended || k.sent.IsZero() {
		return
	}
	waited := time.Since(k.sent)
	if k.waiting.Load() || waited > stuckAfter+lateSlack || h.unread() {
		// The stream was not taking files, was not running itself, or
		// has not read what the holder sent yet: ask again, with a new
		// deadline.
		h.ping(k.asked)
		return
	}
	k.ended = true
	// Under chk.mu, so that close cannot close the socket meanwhile.
	h.chains[0].noteText(fmt.Sprintf(
		"the helper process that holds rotated files (sandtail-holder, pid %d) stopped answering (nothing for %v: stopped, or stuck); following without it from here on",
		h.cmd.Process.Pid, waited.Round(time.Millisecond)))
	h.cmd.Process.Kill() //nolint:errcheck // it may have gone already
	// The receive under way ends, and the stream looks by itself (run).
	unix.Shutdown(h.hc.fd, unix.SHUT_RDWR) //nolint:errcheck // closing regardless
	h.w.signal()
}

// unread reports whether messages from the holder wait in the stream's
// socket: the holder answered, or at least sent something, and the
// stream's receive has not got to it yet.
func (h *holder) unread() bool {
	n, err := unix.IoctlGetInt(h.hc.fd, unix.SIOCINQ)
	return err == nil && n > 0
}
