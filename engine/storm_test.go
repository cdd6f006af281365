//go:build linux

package engine

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// An event storm: another process creating and deleting files of unrelated
// names in the log directory as fast as it can. Every create and delete is
// an inotify event on the directory, so everything that watches it wakes;
// what it does on waking is what the storm costs it.

// clockTick is the unit of the CPU times in /proc/PID/stat (USER_HZ, 100
// on every Linux architecture Go supports).
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU time (user and system) process pid has used so far.
func cpuTime(t testing.TB, pid int) time.Duration {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		t.Fatal(err)
	}
	// The fields after the command name, which is in parentheses and may
	// hold anything: state is field 3, utime 14, stime 15.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("parsing /proc/%d/stat: %q", pid, b)
	}
	return time.Duration(utime+stime) * clockTick
}

// storm starts a process that creates and deletes files of names no chain
// has in dir until stopped; stop returns the CPU time it used.
func storm(t *testing.T, dir string) (stop func() time.Duration) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(exe, "-test.run=^TestStormProcess$")
	cmd.Env = append(os.Environ(), "SANDTAIL_STORM="+dir)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop = func() time.Duration {
		if stopped {
			return 0
		}
		stopped = true
		cmd.Process.Signal(unix.SIGTERM) //nolint:errcheck // waited for below
		cmd.Wait()                       //nolint:errcheck // ended on purpose
		return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	t.Cleanup(func() { stop() })
	return stop
}

// TestStormProcess is the child process of storm.
func TestStormProcess(t *testing.T) {
	dir := os.Getenv("SANDTAIL_STORM")
	if dir == "" {
		t.Skip("child process of the event storm tests")
	}
	names := make([][]byte, 64)
	for i := range names {
		names[i] = append([]byte(filepath.Join(dir, fmt.Sprintf("unrelated-%d.tmp", i))), 0)
	}
	for i := 0; ; i++ {
		p := string(names[i%len(names)][:len(names[i%len(names)])-1])
		fd, err := unix.Open(p, unix.O_CREAT|unix.O_WRONLY|unix.O_CLOEXEC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		unix.Close(fd)
		if err := unix.Unlink(p); err != nil {
			t.Fatal(err)
		}
	}
}

// stormCPU follows dir (with or without a holder) through an event storm
// of d and returns the CPU time the holder used (the reader's, without a
// holder) and the storm's.
func stormCPU(t *testing.T, opts Options, d time.Duration) (watcher, stormed time.Duration) {
	watcher, _, stormed = stormCPUs(t, opts, d)
	return watcher, stormed
}

// stormCPUs is stormCPU that also returns what this process, the reader,
// used meanwhile (the same as watcher without a holder).
func stormCPUs(t *testing.T, opts Options, d time.Duration) (watcher, reader, stormed time.Duration) {
	t.Helper()
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	opts.Follow = true
	holder := opts.Holder
	s := mustOpen(t, dir, opts)
	pid := os.Getpid()
	if holder {
		waitRemote(t, s, true)
		pid = s.h.cmd.Process.Pid
	}
	readN(t, s, 10, 10*time.Second)
	stop := storm(t, dir)
	before, rBefore := cpuTime(t, pid), cpuTime(t, os.Getpid())
	time.Sleep(d) // a span of CPU time to measure, not a wait for a state
	watcher, reader = cpuTime(t, pid)-before, cpuTime(t, os.Getpid())-rBefore
	stormed = stop()
	// The follow still works after the storm.
	writeExec(t, dir, 10, 1)
	readN(t, s, 1, 10*time.Second)
	return watcher, reader, stormed
}

// TestEventStormMeasure compares the CPU an event storm costs the holder
// with what it costs a reader's own watcher. It is opt-in (the figures need
// seconds of storm on an idle machine): SANDTAIL_STORM_SECONDS=10.
func TestEventStormMeasure(t *testing.T) {
	secs := os.Getenv("SANDTAIL_STORM_SECONDS")
	if secs == "" {
		t.Skip("set SANDTAIL_STORM_SECONDS to run")
	}
	d, err := time.ParseDuration(secs + "s")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		who  string
		opts Options
	}{
		{"the reader (its own watcher)", Options{}},
		{"the holder", Options{Holder: true}},
		{"the holder, real-time", Options{Holder: true, HolderRealtime: true}},
	} {
		w, st := stormCPU(t, tc.opts, d)
		who := tc.who
		t.Logf("%v of storm: %s used %v CPU (%.1f%% of one CPU), the storm %v (%.1f%%)",
			d, who, w, 100*w.Seconds()/d.Seconds(), st, 100*st.Seconds()/d.Seconds())
	}
}

// TestEventStormCostsTheHolderLittle: a storm of events about files of
// other names must cost the holder far less than it costs the storm's own
// process. (A holder at real-time priority that looked at the directory on
// every event used about as much as the storm, 44-55% of a processor.)
func TestEventStormCostsTheHolderLittle(t *testing.T) {
	w, st := stormCPU(t, Options{Holder: true}, 2*time.Second)
	t.Logf("the holder used %v, the storm %v", w, st)
	if st < 200*time.Millisecond {
		t.Skipf("the storm got only %v of processor time: too busy a machine to compare", st)
	}
	if w > st/3 {
		t.Fatalf("the holder used %v of processor time in a storm that used %v", w, st)
	}
}

// TestEventStormCostsTheReaderLittle: the same storm must not make the
// reader the busiest process either, following by itself (its own watcher
// looks) or with a holder (its watch only pings the holder).
func TestEventStormCostsTheReaderLittle(t *testing.T) {
	for _, holder := range []bool{false, true} {
		t.Run(fmt.Sprintf("holder=%v", holder), func(t *testing.T) {
			_, r, st := stormCPUs(t, Options{Holder: holder, HoldBudget: 1 << 20}, 2*time.Second)
			t.Logf("the reader used %v, the storm %v", r, st)
			if st < 200*time.Millisecond {
				t.Skipf("the storm got only %v of processor time: too busy a machine to compare", st)
			}
			if r > st/3 {
				t.Fatalf("the reader used %v of processor time in a storm that used %v", r, st)
			}
		})
	}
}
