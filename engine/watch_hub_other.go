//go:build !linux

package engine

// WatchHub is, on Linux, one inotify instance shared by many followed log
// directories. Elsewhere each stream keeps a watcher of its own.
type WatchHub struct{}

// NewWatchHub makes the shared watcher.
func NewWatchHub() *WatchHub { return &WatchHub{} }

// Close stops the shared watcher.
func (h *WatchHub) Close() {}

func (h *WatchHub) attach(w *watcher) { w.start() }
