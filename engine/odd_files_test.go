//go:build linux

package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Files in a log directory that are not what they seem: named pipes,
// devices and symbolic links where a log file should be. Reading must
// never wait on one, nor read what a link points to; each is reported
// with a notice and skipped.

// secretLine is what a file outside the log directory holds: a line that
// must never be read through a link to it.
const secretLine = "SECRET-OUTSIDE-THE-LOG-DIRECTORY"

// outsideFile writes a file outside dir whose lines parse as records of
// every file type and carry secretLine.
func outsideFile(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "shadow")
	rec := execLine(t0, "stdout", 1, secretLine+"\n") + secretLine + "\n"
	if err := os.WriteFile(path, []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := unix.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

// releaseFIFOs opens every named pipe among paths for writing without
// waiting: an open for reading stuck on one of them then returns.
func releaseFIFOs(paths ...string) {
	for _, p := range paths {
		if fd, err := unix.Open(p, unix.O_WRONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0); err == nil {
			unix.Close(fd)
		}
	}
}

// snapshotWithin reads a snapshot and fails the test if it has not
// finished within d: a read waiting on a named pipe would never finish.
func snapshotWithin(t *testing.T, d time.Duration, dir string, opts Options, fifos ...string) (*Snapshot, error) {
	t.Helper()
	type result struct {
		snap *Snapshot
		err  error
	}
	done := make(chan result, 1)
	go func() {
		snap, err := ReadSnapshot(context.Background(), dir, opts)
		done <- result{snap, err}
	}()
	select {
	case r := <-done:
		return r.snap, r.err
	case <-time.After(d):
		// Let the stuck read go before failing, so the test binary can
		// clean up.
		releaseFIFOs(fifos...)
		t.Fatalf("the snapshot did not finish within %v: it waits on a named pipe", d)
		return nil, nil
	}
}

// notices returns the Data of the MarkNotice entries among es.
func notices(es []Entry) []string {
	var out []string
	for _, e := range es {
		if e.Mark == MarkNotice {
			out = append(out, string(e.Data))
		}
	}
	return out
}

// wantNotice checks that one of got says that name is what.
func wantNotice(t *testing.T, got []string, name, what string) {
	t.Helper()
	for _, n := range got {
		if strings.HasPrefix(n, name+" ") && strings.Contains(n, what) && strings.Contains(n, "skipped") {
			return
		}
	}
	t.Fatalf("no notice that %s is %s; notices: %q", name, what, got)
}

// noSecret checks that nothing of the file outside was read.
func noSecret(t *testing.T, es []Entry) {
	t.Helper()
	for _, e := range es {
		if strings.Contains(string(e.Data), secretLine) && e.Mark == MarkNone {
			t.Fatalf("read through a link: %q", e.Data)
		}
	}
}

func TestSnapshotSkipsPipesAndLinks(t *testing.T) {
	dir := logDir(t)
	outside := outsideFile(t)
	writeExec(t, dir, 0, 10)
	mkfifo(t, filepath.Join(dir, "exec.log.1"))
	symlink(t, outside, filepath.Join(dir, "exec.log.2"))
	symlink(t, outside, filepath.Join(dir, "runtime.log"))
	appendFile(t, dir, "runtime.log.1", "runtime line\n")
	mkfifo(t, filepath.Join(dir, "kernel.log"))
	snap, err := snapshotWithin(t, 10*time.Second, dir, Options{Sources: AllSources},
		filepath.Join(dir, "exec.log.1"), filepath.Join(dir, "kernel.log"))
	if err != nil {
		t.Fatal(err)
	}
	noSecret(t, snap.Entries)
	got := notices(snap.Entries)
	wantNotice(t, got, "exec.log.1", "named pipe")
	wantNotice(t, got, "exec.log.2", "symbolic link")
	wantNotice(t, got, "runtime.log", "symbolic link")
	wantNotice(t, got, "kernel.log", "named pipe")
	if len(got) != 4 {
		t.Fatalf("%d notices, want 4: %q", len(got), got)
	}
	wantSeq(t, lineNumbers(t, onlyExec(snap.Entries)), 0, 10)
	var runtimeLines int
	for _, e := range snap.Entries {
		if e.File == "runtime.log" && e.Mark == MarkNone {
			runtimeLines++
		}
	}
	if runtimeLines != 1 {
		t.Fatalf("%d runtime.log lines, want the one of runtime.log.1", runtimeLines)
	}
	// The notices keep the cursor exact: resuming at the end repeats
	// nothing.
	s := mustOpen(t, dir, Options{Sources: AllSources, Start: FromCursor(snap.End)})
	if rest := readAll(t, s); len(notices(rest)) != len(rest) {
		t.Fatalf("resuming at the snapshot's end read %d entries again", len(rest)-len(notices(rest)))
	}
}

func onlyExec(es []Entry) []Entry {
	var out []Entry
	for _, e := range es {
		if e.File == "exec.log" {
			out = append(out, e)
		}
	}
	return out
}

// A device node where a log file should be is skipped without being
// opened (opening a device can do things: a terminal, a tape).
func TestSnapshotSkipsDevices(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 3)
	dev := filepath.Join(dir, "kernel.log")
	if err := unix.Mknod(dev, unix.S_IFCHR|0o666, int(unix.Mkdev(1, 3))); err != nil {
		// Making a device node takes privileges: a link to one is the
		// closest an ordinary user gets, and is skipped as a link.
		t.Logf("mknod: %v; linking to /dev/null instead", err)
		symlink(t, "/dev/null", dev)
	}
	snap, err := snapshotWithin(t, 10*time.Second, dir, Options{Sources: AllSources})
	if err != nil {
		t.Fatal(err)
	}
	got := notices(snap.Entries)
	if len(got) != 1 || !strings.HasPrefix(got[0], "kernel.log ") || !strings.Contains(got[0], "skipped") {
		t.Fatalf("notices %q, want one about kernel.log", got)
	}
	wantSeq(t, lineNumbers(t, onlyExec(snap.Entries)), 0, 3)
}

