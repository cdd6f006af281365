//go:build !linux

package engine

// holder is a helper process that holds rotated files; it exists on Linux
// only (see holder_linux.go). Elsewhere the watcher looks by itself.
type holder struct{}

// RunHolderIfRequested returns at once: there is no holder process here.
func RunHolderIfRequested() {}

func startHolder(string, *watcher, []*chain, Options) *holder { return nil }

func (h *holder) close() {}

func (h *holder) priorityName() string { return "none" }
