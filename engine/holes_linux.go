package engine

import "golang.org/x/sys/unix"

// seekData returns the first offset at or after off that holds data, -1
// when there is none up to the end of the file; ok is false when the
// filesystem cannot say (the caller then reads the bytes).
func (h *fileHandle) seekData(off int64) (d int64, ok bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if h.fd < 0 {
		return 0, false
	}
	for {
		d, err := unix.Seek(h.fd, off, unix.SEEK_DATA)
		switch err {
		case nil:
			return d, true
		case unix.ENXIO:
			return -1, true
		case unix.EINTR:
			continue
		}
		return 0, false
	}
}
