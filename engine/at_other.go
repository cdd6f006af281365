//go:build !linux

package engine

import "golang.org/x/sys/unix"

// statAt returns the inode of the file named name in dirfd, and whether it
// is a regular file. (On Linux it does not allocate; see at_linux.go.)
func statAt(dirfd int, name string, _ []byte) (ino uint64, regular bool, err error) {
	var st unix.Stat_t
	if err := unix.Fstatat(dirfd, name, &st, 0); err != nil {
		return 0, false, err
	}
	return uint64(st.Ino), st.Mode&unix.S_IFMT == unix.S_IFREG, nil
}

// openAt opens the file named name in dirfd for reading.
func openAt(dirfd int, name string, _ []byte) (int, error) {
	for {
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err == unix.EINTR {
			continue
		}
		return fd, err
	}
}
