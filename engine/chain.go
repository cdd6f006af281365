package engine

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"
)

// maxHeldFiles bounds how many descriptors one chain holds. The directory
// watcher opens every chain file as soon as it appears, so a slow consumer
// still reads files that were renamed and then replaced; each held file also
// keeps its disk space until read. Past this many unread files the watcher
// stops opening new ones, and if the producer then rotates them away the
// stream reports a MissedRotationError instead of growing without bound.
const maxHeldFiles = 4096

// scanAttempts bounds how often a directory scan is repeated while a
// rotation keeps changing it underneath.
const scanAttempts = 8

// chainFile is one held file of a chain.
type chainFile struct {
	f    *os.File
	ino  uint64
	slot int // rotation slot where it was first seen (0 is the live file)
	// gapBefore is set when the file before it in the chain may have
	// rotated away unseen: data between the two may be lost.
	gapBefore bool
	// gen is its creation number, when a look could tell it exactly.
	gen genID
}

// chain holds the files of one file type, oldest first. files[0] is the
// file being read; the watcher appends files as they appear, the reader pops
// them when done. The mutex guards files and closed.
type chain struct {
	ft    *FileType
	paths []string // index = rotation slot: Name, Name.1, …, Name.4
	// dirfd is a descriptor on the directory the chain was opened in, and
	// names are the slots' names relative to it (AT_FDCWD and full paths
	// when the directory could not be opened). Looking through it, a chain
	// never mistakes the files of another directory that took the name
	// for its own, and each stat skips resolving the directory's path.
	dirfd int
	names []string
	// ctr, when set (before any look that may run concurrently), counts
	// creations of the live file so that looks can number generations;
	// ci is the chain's index in it.
	ctr genCounter
	ci  int

	mu     sync.Mutex
	files  []*chainFile
	closed bool
	// changes counts files added, so a scan can tell that another scan
	// added newer files since it observed the directory. (The reader only
	// removes files that have a successor, never the newest.)
	changes uint64
	// scanned is set after the first look: from then on, files found with
	// nothing held may follow files that came and went unseen.
	scanned bool
}

func newChain(dir string, ft *FileType) *chain {
	c := &chain{ft: ft, dirfd: unix.AT_FDCWD}
	if fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err == nil {
		c.dirfd = fd
	}
	slots := 1
	if ft.Rotates {
		slots += maxRotations
	}
	for k := 0; k < slots; k++ {
		name := ft.Name
		if k > 0 {
			name += "." + strconv.Itoa(k)
		}
		c.paths = append(c.paths, filepath.Join(dir, name))
		if c.dirfd == unix.AT_FDCWD {
			name = c.paths[k]
		}
		c.names = append(c.names, name)
	}
	return c
}

// slotName is the file name at a rotation slot, for messages.
func (c *chain) slotName(k int) string { return filepath.Base(c.paths[k]) }

// observe stats the slots newest first (a rotation moves files to higher
// slots, so a file moving during the walk is still seen), 0 = absent. It
// stops at the first file in held: everything in higher slots is older
// than a held file, so was held already or has been read. The walk is
// short, usually one or two slots: under a rotation storm every stat
// counts, as a look must finish within a few rotations.
func (c *chain) observe(held []uint64) []uint64 {
	obs := make([]uint64, len(c.paths))
	var st unix.Stat_t
	for k, name := range c.names {
		if unix.Fstatat(c.dirfd, name, &st, 0) == nil && st.Mode&unix.S_IFMT == unix.S_IFREG {
			obs[k] = st.Ino
			if slices.Contains(held, st.Ino) {
				break
			}
		}
	}
	return obs
}

// stableObserve repeats observe until two walks agree, so the slot order of
// new files is trustworthy even while a rotation is under way.
func (c *chain) stableObserve(held []uint64) []uint64 {
	prev := c.observe(held)
	for a := 0; a < scanAttempts; a++ {
		cur := c.observe(held)
		if slices.Equal(prev, cur) {
			return cur
		}
		prev = cur
	}
	return prev
}

// scan looks at the directory and opens every chain file not held yet,
// oldest first. It reports whether it added a file.
//
// Files are ordered by slot: whatever sits in a slot below the newest held
// file is newer than everything held. When no held file is in any slot any
// more, at least a whole retention's worth of rotations went by unseen: the
// first new file is marked gapBefore.
//
// The watcher and a busy consumer may scan at the same time: each scan
// decides under the chain's lock, and starts again when the held files
// changed since it looked.
func (c *chain) scan() (bool, error) {
	for attempt := 0; attempt < scanAttempts; attempt++ {
		added, retry, err := c.scanOnce(attempt == scanAttempts-1)
		if err != nil || !retry {
			return added, err
		}
	}
	return false, nil
}

// heldInodes returns the inodes held and the change count they belong to.
func (c *chain) heldInodes() ([]uint64, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	held := make([]uint64, len(c.files))
	for i, cf := range c.files {
		held[i] = cf.ino
	}
	return held, c.changes
}

