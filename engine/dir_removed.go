package engine

import (
	"errors"
	"fmt"
	"io/fs"

	"golang.org/x/sys/unix"
)

// dirID identifies a directory: a directory removed and made again under
// the same name is another one, and the watch on the old one sees nothing
// of the new.
type dirID struct{ dev, ino uint64 }

// statDir returns the identity of the directory at path.
func statDir(path string) (dirID, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return dirID{}, err
	}
	return dirID{dev: uint64(st.Dev), ino: st.Ino}, nil //nolint:unconvert // Dev is not uint64 everywhere
}

// checkRemoved stats the watched directory and records whether it is gone
// (or another directory took its name). Any other failure (a permission
// change, say) says nothing either way and is not recorded.
func (w *watcher) checkRemoved() {
	if w.id == (dirID{}) || w.removed.Load() {
		return
	}
	id, err := statDir(w.dir)
	switch {
	case err == nil && id == w.id:
		return
	case err == nil, errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENOTDIR):
		w.removed.Store(true)
	}
}

// removedError is what a follow ends with once its directory is gone and
// every held file has been read to its end: nothing more can be written
// where the reader can see it.
func (w *watcher) removedError() error {
	return fmt.Errorf("log directory %s was removed (the sandbox may have been deleted; open it again if it is recreated): %w", w.dir, fs.ErrNotExist)
}
