package sim

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
)

// maxRotated is how many rotated files the producer keeps (name.1 … name.4).
const maxRotated = 4

// rotatingFile is one log file as microsandbox's writer keeps it: appended
// to, and renamed down the chain name.1 … name.4 when a write would push it
// past limit. A limit of 0 never rotates (kernel.log).
type rotatingFile struct {
	path      string
	limit     int64
	f         *os.File
	size      int64 // bytes in the current live file
	rotations int   // rotations done by this writer
	written   int64 // bytes written by this writer, over all files
}

// openRotating opens path for append, creating it when absent. An existing
// file's size counts towards the limit, as it does for the real writer.
func openRotating(path string, limit int64) (*rotatingFile, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	return &rotatingFile{path: path, limit: limit, f: f, size: st.Size()}, nil
}

// write writes p in one write call, rotating first when p would push a
// non-empty file past the limit. A single write larger than the limit still
// lands whole in a fresh file, as with the real writer.
func (r *rotatingFile) write(p []byte) error {
	if r.f == nil {
		return fmt.Errorf("write %s: %w", r.path, os.ErrClosed)
	}
	if r.limit > 0 && r.size > 0 && r.size+int64(len(p)) > r.limit {
		if err := r.rotate(); err != nil {
			return err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	r.written += int64(n)
	if err != nil {
		return fmt.Errorf("write %s: %w", r.path, err)
	}
	return nil
}

// rotate renames name.3→name.4, name.2→name.3, name.1→name.2 (each only if
// present; the rename over name.4 destroys the oldest file), then
// name→name.1, then creates a fresh live file. The old descriptor is closed
// only after the new file exists, like a writer swapping its handle.
func (r *rotatingFile) rotate() error {
	if r.f == nil {
		return fmt.Errorf("rotate %s: %w", r.path, os.ErrClosed)
	}
	for i := maxRotated - 1; i >= 1; i-- {
		from := r.path + "." + strconv.Itoa(i)
		to := r.path + "." + strconv.Itoa(i+1)
		if err := os.Rename(from, to); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("rotate %s: %w", r.path, err)
		}
	}
	if err := os.Rename(r.path, r.path+".1"); err != nil {
		return fmt.Errorf("rotate %s: %w", r.path, err)
	}
	f, err := os.OpenFile(r.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("rotate %s: create fresh file: %w", r.path, err)
	}
	old := r.f
	r.f, r.size = f, 0
	r.rotations++
	if err := old.Close(); err != nil {
		return fmt.Errorf("rotate %s: close old file: %w", r.path, err)
	}
	return nil
}

// close closes the live file; later writes fail with os.ErrClosed.
func (r *rotatingFile) close() error {
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	if err != nil {
		return fmt.Errorf("close %s: %w", r.path, err)
	}
	return nil
}
