//go:build linux

package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// deletedHeld sums, over the processes pids, the sizes of the files open
// in them that no longer have a name (deleted: a rotation past Name.4),
// and reports the most descriptors one such file has across them.
func deletedHeld(t *testing.T, pids ...int) (bytes int64, files, maxFds int) {
	t.Helper()
	fds := map[uint64]int{}
	size := map[uint64]int64{}
	for _, pid := range pids {
		dir := filepath.Join("/proc", strconv.Itoa(pid), "fd")
		des, _ := os.ReadDir(dir)
		for _, de := range des {
			fi, err := os.Stat(filepath.Join(dir, de.Name()))
			if err != nil || !fi.Mode().IsRegular() {
				continue
			}
			st := fi.Sys().(*syscall.Stat_t)
			if st.Nlink != 0 {
				continue
			}
			fds[st.Ino]++
			size[st.Ino] = st.Size
		}
	}
	for ino, n := range fds {
		bytes += size[ino]
		files++
		maxFds = max(maxFds, n)
	}
	return bytes, files, maxFds
}

// budgetFile is one file the producer of TestHoldBudget wrote: its lines
// [first, first+n) and its size.
type budgetFile struct {
	first, n int
	size     int64
}

// A reader that does not read while the producer rotates holds no more
// than its budget in deleted files, itself and its holder together, one
// descriptor each; what it let go of is reported exactly, file by file,
// when it reads again, and nothing else is lost.
func TestHoldBudget(t *testing.T) {
	for _, holder := range []bool{false, true} {
		t.Run(fmt.Sprintf("holder=%v", holder), func(t *testing.T) {
			const perFile, rotations = 40, 40
			dir := logDir(t)
			writeExec(t, dir, 0, perFile)
			fileSize := int64(len(execLines(0, perFile)))
			budget := 10 * fileSize
			s := mustOpen(t, dir, Options{Follow: true, Holder: holder, HoldBudget: budget})
			pids := []int{os.Getpid()}
			if holder {
				waitRemote(t, s, true)
				pids = append(pids, s.h.cmd.Process.Pid)
			}
			files := []budgetFile{{0, perFile, fileSize}}
			n := perFile
			c := s.chains[0]
			var peak int64
			for range rotations {
				before := c.changeCount()
				rotate(t, dir, "exec.log")
				writeExec(t, dir, n, perFile)
				files = append(files, budgetFile{n, perFile, int64(len(execLines(n, perFile)))})
				n += perFile
				if holder {
					waitHolderHolds(t, s.h.cmd.Process.Pid, filepath.Join(dir, "exec.log"))
				} else {
					waitUntil(t, "the watcher to take the new exec.log", func() bool { return c.changeCount() > before })
				}
				held, _, fds := deletedHeld(t, pids...)
				if held > budget {
					t.Fatalf("%d bytes held in deleted files, budget %d", held, budget)
				}
				if fds > 1 {
					t.Fatalf("a deleted file is open %d times", fds)
				}
				peak = max(peak, held)
			}
			t.Logf("peak held in deleted files: %d bytes, budget %d (%d rotations of %d bytes)", peak, budget, rotations, fileSize)

			// Read everything: each gap must say exactly what was skipped.
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
			defer cancel()
			next, gaps := 0, 0
			fileOf := func(line int) int { return line / perFile }
			for next < n {
				b, err := s.Next(ctx, 1000)
				for _, e := range b {
					if e.Mark == MarkGap {
						continue
					}
					got := lineNumbers(t, []Entry{e})[0]
					if got != next {
						t.Fatalf("line %d after line %d, with no gap reported", got, next-1)
					}
					next++
				}
				var mr *MissedRotationError
				if err == nil {
					continue
				}
				if !errors.As(err, &mr) {
					t.Fatalf("after line %d: %v", next-1, err)
				}
				gaps++
				if next%perFile != 0 {
					t.Fatalf("the gap comes after line %d, in the middle of a file", next-1)
				}
				if err := s.Resume(); err != nil {
					t.Fatal(err)
				}
				rest, err := s.Next(ctx, 1)
				if err != nil || len(rest) != 1 || rest[0].Mark != MarkGap {
					t.Fatalf("after Resume: %v %+v", err, rest)
				}
				first, err := s.Next(ctx, 1)
				if err != nil || len(first) != 1 {
					t.Fatalf("after the gap: %v", err)
				}
				resumed := lineNumbers(t, first)[0]
				if resumed%perFile != 0 || resumed <= next {
					t.Fatalf("after the gap at line %d the stream goes on at line %d", next, resumed)
				}
				var want int64
				for f := fileOf(next); f < fileOf(resumed); f++ {
					want += files[f].size
				}
				l := mr.Lost
				skipped := int64(fileOf(resumed) - fileOf(next))
				if !l.Exact || l.Bytes != want || l.Files != skipped || l.Released != skipped || l.Budget != budget {
					t.Fatalf("gap from line %d to %d: reported %+v (%s), want exactly %d bytes in %d files", next, resumed, l, l, want, skipped)
				}
				t.Logf("gap: lines %d-%d: %s", next, resumed-1, l)
				next = resumed + 1
			}
			if gaps == 0 {
				t.Fatal("no file was let go of: the test tested nothing")
			}
		})
	}
}
