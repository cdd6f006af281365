package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"testing"
	"time"

	"sandtail/engine/sim"
)

// seqChecker follows what sim's programs wrote: per session, the "seq=N"
// tokens of its lines must run 1, 2, 3 … with nothing lost or repeated.
type seqChecker struct {
	partial map[seqKey][]byte
	last    map[uint64]int64
	// After a gap (see gap), a stream's first line may be the tail of a
	// line cut by the loss (fresh), and a session's seq may skip ahead once
	// (resumed lists the sessions that have not skipped yet).
	afterGap bool
	fresh    map[seqKey]bool
	resumed  map[uint64]bool
	execRecs int64
	runtime  int64
	kernel   int64
	marks    int64
}

type seqKey struct {
	id  uint64
	src Source
}

func newSeqChecker() *seqChecker {
	return &seqChecker{partial: map[seqKey][]byte{}, last: map[uint64]int64{}}
}

// gap tells the checker that data was lost: each stream's next line may be
// a fragment without its seq, and each session's seq may skip ahead, once,
// but never go back.
func (c *seqChecker) gap() {
	c.afterGap = true
	c.fresh, c.resumed = map[seqKey]bool{}, map[uint64]bool{}
	for k := range c.partial {
		c.partial[k] = c.partial[k][:0]
	}
}

var seqToken = []byte(" seq=")

// add checks a batch; it returns an error at the first inconsistency.
func (c *seqChecker) add(es []Entry) error {
	for _, e := range es {
		if e.Mark != MarkNone {
			c.marks++
			continue
		}
		switch e.File {
		case "runtime.log":
			c.runtime++
			continue
		case "kernel.log":
			c.kernel++
			continue
		}
		c.execRecs++
		if !e.HasSession {
			continue
		}
		k := seqKey{e.Session, e.Source}
		buf := append(c.partial[k], e.Data...)
		for {
			i := bytes.IndexByte(buf, '\n')
			if i < 0 {
				break
			}
			line := buf[:i]
			buf = buf[i+1:]
			j := bytes.LastIndex(line, seqToken)
			first := c.afterGap && !c.fresh[k]
			if first {
				c.fresh[k] = true
			}
			if j < 0 && first {
				continue // the tail of a line cut by the gap
			}
			if j < 0 {
				return fmt.Errorf("session %d: line without seq: %q", e.Session, line)
			}
			digits := bytes.TrimRight(line[j+len(seqToken):], "\r")
			n, err := strconv.ParseInt(string(digits), 10, 64)
			if err != nil {
				return fmt.Errorf("session %d: bad seq in %q", e.Session, line)
			}
			if c.afterGap && !c.resumed[e.Session] {
				if n <= c.last[e.Session] {
					return fmt.Errorf("session %d: seq=%d after seq=%d across a gap", e.Session, n, c.last[e.Session])
				}
				c.resumed[e.Session] = true
			} else if n != c.last[e.Session]+1 {
				return fmt.Errorf("session %d: seq=%d after seq=%d", e.Session, n, c.last[e.Session])
			}
			c.last[e.Session] = n
		}
		c.partial[k] = append(c.partial[k][:0], buf...)
	}
	return nil
}

// complete reports whether everything st says was written has been seen.
func (c *seqChecker) complete(st sim.Stats) bool {
	return c.execRecs == st.Records && c.runtime == st.RuntimeLines && c.kernel == st.KernelLines
}

// verify compares the final counts with what the producer wrote.
func (c *seqChecker) verify(st sim.Stats) error {
	if c.execRecs != st.Records || c.runtime != st.RuntimeLines || c.kernel != st.KernelLines || c.marks != 0 {
		return fmt.Errorf("read %d exec records, %d runtime and %d kernel lines, %d notices; wrote %d, %d, %d",
			c.execRecs, c.runtime, c.kernel, c.marks, st.Records, st.RuntimeLines, st.KernelLines)
	}
	for id, n := range st.LastSeq {
		if c.last[id] != n {
			return fmt.Errorf("session %d: last seq read %d, written %d", id, c.last[id], n)
		}
	}
	return nil
}

// followSim follows dir while run produces, until the checker has seen
// everything run reports, or the timeout.
func followSim(t testing.TB, dir string, opts Options, run func() (sim.Stats, error), timeout time.Duration) (*seqChecker, sim.Stats) {
	t.Helper()
	opts.Follow = true
	s, err := Open(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	type result struct {
		st  sim.Stats
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := run()
		done <- result{st, err}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	c := newSeqChecker()
	var final *sim.Stats
	for final == nil || !c.complete(*final) {
		if final == nil {
			select {
			case r := <-done:
				if r.err != nil {
					t.Fatalf("producer: %v", r.err)
				}
				final = &r.st
				continue
			default:
			}
		}
		wait, cancelWait := context.WithTimeout(ctx, 50*time.Millisecond)
		batch, err := s.Next(wait, 8192)
		cancelWait()
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Next after %d exec records: %v", c.execRecs, err)
		}
		if ctx.Err() != nil {
			t.Fatalf("timed out after %d exec records", c.execRecs)
		}
		if err := c.add(batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.verify(*final); err != nil {
		t.Fatal(err)
	}
	return c, *final
}

func TestFollowSimFlatOutThroughRotations(t *testing.T) {
	// The producer runs in this process, flat out. With as many processors
	// as busy goroutines (producer, reader, checker), the directory
	// watcher would wait for Go's scheduler rather than the kernel's:
	// microsandbox is another process, so give the watcher a processor.
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(max(4, runtime.NumCPU())))
	// With the stream's own watcher, and with a holder process (Linux).
	holders := []bool{false}
	if runtime.GOOS == "linux" {
		holders = append(holders, true)
	}
	for _, holder := range holders {
		t.Run(fmt.Sprintf("holder=%v", holder), func(t *testing.T) {
			dir := logDir(t)
			sb, err := sim.New(dir, sim.Config{RotateBytes: 256 << 10})
			if err != nil {
				t.Fatal(err)
			}
			_, st := followSim(t, dir, Options{Sources: AllSources, Holder: holder}, func() (sim.Stats, error) {
				st, err := sb.Run(context.Background(), sim.Workload{Seed: 7, MaxRecords: 420_000})
				if cerr := sb.Close(); err == nil {
					err = cerr
				}
				return st, err
			}, 90*time.Second)
			if st.Rotations < 200 {
				t.Fatalf("only %d rotations", st.Rotations)
			}
			t.Logf("%d records, %d rotations, %d runtime lines", st.Records, st.Rotations, st.RuntimeLines)
		})
	}
}
