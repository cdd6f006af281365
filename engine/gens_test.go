package engine

import (
	"context"
	"runtime"
	"testing"
	"time"
)

// TestExactlyRetentionRotationsUnseen lets exactly five rotations go by
// while the reader cannot look: the newest file it holds has left the
// slots, but the file after it is still in exec.log.4, so nothing is lost
// and no miss may be reported. (Six are a true miss: see
// TestTrueMissThenLenientResume.)
func TestExactlyRetentionRotationsUnseen(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("rotations are counted from inotify's events on Linux only")
	}
	dir := logDir(t)
	writeExec(t, dir, 0, 10)
	s := mustOpen(t, dir, Options{Follow: true})
	wantSeq(t, lineNumbers(t, readN(t, s, 10, 5*time.Second)), 0, 10)
	resume := s.pauseWatcher()
	n := 10
	for r := 0; r <= maxRotations; r++ { // the held file is overwritten by the last
		rotate(t, dir, "exec.log")
		writeExec(t, dir, n, 10)
		n += 10
	}
	resume()
	wantSeq(t, lineNumbers(t, readN(t, s, n-10, 10*time.Second)), 10, n-10)
	// Still following: a later line arrives too.
	writeExec(t, dir, n, 1)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	b, err := s.Next(ctx, 10)
	if err != nil || len(b) != 1 {
		t.Fatalf("after the rotations: %d entries, %v", len(b), err)
	}
}
