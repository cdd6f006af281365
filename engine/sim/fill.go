package sim

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"
)

// fillStep is how far FillWindow's clock moves per reading: timestamps
// strictly increase, and ~310k entries span about ten minutes.
const fillStep = 2 * time.Millisecond

// FillWindow writes a full retention window into dir quickly, for snapshot
// benchmarks and tests: exec.log.4 … exec.log.1 at about 10 MiB each, a live
// exec.log of about 10 MiB, runtime.log and kernel.log, about 310k entries
// of 20–300 bytes with strictly increasing timestamps ending shortly before
// now. Everything but the timestamps is determined by seed. dir must not
// hold an exec.log with data already: the sizes could not be kept.
func FillWindow(dir string, seed int64) (Stats, error) {
	if fi, err := os.Stat(filepath.Join(dir, ExecLog)); err == nil && fi.Size() > 0 {
		return Stats{}, fmt.Errorf("fill window %s: exec.log already holds %d bytes", dir, fi.Size())
	}
	var tick atomic.Int64
	base := time.Now().Add(-30 * time.Minute).UTC().Truncate(time.Millisecond)
	clock := func() time.Time { return base.Add(time.Duration(tick.Add(1)) * fillStep) }
	s, err := New(dir, Config{RotateBytes: DefaultRotateBytes, Clock: clock})
	if err != nil {
		return Stats{}, err
	}
	s.SetBuffered(64 << 10)
	g := newGenerator(s, Workload{Seed: seed})
	// The last stretch of the live file is written record by record, so it
	// fills to just under the limit without a fifth rotation.
	const (
		unbufferedFrom = 192 << 10
		stopFrom       = 2 << 10
	)
	g.stop = func() bool {
		s.mu.Lock()
		rot, size := s.exec.rotations, s.exec.size+int64(len(s.buf))
		buffered := s.bufMax > 0
		s.mu.Unlock()
		if rot < maxRotated {
			return false
		}
		if buffered && size >= DefaultRotateBytes-unbufferedFrom {
			s.SetBuffered(0)
		}
		return size >= DefaultRotateBytes-stopFrom
	}
	st, err := g.run(context.Background())
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return st, fmt.Errorf("fill window %s: %w", dir, err)
	}
	return st, nil
}
