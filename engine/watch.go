package engine

import (
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
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

// maxCoalesce bounds how many queued events one look answers for.
const maxCoalesce = 64

// eventBuffer is how many filesystem events may wait for the watcher: a
// flat-out producer makes thousands a second.
const eventBuffer = 4096

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

	// gate is held while looking at the directory; tests hold it to pause
	// the watcher (see pauseWatcher).
	gate sync.Mutex
}

func newWatcher(dir string, chains []*chain, poll time.Duration) *watcher {
	if poll <= 0 {
		poll = defaultPollInterval
	}
	return &watcher{
		dir:    dir,
		chains: chains,
		poll:   poll,
		wake:   make(chan struct{}, 1),
		stop:   make(chan struct{}),
		done:   make(chan struct{}),
	}
}

// start launches the watching goroutine. fsnotify failing (no inotify
// instances left) leaves the poll, which still works.
func (w *watcher) start() {
	// Buffered: fsnotify's reader keeps draining the kernel queue while
	// this goroutine is busy looking at the directory.
	fw, err := fsnotify.NewBufferedWatcher(eventBuffer)
	if err == nil {
		if err = fw.Add(w.dir); err != nil {
			fw.Close()
			fw = nil
		}
	} else {
		fw = nil
	}
	go w.run(fw)
}

// close stops the goroutine and waits for it.
func (w *watcher) close() {
	close(w.stop)
	<-w.done
}

func (w *watcher) run(fw *fsnotify.Watcher) {
	defer close(w.done)
	var events <-chan fsnotify.Event
	var errs <-chan error
	if fw != nil {
		defer fw.Close()
		events, errs = fw.Events, fw.Errors
	}
	tick := time.NewTicker(w.poll)
	defer tick.Stop()
	var lastLook time.Time
	for {
		look := false
		select {
		case <-w.stop:
			return
		case ev, ok := <-events:
			if !ok {
				events = nil
				continue
			}
			look = w.needsLook(ev)
			// Coalesce a burst of events into one look, but only a short
			// one: under a flood of writes, draining everything queued
			// first would put off the look a rotation needs.
		coalesce:
			for n := 0; n < maxCoalesce; n++ {
				select {
				case ev, ok := <-events:
					if !ok {
						events = nil
						break coalesce
					}
					look = look || w.needsLook(ev)
				default:
					break coalesce
				}
			}
		case _, ok := <-errs:
			if !ok {
				errs = nil
				continue
			}
			look = true // overflow: events were lost
		case <-tick.C:
			look = true
		}
		// A flood of writes can bury the events of a rotation deep in the
		// queue: look at least every floodLookEvery while events come.
		if look || time.Since(lastLook) >= floodLookEvery {
			w.look()
			lastLook = time.Now()
		}
		w.signal()
	}
}

// needsLook says whether an event may have changed which files exist; a
// write only needs the consumer woken.
func (w *watcher) needsLook(ev fsnotify.Event) bool {
	if !w.relevant(filepath.Base(ev.Name)) {
		return false
	}
	return !ev.Has(fsnotify.Write) || ev.Op&^fsnotify.Write != 0
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
	w.gate.Lock()
	defer w.gate.Unlock()
	for _, c := range w.chains {
		c.scan() //nolint:errcheck // retried on the next look
	}
}

// tryLook scans unless the watcher is scanning already (or is paused). The
// consumer calls it while it is busy reading: under load the watching
// goroutine may wait for a processor longer than a fast producer takes to
// rotate a file out of retention, while the consumer is running anyway.
func (w *watcher) tryLook() {
	if !w.gate.TryLock() {
		return
	}
	defer w.gate.Unlock()
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
