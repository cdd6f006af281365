package engine

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// maxHeldFiles bounds how many descriptors one chain holds. The directory
// watcher opens every chain file as soon as it appears, so a slow consumer
// still reads files that were renamed and then replaced; each held file also
// keeps its disk space until read, which the budget bounds in bytes
// (hold_budget.go). Past this many unread files the watcher stops opening
// new ones, and if the producer then rotates them away the stream reports a
// MissedRotationError instead of growing without bound: a bound in count
// for files so small that the budget would allow too many descriptors.
var maxHeldFiles = 4096 // a variable for tests

// scanAttempts bounds how often a directory scan is repeated while a
// rotation keeps changing it underneath.
const scanAttempts = 8

// maxSlots is the most rotation slots a chain has: the live name and
// Name.1 … Name.4.
const maxSlots = 1 + maxRotations

// spareFiles is how many files a look can add without allocating: the
// reader keeps that many fresh chainFiles, and that much room in files,
// ready for the watcher (see reserve).
const spareFiles = 8

// chainFile is one held file of a chain.
type chainFile struct {
	f    fileHandle
	ino  uint64
	slot int // rotation slot where it was first seen (0 is the live file)
	// gap is what was lost between the file before it in the chain and
	// it: files that rotated away unseen, files let go of to keep within
	// the budget (hold_budget.go). c.mu guards it once the file is in
	// the chain.
	gap gapInfo
	// size is its size when last measured, final once it has a successor
	// (see chain.measure); counted is what it was counted for when a
	// holder process handed it over, or at the hand-over to one (the
	// holder's accounting of what the reader holds). c.mu guards them.
	size    int64
	final   bool
	counted int64
	// creation is its creation number, when a look could tell it exactly.
	creation creationNo
	// opened is the slot it was first opened in (see chain.openedAt).
	opened int
}

// chain holds the files of one file type, oldest first. files[0] is the
// file being read; the watcher appends files as they appear, the reader pops
// them when done. The mutex guards files and closed.
type chain struct {
	ft *FileType
	// keep, when set, is asked before a file the chain lets go of is
	// closed: a History that reads from it takes the descriptor over.
	// It is set before the chain is shared with a watcher.
	keep  func(*chainFile) bool
	paths []string // index = rotation slot: Name, Name.1, …, Name.4
	// dirfd is a descriptor on the directory the chain was opened in, and
	// names are the slots' names relative to it (AT_FDCWD and full paths
	// when the directory could not be opened). Looking through it, a chain
	// never mistakes the files of another directory that took the name
	// for its own, and each stat skips resolving the directory's path.
	dirfd  int
	names  []string
	cnames [][]byte // names, NUL-terminated for the system calls (see openat_linux.go)
	// ctr, when set (before any look that may run concurrently), counts
	// creations of the live file so that looks can give each file its creation number;
	// ci is the chain's index in it.
	ctr creationCounter
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
	// spares are fresh chainFiles for looks to fill (see reserve).
	spares []*chainFile
	// notes are notices for the reader: files in the slots that are not
	// regular files (see odd_files.go).
	notes chainNotes

	// budget is the bytes the chain may hold (hold_budget.go); a holder
	// process sets noTrim, as it trims when it hands files over. maxRotated
	// is the largest rotated file measured. c.mu guards maxRotated.
	budget     int64
	noTrim     bool
	maxRotated int64
	// releasedCounted adds up the counted bytes of the files closed since
	// the hand-over to a holder, and onRelease, while one is in charge,
	// tells it (holder_linux.go): it counts what the reader holds.
	releasedCounted atomic.Int64
	releasedFiles   atomic.Int64
	onRelease       atomic.Pointer[func()]

	// openedAt counts the files first opened in each slot: how close to
	// leaving retention the looks caught them (diagnostics for tests).
	openedAt [maxSlots]atomic.Int64

	// remote is set while a holder process looks at this chain and hands
	// over the files it opens (see holder_linux.go): scans then do nothing,
	// so files come from one place only, in order.
	remote atomic.Bool

	// kclock anchors kernel.log's uptime stamps to the wall clock
	// (kernel_clock.go); nil for the other file types.
	kclock *kernelClock
}