// The log directory itself may be reached through a link (a linked home):
// only the files inside must be regular.
func TestLinkedDirectoryIsRead(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 5)
	link := filepath.Join(t.TempDir(), "linked-logs")
	symlink(t, dir, link)
	snap, err := snapshotWithin(t, 10*time.Second, link, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := notices(snap.Entries); len(n) != 0 {
		t.Fatalf("notices %q for a linked directory", n)
	}
	wantSeq(t, lineNumbers(t, snap.Entries), 0, 5)
}

// A file swapped with a named pipe between the look that finds it and the
// open must not leave the read waiting in the open.
func TestFileSwappedWithPipeNeverHangs(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 2)
	slot := filepath.Join(dir, "exec.log.1")
	file, pipe := filepath.Join(dir, "swap-file"), filepath.Join(dir, "swap-pipe")
	appendFile(t, dir, "swap-file", execLine(t0, "stdout", 1, "rotated\n"))
	mkfifo(t, pipe)
	var stop sync.WaitGroup
	quit := make(chan struct{})
	stop.Add(1)
	go func() {
		defer stop.Done()
		for {
			select {
			case <-quit:
				return
			default:
			}
			for _, p := range []string{file, pipe} {
				os.Rename(p, slot) //nolint:errcheck // a tight loop; checked by the reads
				os.Rename(slot, p) //nolint:errcheck
			}
		}
	}()
	defer func() {
		close(quit)
		stop.Wait()
	}()
	deadline := time.Now().Add(5 * time.Second)
	runs := 0
	for ; runs < 20000 && time.Now().Before(deadline); runs++ {
		snap, err := snapshotWithin(t, 10*time.Second, dir, Options{}, slot, pipe)
		if err != nil {
			t.Fatalf("run %d: %v", runs, err)
		}
		noSecret(t, snap.Entries)
		for _, n := range notices(snap.Entries) {
			if !strings.HasPrefix(n, "exec.log.1 is a named pipe") {
				t.Fatalf("run %d: notice %q", runs, n)
			}
		}
	}
	t.Logf("%d snapshots while exec.log.1 was swapped", runs)
}