// scanOnce is one attempt of scan. When the newest held file has left the
// slots, the files found are the next ones only if their creation numbers
// say so; without numbers (no counter, names changing during the walk) a
// gap is assumed, on the last attempt.
func (c *chain) scanOnce(last bool) (added, retry bool, err error) {
	held, changes := c.heldInodes()
	var before genMark
	if c.ctr != nil {
		before = c.ctr.mark(c.ci)
	}
	obs := c.stableObserve(held)
	gens := c.gensOf(before, obs, held)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false, false, nil
	}
	if c.changes != changes {
		// Another scan added files since held was taken: obs may not
		// show the newest held file.
		return false, true, nil
	}
	top := len(obs) - 1
	gap := false
	if len(c.files) == 0 && c.scanned && c.ft.Rotates && obs[top] != 0 {
		// Nothing was held and the chain is already full: files may have
		// come and gone since the last look.
		gap = true
	}
	c.scanned = true
	if gens != nil {
		for _, cf := range c.files {
			if k := slices.Index(obs, cf.ino); k >= 0 && gens[k].known() {
				cf.gen = gens[k]
			}
		}
	}
	if n := len(c.files); n > 0 {
		newest := -1
		for i := n - 1; i >= 0 && newest < 0; i-- {
			for k, ino := range obs {
				if ino == c.files[i].ino {
					newest = k
					break
				}
			}
		}
		if newest >= 0 {
			top = newest - 1
		} else if c.ft.Rotates {
			gap = !c.follows(c.files[n-1].gen, obs, gens)
			if gap && gens == nil && before.epoch != 0 && !last {
				// The names changed during the walk: look again for a
				// view that can be numbered before assuming the worst.
				return false, true, nil
			}
		}
	}
	for k := top; k >= 0; k-- {
		if obs[k] == 0 || c.holds(obs[k]) {
			continue
		}
		if len(c.files) >= maxHeldFiles {
			return added, false, nil
		}
		f, err := c.open(k)
		if errors.Is(err, fs.ErrNotExist) {
			return added, true, nil
		}
		if err != nil {
			return added, false, withPath("open", c.paths[k], err)
		}
		ino, err := inodeOf(f)
		if err != nil {
			f.Close()
			return added, false, err
		}
		if ino != obs[k] {
			// Rotated between the stat and the open: look again.
			f.Close()
			return added, true, nil
		}
		cf := &chainFile{f: f, ino: ino, slot: k, gapBefore: gap}
		if gens != nil {
			cf.gen = gens[k]
		}
		c.files = append(c.files, cf)
		c.changes++
		gap = false
		added = true
	}
	return added, false, nil
}

// open opens the file at slot k, through dirfd.
func (c *chain) open(k int) (*os.File, error) {
	for {
		fd, err := unix.Openat(c.dirfd, c.names[k], unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "open", Path: c.paths[k], Err: err}
		}
		return os.NewFile(uintptr(fd), c.paths[k]), nil
	}
}

// follows reports whether the oldest file of a walk that is not held was
// created right after the newest held file (whose number is newest): then
// nothing came between them, however many rotations went by.
func (c *chain) follows(newest genID, obs []uint64, gens []genID) bool {
	if !newest.known() || gens == nil {
		return false
	}
	for k := len(obs) - 1; k >= 0; k-- {
		if obs[k] == 0 || c.holds(obs[k]) {
			continue
		}
		g := gens[k]
		return g.epoch == newest.epoch && g.n == newest.n+1
	}
	return false
}

func (c *chain) holds(ino uint64) bool {
	for _, cf := range c.files {
		if cf.ino == ino {
			return true
		}
	}
	return false
}

// first returns the file being read (nil when none is held yet).
func (c *chain) first() *chainFile {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.files) == 0 {
		return nil
	}
	return c.files[0]
}

// next returns the file after files[0], nil when there is none yet.
func (c *chain) next() *chainFile {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.files) < 2 {
		return nil
	}
	return c.files[1]
}

// pop closes and forgets files[0].
func (c *chain) pop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.files) == 0 {
		return
	}
	c.files[0].f.Close()
	c.files[0] = nil
	c.files = c.files[1:]
}

// dropBefore closes and forgets the files before index i.
func (c *chain) dropBefore(i int) {
	for ; i > 0; i-- {
		c.pop()
	}
}

// snapshotFiles returns the held files, oldest first.
func (c *chain) snapshotFiles() []*chainFile {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]*chainFile(nil), c.files...)
}

// closeAll releases every descriptor; later scans do nothing.
func (c *chain) closeAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed && c.dirfd != unix.AT_FDCWD {
		unix.Close(c.dirfd)
	}
	c.closed = true
	for _, cf := range c.files {
		cf.f.Close()
	}
	c.files = nil
}

// inodeOf returns the inode of an open file.
func inodeOf(f *os.File) (uint64, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return 0, fmt.Errorf("stat %s: %w", f.Name(), err)
	}
	return st.Ino, nil
}

// fileState is what one fstat tells a reader.
type fileState struct {
	size  int64
	mtime int64 // nanoseconds since the epoch
}

// statFile fstats an open file.
func statFile(f *os.File) (fileState, error) {
	var st unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		return fileState{}, fmt.Errorf("stat %s: %w", f.Name(), err)
	}
	return fileState{size: st.Size, mtime: st.Mtim.Nano()}, nil
}