func newChain(dir string, ft *FileType, budget int64) *chain {
	c := &chain{ft: ft, dirfd: unix.AT_FDCWD, budget: budget,
		files: make([]*chainFile, 0, 2*spareFiles), spares: make([]*chainFile, 0, spareFiles)}
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
		c.cnames = append(c.cnames, append([]byte(name), 0))
	}
	return c
}

// slotName is the file name at a rotation slot, for messages.
func (c *chain) slotName(k int) string { return filepath.Base(c.paths[k]) }

// slotWalk is what one walk of a chain's slots saw.
type slotWalk struct {
	ino  [maxSlots]uint64 // inode in each slot, 0 = absent
	n    int              // the chain's slots
	seen int              // slots looked at (a walk stops at a held file)
}

// observe stats the slots newest first (a rotation moves files to higher
// slots, so a file moving during the walk is still seen). It stops at the
// first file held: everything in higher slots is older than a held file,
// so was held already or has been read. The walk is short, usually one or
// two slots: under a rotation storm every stat counts, as a look must
// finish within a few rotations. Like everything a look does, it does not
// allocate (see fileHandle).
//
// A file not held yet is opened on the spot, into pre: where it goes in
// the chain is decided later, after waits for the directory (see creationNumbers)
// during which a fast producer keeps rotating, and a file held cannot be
// lost.
func (c *chain) observe(pre *preopened) slotWalk {
	w := slotWalk{n: len(c.names), seen: len(c.names)}
	for k := 0; k < w.n; k++ {
		ino, typ, err := statAt(c.dirfd, c.names[k], c.cnames[k])
		if err != nil {
			continue
		}
		if typ != unix.S_IFREG {
			// Skipped, as if the slot were empty, and reported.
			c.noteOdd(k, ino, typ)
			continue
		}
		w.ino[k] = ino
		if c.isHeld(ino) {
			w.seen = k + 1
			break
		}
		if !pre.has(ino) {
			c.preopen(pre, k)
		}
	}
	return w
}

// preopen opens the file in slot k into pre, under the inode it turns out
// to have (it may have rotated since the stat).
func (c *chain) preopen(pre *preopened, k int) {
	fd, ino, err := c.open(k)
	if err != nil {
		return // gone already, or replaced by what is not a file: the decision will see that
	}
	if pre.has(ino) || c.isHeld(ino) || !pre.add(ino, fd, k) {
		unix.Close(fd)
	}
}

// preopened are files a scan opened as soon as a walk saw them, by inode,
// until the scan takes them into the chain; the rest are closed at its end.
type preopened struct {
	n    int
	ino  [2 * maxSlots]uint64
	fd   [2 * maxSlots]int
	slot [2 * maxSlots]int // where it was opened
}

func (p *preopened) has(ino uint64) bool {
	for i := range p.n {
		if p.ino[i] == ino {
			return true
		}
	}
	return false
}

// add keeps fd, opened in slot k, as the file with inode ino; it reports
// false when full.
func (p *preopened) add(ino uint64, fd, k int) bool {
	if p.n == len(p.fd) {
		return false
	}
	p.ino[p.n], p.fd[p.n], p.slot[p.n] = ino, fd, k
	p.n++
	return true
}

// take hands over the descriptor of the file with inode ino and the slot
// it was opened in (fd -1 if none).
func (p *preopened) take(ino uint64) (fd, slot int) {
	for i := range p.n {
		if p.ino[i] == ino {
			fd, slot = p.fd[i], p.slot[i]
			p.n--
			p.ino[i], p.fd[i], p.slot[i] = p.ino[p.n], p.fd[p.n], p.slot[p.n]
			return fd, slot
		}
	}
	return -1, 0
}

