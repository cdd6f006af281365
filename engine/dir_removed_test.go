package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestFollowEndsWhenDirectoryRemoved removes the log directory during a
// follow: what was written before is still delivered (the descriptors are
// held), then the stream ends with an error naming the directory.
func TestFollowEndsWhenDirectoryRemoved(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	s := mustOpen(t, dir, Options{Follow: true})
	wantSeq(t, lineNumbers(t, readN(t, s, 5, 5*time.Second)), 0, 5)
	// A rotated file and a new live file, both seen before the removal.
	rotate(t, dir, "exec.log")
	writeExec(t, dir, 10, 10)
	deadline := time.Now().Add(5 * time.Second)
	for len(s.chains[0].snapshotFiles()) < 2 {
		if time.Now().After(deadline) {
			t.Fatal("the watcher did not open the new live file")
		}
		time.Sleep(time.Millisecond)
	}
	writeExec(t, dir, 20, 10)
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	got, err := readUntilErr(ctx, s, 7)
	wantSeq(t, lineNumbers(t, got), 5, 25)
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrMissedRotation) || !strings.Contains(err.Error(), "log directory "+dir+" was removed") {
		t.Fatalf("got %v, want the removal of %s", err, dir)
	}
	if b, err2 := s.Next(ctx, 10); len(b) != 0 || err2 != err {
		t.Fatalf("stream did not end: %v %v", b, err2)
	}
}

// TestFollowEndsWhenDirectoryReplaced removes the directory and makes a
// new one under its name: the follow, watching the old one, ends too.
func TestFollowEndsWhenDirectoryReplaced(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 4)
	s := mustOpen(t, dir, Options{Follow: true, PollInterval: 20 * time.Millisecond})
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeExec(t, dir, 100, 4)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	got, err := readUntilErr(ctx, s, 100)
	wantSeq(t, lineNumbers(t, got), 0, 4)
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("got %v, want the removal of %s", err, dir)
	}
}

// TestRemovalWithRotatedFilesIsNotAMiss removes a sandbox's directory the
// way rm -rf may: the live exec.log first, while exec.log.1 and .2 (read
// already) are still there when the directory is looked at. Nothing was
// lost: the follow must end with the removal, not a missed rotation.
func TestRemovalWithRotatedFilesIsNotAMiss(t *testing.T) {
	for _, holder := range []bool{false, true} {
		t.Run(fmt.Sprintf("holder=%v", holder), func(t *testing.T) {
			dir := logDir(t)
			writeExec(t, dir, 0, 10)
			rotate(t, dir, "exec.log")
			writeExec(t, dir, 10, 10)
			ts := t0.Format("2006-01-02T15:04:05.000Z")
			appendFile(t, dir, "runtime.log", ts+" runtime 0\n")
			s := mustOpen(t, dir, Options{Sources: AllSources, Follow: true, Holder: holder})
			if holder {
				waitRemote(t, s, true)
			}
			// The holder has looked, and numbered what it holds.
			rotateSeen(t, s, dir)
			writeExec(t, dir, 20, 10)
			readN(t, s, 31, 5*time.Second)
			if err := os.Remove(filepath.Join(dir, "exec.log")); err != nil {
				t.Fatal(err)
			}
			if holder {
				// Each look takes every chain in turn, and the holder's
				// looks come one after another: the look that finds the
				// second new runtime.log began after the first was
				// handed over, so after exec.log was gone.
				for i := 1; i <= 2; i++ {
					rotate(t, dir, "runtime.log")
					appendFile(t, dir, "runtime.log", fmt.Sprintf("%s runtime %d\n", ts, i))
					if got := readN(t, s, 1, 5*time.Second); !strings.Contains(string(got[0].Data), fmt.Sprint("runtime ", i)) {
						t.Fatalf("got %q, want runtime %d", got[0].Data, i)
					}
				}
			} else {
				s.w.look()
			}
			if err := os.RemoveAll(dir); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			defer cancel()
			got, err := readUntilErr(ctx, s, 100)
			if len(got) > 0 || !errors.Is(err, fs.ErrNotExist) || errors.Is(err, ErrMissedRotation) {
				t.Fatalf("got %d entries and %v, want the removal of %s", len(got), err, dir)
			}
		})
	}
}

// TestLiveFileRemovedAndMadeAgainIsNotAMiss: exec.log is deleted and a new
// one written while exec.log.1 and .2, read already, stay. The new file
// follows the deleted one: nothing is lost, nothing read twice.
func TestLiveFileRemovedAndMadeAgainIsNotAMiss(t *testing.T) {
	for _, holder := range []bool{false, true} {
		t.Run(fmt.Sprintf("holder=%v", holder), func(t *testing.T) {
			dir := logDir(t)
			writeExec(t, dir, 0, 10)
			rotate(t, dir, "exec.log")
			writeExec(t, dir, 10, 10)
			s := mustOpen(t, dir, Options{Follow: true, Holder: holder})
			if holder {
				waitRemote(t, s, true)
			}
			// The holder has looked, and numbered what it holds.
			rotateSeen(t, s, dir)
			writeExec(t, dir, 20, 10)
			wantSeq(t, lineNumbers(t, readN(t, s, 30, 5*time.Second)), 0, 30)
			if err := os.Remove(filepath.Join(dir, "exec.log")); err != nil {
				t.Fatal(err)
			}
			if !holder {
				s.w.look()
			}
			writeExec(t, dir, 30, 10)
			wantSeq(t, lineNumbers(t, readN(t, s, 10, 5*time.Second)), 30, 10)
		})
	}
}
