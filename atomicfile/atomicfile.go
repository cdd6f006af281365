// Package atomicfile replaces a file whole or not at all: what is written
// goes to a temporary file in the same directory, which is synced and
// renamed over the target, and the directory is synced so the rename
// survives a crash. A reader sees the old file or the new one, never part
// of either. The marks store and the viewer's save both write this way.
package atomicfile

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
)

// Write replaces path with what write writes, the new file having the
// permission bits perm. On any error path is left as it was and the
// temporary file is removed. It returns the bytes written.
func Write(path string, perm fs.FileMode, write func(w *bufio.Writer) error) (int64, error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // after the rename there is nothing left to remove
	cw := &counter{f: tmp}
	w := bufio.NewWriterSize(cw, 64<<10)
	err = write(w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Chmod(perm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return cw.n, err
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() //nolint:errcheck // the file is in place; this only hastens its durability
		d.Close()
	}
	return cw.n, nil
}

// counter counts the bytes that reach the file.
type counter struct {
	f *os.File
	n int64
}

func (c *counter) Write(p []byte) (int, error) {
	k, err := c.f.Write(p)
	c.n += int64(k)
	return k, err
}
