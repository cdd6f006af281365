package tui

import (
	"runtime/debug"
	"unsafe"
)

// The buffer is bounded twice: by --buffer lines, and by the memory its
// lines hold. A line costs its fixed part plus its text, plus its
// sanitised text where that differs: a line of 16 KiB of C1 bytes costs
// 80 KiB, so 20,000 such lines would take 1.6 GB. When the lines held
// would take more than maxHeldBytes, the oldest are let go as if the
// buffer were full: long lines make the buffer hold fewer of them, never
// more memory.

// maxHeldBytes bounds the memory the buffer's lines hold. 20,000 ordinary
// lines (the default --buffer) take about a sixth of it. For a local
// sandbox a line let go of is still on disk, read again when the view
// comes back to it (window.go).
const maxHeldBytes = 32 << 20

// memoryLimit is the viewer's soft limit on the memory the Go runtime
// uses. What is live is the window's lines (at most maxHeldBytes), the
// entry data a window is read from (windowBytes) and the History's index
// (about 26 MiB for a full retention of 100 MiB of logs). Without a limit
// the collector lets the heap grow to twice what is live; under it, it
// collects sooner as the heap nears the limit, and the process stays
// within about 80 MiB on a full retention.
const memoryLimit = 64 << 20

// limitMemory sets memoryLimit, unless GOMEMLIMIT asks for another.
func limitMemory(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// lineFixedBytes is what every line costs besides its text.
const lineFixedBytes = int64(unsafe.Sizeof(line{}))

// heldBytes is what l takes in the buffer.
func (l *line) heldBytes() int64 {
	n := lineFixedBytes + int64(len(l.text))
	if len(l.plain) > 0 && unsafe.StringData(l.plain) != unsafe.StringData(l.text) {
		n += int64(len(l.plain))
	}
	return n
}

// trimHeld lets the oldest lines go while the buffer holds more than
// maxHeldBytes; the newest line always stays.
func (m *Model) trimHeld() {
	for m.held > maxHeldBytes && m.vp.Len() > 1 {
		m.vp.DropOldest()
	}
}
