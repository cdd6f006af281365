//go:build linux

package engine

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fillTo appends records numbered from n to exec.log until the next one
// would take it past limit bytes, as a producer that rotates at a fixed
// size does; it returns the next number. Records differ in length, so the
// files do too.
func fillTo(t *testing.T, dir string, n int, limit int64) int {
	t.Helper()
	var b strings.Builder
	size := int64(0)
	if fi, err := os.Stat(filepath.Join(dir, "exec.log")); err == nil {
		size = fi.Size()
	}
	for {
		line := execLine(t0.Add(time.Duration(n)*time.Millisecond), "stdout", 1, fmt.Sprintf("line %d\n", n))
		if pad := n % 7; pad > 0 {
			line = execLine(t0.Add(time.Duration(n)*time.Millisecond), "stdout", 1, fmt.Sprintf("line %d%s\n", n, strings.Repeat(" ", 40*pad)))
		}
		if size+int64(b.Len()+len(line)) > limit {
			break
		}
		b.WriteString(line)
		n++
	}
	appendFile(t, dir, "exec.log", b.String())
	return n
}

// execSize is the size of the live exec.log.
func execSize(t *testing.T, dir string) int64 {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, "exec.log"))
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestMissedRotationLossIsALowerBound: a follower that cannot look while
// 13 files of a log rotating at 64 KiB go by loses the 8 that rotated out
// of retention unseen. It counts them exactly, and as the rotated files it
// read show a fixed rotation size, it reports a figure that is at most what
// was lost and not far below it; after Resume the gap line says the same.
// Rotated by hand at other sizes, the count is still exact but the size is
// not claimed.
func TestMissedRotationLossIsALowerBound(t *testing.T) {
	const limit = 64 << 10
	for _, tc := range []struct {
		holder, fixed bool
	}{{false, true}, {true, true}, {false, false}, {true, false}} {
		t.Run(fmt.Sprintf("holder=%v,fixed-size=%v", tc.holder, tc.fixed), func(t *testing.T) {
			dir := logDir(t)
			// What the reader sees first: two rotated files and the live
			// one, rotated at the limit (or, by hand, at random sizes).
			n := 0
			fill := func(i int) {
				if tc.fixed {
					n = fillTo(t, dir, n, limit)
				} else {
					writeExec(t, dir, n, 1+i%3*50)
					n += 1 + i%3*50
				}
			}
			fill(0)
			rotate(t, dir, "exec.log")
			fill(1)
			s := mustOpen(t, dir, Options{Follow: true, Holder: tc.holder})
			if tc.holder {
				waitRemote(t, s, true)
			}
			rotateSeen(t, s, dir)
			fill(2)
			wantSeq(t, lineNumbers(t, readN(t, s, n, 10*time.Second)), 0, n)
			cont := stopLooks(t, s)
			// The file being read goes, then 13 more are created; the
			// last five are kept.
			var sizes []int64
			for i := range 13 {
				rotate(t, dir, "exec.log")
				fill(i)
				sizes = append(sizes, execSize(t, dir))
			}
			var lost int64
			for _, sz := range sizes[:13-5] {
				lost += sz
			}
			cont()
			_, err := readUntilErr(t.Context(), s, 1000)
			var mr *MissedRotationError
			if !errors.As(err, &mr) {
				t.Fatalf("got %v, want a missed rotation", err)
			}
			t.Logf("lost %d bytes in %d files; reported %s", lost, len(sizes)-5, mr.Lost)
			if mr.Lost.Files != int64(len(sizes)-5) {
				t.Fatalf("reported %d files lost, want %d", mr.Lost.Files, len(sizes)-5)
			}
			if !tc.fixed && mr.Lost.Bytes != 0 {
				t.Fatalf("claimed at least %d bytes lost from files rotated at random sizes", mr.Lost.Bytes)
			}
			if tc.fixed && (mr.Lost.Bytes > lost || mr.Lost.Bytes < lost*9/10) {
				t.Fatalf("reported at least %d bytes lost; %d were", mr.Lost.Bytes, lost)
			}
			if err := s.Resume(); err != nil {
				t.Fatal(err)
			}
			gap := readN(t, s, 1, 5*time.Second)[0]
			if gap.Mark != MarkGap || !strings.Contains(string(gap.Data), mr.Lost.String()) {
				t.Fatalf("after Resume: %+v, want a gap line saying %s", gap, mr.Lost)
			}
		})
	}
}

// stopLooks stops every look at the stream's directory, its holder
// process's too, until the returned function is called.
func stopLooks(t *testing.T, s *Stream) (cont func()) {
	t.Helper()
	if s.h == nil {
		return s.pauseWatcher()
	}
	pid := s.h.cmd.Process.Pid
	if err := syscall.Kill(pid, syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	waitStopped(t, pid)
	return func() {
		if err := syscall.Kill(pid, syscall.SIGCONT); err != nil {
			t.Fatal(err)
		}
	}
}

// waitStopped waits until every thread of process pid is stopped: kill
// returns before a thread running on another processor has noticed.
func waitStopped(t *testing.T, pid int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !threadsStopped(pid) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d did not stop", pid)
		}
		time.Sleep(time.Millisecond)
	}
}

// threadsStopped reports whether every thread of pid is in state T.
func threadsStopped(pid int) bool {
	stats, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if len(stats) == 0 {
		return false
	}
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			return false
		}
		i := strings.LastIndexByte(string(b), ')')
		if i < 0 || i+2 >= len(b) || (b[i+2] != 'T' && b[i+2] != 't') {
			return false
		}
	}
	return true
}