// close closes what was not taken.
func (p *preopened) close() {
	for i := range p.n {
		unix.Close(p.fd[i])
	}
	p.n = 0
}

// stableObserve repeats observe until two walks agree, so the slot order of
// new files is trustworthy even while a rotation is under way.
func (c *chain) stableObserve(pre *preopened) slotWalk {
	prev := c.observe(pre)
	for a := 0; a < scanAttempts; a++ {
		cur := c.observe(pre)
		if cur == prev {
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
	if c.remote.Load() {
		return false, nil
	}
	var pre preopened
	defer pre.close()
	for attempt := 0; attempt < scanAttempts; attempt++ {
		added, retry, err := c.scanOnce(&pre, attempt == scanAttempts-1)
		if err != nil || !retry {
			if added {
				c.trimReader()
			}
			return added, err
		}
	}
	return false, nil
}

// trimReader keeps the reader's chain within its budget, sparing the file
// being read (files[0]), and tells a holder what it let go of.
func (c *chain) trimReader() {
	if c.noTrim {
		return
	}
	c.mu.Lock()
	n := 0
	if !c.closed {
		n = c.trim(0, 1, 0)
	}
	c.mu.Unlock()
	if n > 0 {
		c.notifyRelease()
	}
}

// notifyRelease tells a holder in charge that the reader closed files.
func (c *chain) notifyRelease() {
	if f := c.onRelease.Load(); f != nil {
		(*f)()
	}
}

// changeCount returns how many files were added so far.
func (c *chain) changeCount() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changes
}

// isHeld reports whether the file with inode ino is held.
func (c *chain) isHeld(ino uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.holds(ino)
}

// scanOnce is one attempt of scan. When the newest held file has left the
// slots, the files found are the next ones only if their creation numbers
// say so; without numbers (no counter, names changing during the walk) a
// gap is assumed, on the last attempt.
func (c *chain) scanOnce(pre *preopened, last bool) (added, retry bool, err error) {
	changes := c.changeCount()
	var before creationMark
	if c.ctr != nil {
		before = c.ctr.mark(c.ci)
	}
	w := c.stableObserve(pre)
	obs := w.ino[:w.n]
	nums, numbered, after := c.creationNumbers(before, w)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false, false, nil
	}
	if c.changes != changes {
		// Another scan added files since the walk began: obs may not
		// show the newest held file.
		return false, true, nil
	}
	top := len(obs) - 1
	gap, lost := false, int64(0)
	var floor creationNo // when known, files numbered up to it were read already
	if len(c.files) == 0 && c.scanned && c.ft.Rotates && obs[top] != 0 {
		// Nothing was held and the chain is already full: files may have
		// come and gone since the last look.
		gap = true
	}
	c.scanned = true
	if numbered {
		for _, cf := range c.files {
			if k := slices.Index(obs, cf.ino); k >= 0 && nums[k].known() {
				cf.creation = nums[k]
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
		} else if c.ft.Rotates && createdNoneSince(after, c.files[n-1].creation) {
			// The newest held file left the slots without any file
			// created after it: it was deleted, not rotated (the
			// directory being removed, say). What the walk found is
			// older and was read already.
			return false, false, nil
		} else if c.ft.Rotates {
			floor = c.files[n-1].creation
			var between int64
			between, gap = c.createdBetween(floor, obs, nums[:w.n], numbered)
			if gap && between > 0 {
				lost = between
			}
			if gap && !numbered && before.epoch != 0 && !last {
				// The names changed during the walk: look again for a
				// view that can be numbered before assuming the worst.
				return false, true, nil
			}
		}
	}
	for k := top; k >= 0; k-- {
		if obs[k] == 0 || c.holds(obs[k]) || readBefore(nums[k], floor) {
			continue
		}
		if len(c.files) >= maxHeldFiles {
			return added, false, nil
		}
		fd, opened := pre.take(obs[k])
		if fd < 0 {
			opened = k
			var ino uint64
			fd, ino, err = c.open(k)
			if err == unix.ENOENT || err == unix.ELOOP || err == errNotRegular {
				// Gone, or replaced by a link or what is not a file,
				// since the walk: look again.
				return added, true, nil
			}
			if err != nil {
				return added, false, withPath("open", c.paths[k], err)
			}
			if ino != obs[k] {
				// Rotated between the stat and the open: look again.
				unix.Close(fd)
				return added, true, nil
			}
		}
		c.openedAt[opened].Add(1)
		cf := c.newFile()
		cf.f = fileHandle{fd: fd, name: c.paths[k]}
		cf.ino, cf.slot, cf.opened, cf.gap = obs[k], k, opened, gapInfo{unseen: gap, lost: lost}
		if numbered {
			cf.creation = nums[k]
		}
		c.files = append(c.files, cf)
		c.changes++
		gap, lost = false, 0
		added = true
	}
	return added, false, nil
}

// open opens the regular file at slot k, through dirfd, and returns its
// descriptor and inode (see openRegularAt).
func (c *chain) open(k int) (int, uint64, error) {
	// The error is bare: a file renamed away under the look is routine,
	// and wrapping it would allocate. scanOnce names the path.
	return openRegularAt(c.dirfd, c.names[k], c.cnames[k])
}

// newFile returns a fresh chainFile for a look to fill, from the spares
// when there is one. c.mu is held.
func (c *chain) newFile() *chainFile {
	n := len(c.spares)
	if n == 0 {
		return new(chainFile)
	}
	cf := c.spares[n-1]
	c.spares[n-1] = nil
	c.spares = c.spares[:n-1]
	return cf
}

// reserve gets the next spareFiles files a look adds ready, so that the
// look need not allocate: fresh chainFiles, and room for them in files.
// The reader calls it; its allocations may wait for the collector without
// harm, and they are made without c.mu held, which a look needs.
// (chainFiles are never reused: the reader may still hold a popped one.)
func (c *chain) reserve() {
	c.mu.Lock()
	need, n, room := spareFiles-len(c.spares), len(c.files), cap(c.files)
	c.mu.Unlock()
	grow := n+spareFiles > room
	if need <= 0 && !grow {
		return
	}
	var fresh [spareFiles]*chainFile
	for i := range need {
		fresh[i] = new(chainFile)
	}
	var files []*chainFile
	if grow {
		files = make([]*chainFile, 0, 2*(n+spareFiles))
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	// Looks only take spares, so they still fit.
	c.spares = append(c.spares, fresh[:need]...)
	if files != nil && len(c.files) <= cap(files) && cap(files) > cap(c.files) {
		c.files = append(files, c.files...)
	}
}

// createdBetween says how many files were created between the newest held
// file (whose number is newest) and the oldest new file of a walk (not
// held, not read before), and whether that may be any at all (gap). With
// both numbers known, none means nothing came between them, however many
// rotations went by; without them a gap is assumed, of an unknown number
// of files (0). nums are the walk's numbers when numbered.
func (c *chain) createdBetween(newest creationNo, obs []uint64, nums []creationNo, numbered bool) (between int64, gap bool) {
	if !newest.known() || !numbered {
		return 0, true
	}
	for k := len(obs) - 1; k >= 0; k-- {
		if obs[k] == 0 || c.holds(obs[k]) || readBefore(nums[k], newest) {
			continue
		}
		g := nums[k]
		if g.epoch != newest.epoch {
			return 0, true
		}
		between = g.n - newest.n - 1
		return between, between != 0
	}
	return 0, false // nothing new
}

// readBefore reports whether the file numbered g was created no later than
// the newest held file, numbered newest: then it was read already, and a
// walk finds it in a slot only because files were removed (the live
// exec.log deleted and made again, say), not because it is new.
func readBefore(g, newest creationNo) bool {
	return g.known() && newest.known() && g.epoch == newest.epoch && g.n <= newest.n
}

// createdNoneSince reports whether, by the counts m taken after a walk, no
// file was created under the live name after the file numbered g.
func createdNoneSince(m creationMark, g creationNo) bool {
	return g.known() && m.epoch == g.epoch && m.creates == g.n
}

func (c *chain) holds(ino uint64) bool {
	for _, cf := range c.files {
		if cf.ino == ino {
			return true
		}
	}
	return false
}

// heldCount is how many files c holds.
func (c *chain) heldCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.files)
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

// pop closes and forgets files[0]. The others move down rather than the
// slice moving up, so that files keeps its room for looks (see reserve).
// The descriptor is closed after c.mu is released: closing the last
// reference to a deleted file frees its pages, and looks need c.mu.
func (c *chain) pop() {
	c.mu.Lock()
	if len(c.files) == 0 {
		c.mu.Unlock()
		return
	}
	cf := c.files[0]
	n := copy(c.files, c.files[1:])
	c.files[n] = nil
	c.files = c.files[:n]
	c.releasedCounted.Add(cf.counted)
	c.releasedFiles.Add(1)
	c.mu.Unlock()
	c.release(cf)
	c.notifyRelease()
}

// stepOn moves past files[0], read to its end, to its successor, which it
// returns. When files were lost before the successor (and ignoreGap is
// false), it returns the gap instead and leaves the chain as it is. The
// check and the move are one step under c.mu: a look may let go of the
// successor in between otherwise (see trim).
func (c *chain) stepOn(ignoreGap bool) (*chainFile, gapInfo) {
	c.mu.Lock()
	if len(c.files) < 2 {
		c.mu.Unlock()
		return nil, gapInfo{}
	}
	if g := c.files[1].gap; g.any() && !ignoreGap {
		c.mu.Unlock()
		return nil, g
	}
	cf := c.files[0]
	n := copy(c.files, c.files[1:])
	c.files[n] = nil
	c.files = c.files[:n]
	c.releasedCounted.Add(cf.counted)
	c.releasedFiles.Add(1)
	next := c.files[0]
	c.mu.Unlock()
	c.release(cf)
	c.notifyRelease()
	return next, gapInfo{}
}

// gapOf is the gap before cf, which the chain holds.
func (c *chain) gapOf(cf *chainFile) gapInfo {
	c.mu.Lock()
	defer c.mu.Unlock()
	return cf.gap
}

// skipGap pops files[0] when drop is set, then takes the gap before the
// new files[0] away and returns it with the file: the reader resumes past
// the gap. Under one lock, so that no file is let go of in between (which
// would move the gap). It returns nil when there is no such file.
func (c *chain) skipGap(drop bool) (*chainFile, gapInfo) {
	c.mu.Lock()
	var closed *chainFile
	if drop && len(c.files) > 1 {
		closed = c.files[0]
		n := copy(c.files, c.files[1:])
		c.files[n] = nil
		c.files = c.files[:n]
		c.releasedCounted.Add(closed.counted)
		c.releasedFiles.Add(1)
	}
	if len(c.files) == 0 || (drop && closed == nil) {
		c.mu.Unlock()
		return nil, gapInfo{}
	}
	cf := c.files[0]
	g := cf.gap
	cf.gap = gapInfo{}
	c.mu.Unlock()
	if closed != nil {
		c.release(closed)
		c.notifyRelease()
	}
	return cf, g
}

// release closes a file the chain let go of, unless keep takes its
// descriptor over (a History reads from it).
func (c *chain) release(cf *chainFile) {
	if c.keep != nil && c.keep(cf) {
		return
	}
	cf.f.Close()
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
	c.files, c.spares = nil, nil
}

// fileState is what one fstat tells a reader.
type fileState struct {
	size  int64
	mtime int64 // nanoseconds since the epoch
}

// statFile fstats an open file.
func statFile(f *fileHandle) (fileState, error) {
	var st unix.Stat_t
	if err := f.stat(&st); err != nil {
		return fileState{}, fmt.Errorf("stat %s: %w", f.Name(), err)
	}
	return fileState{size: st.Size, mtime: st.Mtim.Nano()}, nil
}
