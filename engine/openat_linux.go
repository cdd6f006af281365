//go:build linux

package engine

import (
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The looks stat and open the slots by name relative to the directory
// without allocating (see fileHandle): x/sys/unix copies every path into a
// fresh NUL-terminated buffer, so these take the chain's names already
// terminated (cname) and make the system calls themselves. statx and openat
// have the same number and layout on every Linux architecture.

// statAt returns the inode of the file named cname in dirfd and its type
// (the S_IFMT bits of its mode). A symbolic link is not followed: it is
// reported as a link.
func statAt(dirfd int, name string, cname []byte) (ino uint64, typ uint32, err error) {
	if !noStatx.Load() {
		var stx unix.Statx_t
		_, _, e := unix.Syscall6(unix.SYS_STATX, uintptr(dirfd), uintptr(unsafe.Pointer(&cname[0])), unix.AT_SYMLINK_NOFOLLOW,
			unix.STATX_TYPE|unix.STATX_INO, uintptr(unsafe.Pointer(&stx)), 0)
		switch e {
		case 0:
			return stx.Ino, uint32(stx.Mode) & unix.S_IFMT, nil
		case unix.ENOSYS, unix.EPERM:
			// Before Linux 4.11, or refused by an old container's
			// seccomp profile: fstatat from now on.
			noStatx.Store(true)
		default:
			return 0, 0, e
		}
	}
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return 0, 0, err
	}
	return st.Ino, st.Mode & unix.S_IFMT, nil
}

// noStatx is set once statx turned out not to be available.
var noStatx atomic.Bool

// openAt opens the file named cname in dirfd for reading, as openFlags
// says: never through a link, never waiting.
func openAt(dirfd int, name string, cname []byte) (int, error) {
	for {
		fd, _, e := unix.Syscall6(unix.SYS_OPENAT, uintptr(dirfd), uintptr(unsafe.Pointer(&cname[0])),
			openFlags, 0, 0, 0)
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return -1, e
		}
		return int(fd), nil
	}
}
