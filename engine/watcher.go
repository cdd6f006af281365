package engine

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// defaultPollInterval is the fallback look at the directory when no
// filesystem event arrives: events can be lost (queue overflow, network
// filesystems), and a quarter second keeps a missed event from being
// noticeable while costing a few stat calls.
const defaultPollInterval = 250 * time.Millisecond

// floodLookEvery is how often the watcher looks at the directory while
// events keep coming, whatever they are: a file rotated every 256 KiB by a
// producer writing 160 MiB/s stays in retention for about 8 ms.
const floodLookEvery = 2 * time.Millisecond

// watcher looks at a log directory on every filesystem event (and on a
// fallback poll), opens every chain file as soon as it appears, and wakes
// the consumer. It watches the directory, not the files: a watch on a file
// dies with its rename.
type watcher struct {
	dir    string
	chains []*chain
	poll   time.Duration
	wake   chan struct{} // capacity 1: "look again"
	stop   chan struct{}
	done   chan struct{}
	// interrupt, set by start, wakes the watching goroutine out of a
	// blocking wait so that it sees stop.
	interrupt func()

	// id is the directory's identity at start (zero if it could not be
	// taken); removed is set once a look found the directory gone.
	id      dirID
	removed atomic.Bool

	// gate is read-held while looking at the directory (the watcher and
	// the consumer may look at once); tests write-hold it to stop all
	// looks (see pauseWatcher).
	gate sync.RWMutex

	// afterLook, when set before start, runs at the end of every look
	// with the gate still held: the holder process hands over there what
	// the look opened (see holder_linux.go).
	afterLook func()
	// onLook, when set, runs at the end of every look too; the stream
	// sets it while a holder process looks in its place, to check that
	// the holder keeps up with what its own watch sees.
	onLook atomic.Pointer[func()]
	// hist, when set before start, lets go after every look of the files
	// it holds that the producer deleted (History.releaseDeleted).
	hist *History
	// lookAsked makes the watching goroutine look when interrupted (see
	// askLook).
	lookAsked atomic.Bool
}

// close stops the goroutine and waits for it.
func (w *watcher) close() {
	close(w.stop)
	if w.interrupt != nil {
		w.interrupt()
	}
	<-w.done
}

func newWatcher(dir string, chains []*chain, poll time.Duration) *watcher {
	if poll <= 0 {
		poll = defaultPollInterval
	}
	id, _ := statDir(dir) // Open checked the directory; zero disables the check
	return &watcher{
		id:     id,
		dir:    dir,
		chains: chains,
		poll:   poll,
		wake:   make(chan struct{}, 1),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
}

// relevant reports whether name is a file of a watched chain.
func (w *watcher) relevant(name string) bool {
	for _, c := range w.chains {
		if strings.HasPrefix(name, c.ft.Name) {
			return true
		}
	}
	return false
}

// look scans every chain, opening new files. A failed scan (a file that
// cannot be opened) is retried at the next event or poll; if the file
// rotates away meanwhile, the consumer reports a MissedRotationError.
func (w *watcher) look() {
	w.gate.RLock()
	defer w.gate.RUnlock()
	for _, c := range w.chains {
		c.scan() //nolint:errcheck // retried on the next look
	}
	if w.afterLook != nil {
		w.afterLook()
	}
	if w.hist != nil {
		w.hist.releaseDeleted()
	}
	if f := w.onLook.Load(); f != nil {
		(*f)()
	}
}

// askLook has the watching goroutine look as soon as it can.
func (w *watcher) askLook() {
	w.lookAsked.Store(true)
	if w.interrupt != nil {
		w.interrupt()
	}
}

// tryLook scans unless looks are paused. The consumer calls it while it is
// busy reading: under load the watching thread may be stuck (descheduled,
// or in a stat that waits for the producer's rename) longer than a fast
// producer takes to rotate a file out of retention, while the consumer is
// running anyway. It does not wait for a look of the watcher to finish.
func (w *watcher) tryLook() {
	if !w.gate.TryRLock() {
		return
	}
	defer w.gate.RUnlock()
	for _, c := range w.chains {
		c.scan() //nolint:errcheck // retried on the next look
	}
}

// signal wakes the consumer without blocking.
func (w *watcher) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}
