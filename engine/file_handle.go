package engine

import (
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// fileHandle is an open log file, read by offset. It is a bare descriptor
// rather than an *os.File so that the watcher can take a new file into
// its chain without allocating: a goroutine that allocates while a
// collection is under way may have to help it, and that help waited up to
// 18 ms for the collector in a trace of a flat-out follow, three times
// longer than a file rotated every 256 KiB stays in retention.
//
// Close may come from another goroutine (Stream.Close) while the reader is
// in ReadAt; mu keeps the descriptor number from being closed, and reused
// by another open, under a read.
type fileHandle struct {
	mu   sync.RWMutex
	fd   int    // -1 once closed
	name string // path, for messages
}

// ReadAt reads len(b) bytes at off, as os.File.ReadAt does: fewer only at
// the end of the file (io.EOF) or on an error.
func (h *fileHandle) ReadAt(b []byte, off int64) (n int, err error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.fd < 0 {
		return 0, os.ErrClosed
	}
	for len(b) > 0 {
		m, err := unix.Pread(h.fd, b, off)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return n, err
		}
		if m == 0 {
			return n, io.EOF
		}
		n += m
		b = b[m:]
		off += int64(m)
	}
	return n, nil
}

// Name is the file's path when it was opened.
func (h *fileHandle) Name() string { return h.name }

// Close releases the descriptor; later reads fail with os.ErrClosed.
func (h *fileHandle) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.fd < 0 {
		return os.ErrClosed
	}
	err := unix.Close(h.fd)
	h.fd = -1
	return err
}

// stat fstats the file.
func (h *fileHandle) stat(st *unix.Stat_t) error {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.fd < 0 {
		return os.ErrClosed
	}
	return unix.Fstat(h.fd, st)
}
