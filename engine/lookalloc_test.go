//go:build linux

package engine

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestLookDoesNotAllocate rotates exec.log and has the watcher look, as it
// does on each inotify event: the look that finds the new file and takes
// it into the chain must not allocate. A goroutine that allocates while a
// collection is under way may have to help with it, and in a trace of a
// flat-out follow that help held the watcher for 18 ms, three times as long
// as a file rotated every 256 KiB stays in retention.
func TestLookDoesNotAllocate(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	chains, err := openChains(dir, DefaultSources, DefaultHoldBudget)
	if err != nil {
		t.Fatal(err)
	}
	defer closeChains(chains)
	w := newWatcher(dir, chains, time.Hour)
	ws := w.prepare(inotifyMask)
	if ws.ic == nil {
		t.Fatal("no inotify counter")
	}
	w.look()
	defer unix.Close(ws.fd)
	defer unix.Close(ws.p[0])
	defer unix.Close(ws.p[1])
	c := chains[0]
	// Mallocs counts the whole process: the runtime allocates now and then
	// on its own (a thread for a blocked call, the race detector), but a
	// look that allocates does so on every rotation.
	const looks = 3 * spareFiles
	var allocs uint64
	for i := range looks {
		rotate(t, dir, "exec.log")
		writeExec(t, dir, 10+i, 1)
		// The reader reserves room as it reads; here it never pops, so
		// the held files grow past every reservation.
		c.reserve()
		held := len(c.files)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		w.look()
		runtime.ReadMemStats(&after)
		if len(c.files) != held+1 {
			t.Fatalf("rotation %d: the look took %d new files, want 1", i, len(c.files)-held)
		}
		allocs += after.Mallocs - before.Mallocs
	}
	if allocs > looks/4 {
		t.Fatalf("%d looks that each opened a file allocated %d times", looks, allocs)
	}
	if g := c.files[len(c.files)-1].creation; !g.known() {
		t.Fatal("the looks did not number the files")
	}
}

// TestStatAtWithoutStatx takes the fstatat path that statAt falls back to
// where statx is missing or refused, and checks both agree.
func TestStatAtWithoutStatx(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 1)
	c := newChain(dir, &fileTable[0], DefaultHoldBudget)
	defer c.closeAll()
	ino, typ, err := statAt(c.dirfd, c.names[0], c.cnames[0])
	if err != nil || typ != unix.S_IFREG || ino == 0 {
		t.Fatalf("statx: %d %o %v", ino, typ, err)
	}
	noStatx.Store(true)
	defer noStatx.Store(false)
	ino2, typ2, err := statAt(c.dirfd, c.names[0], c.cnames[0])
	if err != nil || typ2 != typ || ino2 != ino {
		t.Fatalf("fstatat: %d %o %v, statx said %d", ino2, typ2, err, ino)
	}
	if _, _, err := statAt(c.dirfd, c.names[1], c.cnames[1]); err != unix.ENOENT {
		t.Fatalf("a missing slot: %v, want ENOENT", err)
	}
	// A link is a link, not what it points to, either way.
	if err := os.Symlink("exec.log", filepath.Join(dir, "exec.log.1")); err != nil {
		t.Fatal(err)
	}
	for _, without := range []bool{false, true} {
		noStatx.Store(without)
		if _, typ, err := statAt(c.dirfd, c.names[1], c.cnames[1]); err != nil || typ != unix.S_IFLNK {
			t.Fatalf("a linked slot (without statx: %v): type %o, %v", without, typ, err)
		}
	}
}
