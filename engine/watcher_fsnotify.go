//go:build !linux

package engine

import (
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// maxCoalesce bounds how many queued events one look answers for.
const maxCoalesce = 64

// eventBuffer is how many filesystem events may wait for the watcher: a
// flat-out producer makes thousands a second.
const eventBuffer = 4096

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
			if ev.Name == w.dir {
				w.checkRemoved()
			}
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
			w.checkRemoved()
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