// A follow, with and without a holder process, skips a link that takes
// the live file's place at a rotation, says so once, and goes on with the
// regular files after it.
func TestFollowSkipsALinkedLiveFile(t *testing.T) {
	for _, holder := range []bool{false, true} {
		t.Run(map[bool]string{false: "watcher", true: "holder"}[holder], func(t *testing.T) {
			dir := logDir(t)
			outside := outsideFile(t)
			writeExec(t, dir, 0, 5)
			// A link there from the start is reported once, though the
			// stream and the holder both look at it.
			symlink(t, outside, filepath.Join(dir, "runtime.log"))
			s := mustOpen(t, dir, Options{Sources: AllSources, Follow: true, Holder: holder})
			if holder && s.h != nil {
				waitRemote(t, s, true)
			}
			got := readN(t, s, 6, 10*time.Second)
			// A rotation whose new live file is a link to a file outside.
			live := filepath.Join(dir, "exec.log")
			if err := os.Rename(live, live+".1"); err != nil {
				t.Fatal(err)
			}
			symlink(t, outside, live)
			got = append(got, readN(t, s, 1, 10*time.Second)...)
			// The next rotation moves the link to exec.log.1 and makes a
			// regular exec.log again.
			rotate(t, dir, "exec.log")
			writeExec(t, dir, 5, 5)
			got = append(got, readN(t, s, 5, 10*time.Second)...)
			noSecret(t, got)
			n := notices(got)
			wantNotice(t, n, "exec.log", "symbolic link")
			wantNotice(t, n, "runtime.log", "symbolic link")
			if len(n) != 2 {
				t.Fatalf("notices %q, want two", n)
			}
			wantSeq(t, lineNumbers(t, got), 0, 10)
			// Nothing more: the holder's report of the link the stream
			// had reported already is not repeated.
			ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
			defer cancel()
			if more, _ := readUntilErr(ctx, s, 10); len(more) != 0 {
				t.Fatalf("more entries: %q", notices(more))
			}
			if holder && s.h != nil {
				holderHasNo(t, s.h.cmd.Process.Pid, outside)
			}
		})
	}
}

// holderHasNo checks that process pid holds no descriptor on path.
func holderHasNo(t *testing.T, pid int, path string) {
	t.Helper()
	fdDir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
	des, err := os.ReadDir(fdDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, de := range des {
		if target, err := os.Readlink(filepath.Join(fdDir, de.Name())); err == nil && target == path {
			t.Fatalf("the holder holds descriptor %s on %s", de.Name(), path)
		}
	}
}

// boot-error.json that is a named pipe or a link is refused at once with
// an error that names it.
func TestBootErrorThatIsNotAFile(t *testing.T) {
	for _, tc := range []struct {
		name, what string
		make       func(t *testing.T, path string)
	}{
		{"pipe", "named pipe", func(t *testing.T, path string) { mkfifo(t, path) }},
		{"link to a terminal", "symbolic link", func(t *testing.T, path string) { symlink(t, "/dev/tty", path) }},
		{"link to a file", "symbolic link", func(t *testing.T, path string) {
			target := filepath.Join(t.TempDir(), "boot.json")
			os.WriteFile(target, []byte(`{"t":"2026-04-30T20:32:59Z","stage":"mount","message":"`+secretLine+`"}`), 0o644)
			symlink(t, target, path)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := logDir(t)
			path := filepath.Join(dir, bootErrorFile)
			tc.make(t, path)
			done := make(chan error, 1)
			go func() {
				be, err := ReadBootError(dir)
				if be != nil {
					err = errors.New("read a boot error: " + be.Message)
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil || !strings.Contains(err.Error(), bootErrorFile) || !strings.Contains(err.Error(), tc.what) {
					t.Fatalf("got %v, want an error saying %s is a %s", err, bootErrorFile, tc.what)
				}
			case <-time.After(10 * time.Second):
				releaseFIFOs(path)
				t.Fatal("ReadBootError waits on a named pipe")
			}
		})
	}
}
