package engine

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRecordTimeBeforeMatchesTime checks the records' time comparison
// against time.Time's, around the second and on both sides of the epoch.
func TestRecordTimeBeforeMatchesTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 100_000; i++ {
		a := time.Unix(rng.Int64N(4)-2+1_780_000_000*int64(rng.IntN(3)-1), rng.Int64N(1e9))
		b := a.Add(time.Duration(rng.Int64N(4e9) - 2e9))
		if rng.IntN(4) == 0 {
			b = a
		}
		var r idxRec
		r.setTime(a)
		if got, want := r.timeBefore(b.In(time.FixedZone("x", 3600))), a.Before(b); got != want {
			t.Fatalf("%v before %v: %v, want %v", a, b, got, want)
		}
	}
}

// TestSnapshotReadsFilesInterleavedInTime writes two rotated files larger
// than a window whose records alternate in time (a clock that stepped back
// at the rotation), so that the second pass goes back and forth between
// the files and the window whose buffer was lent to the other file is read
// again: the snapshot is still the stream's entries in time order.
func TestSnapshotReadsFilesInterleavedInTime(t *testing.T) {
	dir := logDir(t)
	var older, newer strings.Builder
	body := strings.Repeat("x", 200)
	for i := 0; older.Len() < 3*winSize; i++ {
		// Runs of ten lines a file, the files taking turns in time.
		ts := t0.Add(time.Duration(i) * time.Millisecond)
		if i/10%2 == 0 {
			older.WriteString(execLine(ts, "stdout", 1, fmt.Sprintf("older %d %s\n", i, body)))
		} else {
			newer.WriteString(execLine(ts, "stderr", 2, fmt.Sprintf("newer %d %s\n", i, body)))
		}
	}
	for name, data := range map[string]string{"exec.log.1": older.String(), "exec.log": newer.String()} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	opts := Options{Sources: AllSources}
	want := expectedSnapshot(readAll(t, mustOpen(t, dir, opts)))
	snap, err := ReadSnapshot(t.Context(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 2*winSize/250 {
		t.Fatalf("only %d entries: the files do not fill a window", len(want))
	}
	sameEntries(t, "interleaved", snap.Entries, want)
}
