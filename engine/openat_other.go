//go:build !linux

package engine

import "golang.org/x/sys/unix"

// statAt returns the inode of the file named name in dirfd and its type
// (the S_IFMT bits of its mode), without following a symbolic link. (On
// Linux it does not allocate; see openat_linux.go.)
func statAt(dirfd int, name string, _ []byte) (ino uint64, typ uint32, err error) {
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return 0, 0, err
	}
	return uint64(st.Ino), uint32(st.Mode) & unix.S_IFMT, nil
}

// openAt opens the file named name in dirfd for reading, as openFlags
// says: never through a link, never waiting.
func openAt(dirfd int, name string, _ []byte) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, openFlags, 0)
		if err == unix.EINTR {
			continue
		}
		return fd, err
	}
}
