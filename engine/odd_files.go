package engine

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"golang.org/x/sys/unix"
)

// Only regular files are read in a log directory. A link there could make
// sandtail show any file the user can read as if the sandbox had logged it
// (kernel.log -> /etc/shadow), and a named pipe or a device would make a
// plain open wait forever, or read the user's keystrokes (a link to
// /dev/tty). So every log file is opened without following a link and
// without waiting (a named pipe opens at once), and the open descriptor
// must be a regular file. Anything else is skipped and reported once, as
// a MarkNotice entry. The directory itself may be reached through a link.

// openFlags is how every log file is opened.
const openFlags = unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOFOLLOW | unix.O_NONBLOCK | unix.O_NOCTTY

// errNotRegular is an open that found something other than a regular file.
var errNotRegular = errors.New("not a regular file")

// openRegularAt opens the file named name (cname, NUL-terminated) in dirfd
// and returns its descriptor and inode; a descriptor that is not a regular
// file is closed again (errNotRegular), and a link is refused (ELOOP). It
// does not allocate.
func openRegularAt(dirfd int, name string, cname []byte) (fd int, ino uint64, err error) {
	fd, err = openAt(dirfd, name, cname)
	if err != nil {
		return -1, 0, err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		unix.Close(fd)
		return -1, 0, err
	}
	if uint32(st.Mode)&unix.S_IFMT != unix.S_IFREG {
		unix.Close(fd)
		return -1, 0, errNotRegular
	}
	return fd, uint64(st.Ino), nil //nolint:unconvert // Ino is not uint64 everywhere
}

// readRegularFile reads at most limit+1 bytes of the regular file at path
// (so that a caller can tell it is over limit). A path that is anything
// but a regular file is an error saying what it is; a missing file is
// fs.ErrNotExist.
func readRegularFile(path string, limit int64) ([]byte, error) {
	fd, err := unix.Open(path, openFlags, 0)
	if err != nil {
		if err == unix.ENOENT {
			return nil, withPath("open", path, err)
		}
		// A link gives ELOOP here (EMLINK on some systems): say what is
		// there rather than how the open failed.
		var st unix.Stat_t
		if unix.Lstat(path, &st) == nil && uint32(st.Mode)&unix.S_IFMT != unix.S_IFREG {
			return nil, notRegularError(path, uint32(st.Mode)&unix.S_IFMT)
		}
		return nil, withPath("open", path, err)
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, withPath("stat", path, err)
	}
	if typ := uint32(st.Mode) & unix.S_IFMT; typ != unix.S_IFREG {
		return nil, notRegularError(path, typ)
	}
	raw, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, withPath("read", path, err)
	}
	return raw, nil
}

// notRegularError says that the file at path is of type typ, and skipped.
func notRegularError(path string, typ uint32) error {
	return fmt.Errorf("%s is %s, not a regular file: skipped", path, typeName(typ))
}

// typeName names a file type (the S_IFMT bits of a mode) for a message.
func typeName(typ uint32) string {
	switch typ {
	case unix.S_IFLNK:
		return "a symbolic link"
	case unix.S_IFIFO:
		return "a named pipe (FIFO)"
	case unix.S_IFCHR:
		return "a character device"
	case unix.S_IFBLK:
		return "a block device"
	case unix.S_IFDIR:
		return "a directory"
	case unix.S_IFSOCK:
		return "a socket"
	}
	return "of an unknown type"
}

// oddFile is a file found in one of a chain's slots that is not a regular
// file.
type oddFile struct {
	ino  uint64
	slot int
	typ  uint32 // S_IFMT bits
}

// A chain reports each odd file once, however many looks see it and
// however far rotations move it (a link keeps its inode when renamed).
const (
	oddPending = 8  // odd files found and not passed on yet
	oddSeen    = 16 // the last odd files reported, by inode
)

// chainNotes are a chain's notices not passed on to its reader yet; the
// chain's mutex guards them.
type chainNotes struct {
	odd   [oddPending]oddFile
	nOdd  int
	seen  [oddSeen]uint64
	nSeen int      // odd files reported in all; seen is a ring
	text  []string // notices made outside a look
}

// noteOdd records that slot holds ino, of type typ, which is not a regular
// file, unless it was reported already. Looks call it: it does not
// allocate.
func (c *chain) noteOdd(slot int, ino uint64, typ uint32) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := &c.notes
	for i := range min(n.nSeen, oddSeen) {
		if n.seen[i] == ino {
			return
		}
	}
	if n.nOdd == oddPending {
		return // the reader is far behind; it will hear of the others later
	}
	n.seen[n.nSeen%oddSeen] = ino
	n.nSeen++
	n.odd[n.nOdd] = oddFile{ino: ino, slot: slot, typ: typ}
	n.nOdd++
}

// noteText records a notice for the chain's reader.
func (c *chain) noteText(msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.notes.text = append(c.notes.text, msg)
}

// takeOdd returns and forgets the odd files not passed on yet (for the
// holder process to send; it does not allocate).
func (c *chain) takeOdd(out *[oddPending]oddFile) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := copy(out[:], c.notes.odd[:c.notes.nOdd])
	c.notes.nOdd = 0
	return n
}

// takeNotices returns the chain's notices not passed on yet as MarkNotice
// entries of track, at cursor position pos (where its reader is: a notice
// moves no position).
func (c *chain) takeNotices(track int, pos Position) []Entry {
	var odd [oddPending]oddFile
	n := c.takeOdd(&odd)
	c.mu.Lock()
	text := c.notes.text
	c.notes.text = nil
	c.mu.Unlock()
	if n == 0 && len(text) == 0 {
		return nil
	}
	out := make([]Entry, 0, n+len(text))
	for _, o := range odd[:n] {
		out = append(out, noticeEntry(c.ft.Name, track, pos, fmt.Sprintf(
			"%s is %s, not a regular file: skipped (only regular files are read in a log directory, and links there are never followed)",
			filepath.Base(c.paths[o.slot]), typeName(o.typ))))
	}
	for _, msg := range text {
		out = append(out, noticeEntry(c.ft.Name, track, pos, msg))
	}
	return out
}

// noticeEntry builds a MarkNotice entry.
func noticeEntry(name string, track int, pos Position, msg string) Entry {
	e := Entry{Time: time.Now().UTC(), Source: System, Mark: MarkNotice, File: name, Data: []byte(msg)}
	e.Cursor.pos[track] = pos
	return e
}

// startNotices appends the notices of the chains' first looks to the start
// points resolved for them.
func startNotices(chains []*chain, pts []startPoint) {
	for i, c := range chains {
		var pos Position
		if f := c.first(); f != nil {
			pos = Position{Inode: f.ino, Offset: uint64(pts[i].off)}
		}
		pts[i].marks = append(pts[i].marks, c.takeNotices(i, pos)...)
	}
}

// takeNotices appends the chain's new notices to pending; it reports
// whether there were any.
func (t *track) takeNotices() bool {
	ns := t.ch.takeNotices(t.idx, t.position())
	t.pending = append(t.pending, ns...)
	return len(ns) > 0
}
