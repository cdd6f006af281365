package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"runtime/trace"
	"strconv"
	"strings"
	"testing"
	"time"

	"sandtail/engine/sim"
)

// simDir runs the simulated producer into a fresh directory with small
// rotations, so every slot of every chain is in use.
func simDir(t *testing.T, records int64) (string, sim.Stats) {
	t.Helper()
	dir := logDir(t)
	sb, err := sim.New(dir, sim.Config{RotateBytes: 48 << 10})
	if err != nil {
		t.Fatal(err)
	}
	st, err := sb.Run(context.Background(), sim.Workload{Seed: 3, MaxRecords: records})
	if err != nil {
		t.Fatal(err)
	}
	// Leave runtime.log split mid-line, as a rotation can.
	if err := sb.Runtime([]byte(time.Now().UTC().Format("2006-01-02T15:04:05.000Z") + " half a li")); err != nil {
		t.Fatal(err)
	}
	if err := sb.Rotate(sim.RuntimeLog); err != nil {
		t.Fatal(err)
	}
	if err := sb.Runtime([]byte("ne, joined\n")); err != nil {
		t.Fatal(err)
	}
	if err := sb.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, st
}

// TestSnapshotTailMatchesFullRead checks the fast newest-screenful path:
// the last N entries, their cursors and End equal a full read's.
func TestSnapshotTailMatchesFullRead(t *testing.T) {
	dir, _ := simDir(t, 20000)
	for _, src := range []Sources{0, AllSources, Sources(0).With(System)} {
		full, err := ReadSnapshot(t.Context(), dir, Options{Sources: src})
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{1, 7, 200, 5000, len(full.Entries) + 10} {
			tail, err := ReadSnapshot(t.Context(), dir, Options{Sources: src, Tail: n})
			if err != nil {
				t.Fatal(err)
			}
			want := full.Entries[max(0, len(full.Entries)-n):]
			if len(tail.Entries) != len(want) || tail.End != full.End {
				t.Fatalf("sources %b tail %d: %d entries (want %d), End %v (want %v)", src, n, len(tail.Entries), len(want), tail.End, full.End)
			}
			for i := range want {
				g, w := tail.Entries[i], want[i]
				if !g.Time.Equal(w.Time) || string(g.Data) != string(w.Data) || g.Cursor != w.Cursor || g.File != w.File {
					t.Fatalf("sources %b tail %d entry %d: %q %v, want %q %v", src, n, i, g.Data, g.Cursor, w.Data, w.Cursor)
				}
			}
		}
	}
}

// TestSnapshotMatchesStream checks that a snapshot holds what a bounded
// stream reads, and that every entry's cursor resumes exactly after it.
func TestSnapshotMatchesStream(t *testing.T) {
	dir, st := simDir(t, 1400) // all of it within retention
	snap, err := ReadSnapshot(t.Context(), dir, Options{Sources: AllSources})
	if err != nil {
		t.Fatal(err)
	}
	c := newSeqChecker()
	if err := c.add(snap.Entries); err != nil {
		t.Fatal(err)
	}
	if c.execRecs != st.Records || c.kernel != st.KernelLines || c.runtime != st.RuntimeLines+1 {
		t.Fatalf("snapshot: %d exec, %d runtime, %d kernel; wrote %d, %d+1, %d", c.execRecs, c.runtime, c.kernel, st.Records, st.RuntimeLines, st.KernelLines)
	}
	joined := 0
	for _, e := range snap.Entries {
		if string(e.Data) == "half a line, joined\n" {
			joined++
		}
	}
	if joined != 1 {
		t.Fatalf("the line a rotation split appears %d times", joined)
	}
	streamed := readAll(t, mustOpen(t, dir, Options{Sources: AllSources}))
	if len(streamed) != len(snap.Entries) || streamed[len(streamed)-1].Cursor != snap.End {
		t.Fatalf("stream read %d entries, snapshot %d; stream ends at %v, snapshot End %v", len(streamed), len(snap.Entries), streamed[len(streamed)-1].Cursor, snap.End)
	}
	// Resume from a few cursors of the stream: exactly the rest follows.
	for _, k := range []int{0, len(streamed) / 3, len(streamed) - 2} {
		rest := readAll(t, mustOpen(t, dir, Options{Sources: AllSources, Start: FromCursor(streamed[k].Cursor)}))
		if len(rest) != len(streamed)-k-1 {
			t.Fatalf("resume after entry %d: %d entries, want %d", k, len(rest), len(streamed)-k-1)
		}
	}
}

// TestSnapshotThenFollowWhileWriting hands a snapshot over to a follow
// while the producer keeps writing: nothing is lost or repeated.
func TestSnapshotThenFollowWhileWriting(t *testing.T) {
	dir := logDir(t)
	sb, err := sim.New(dir, sim.Config{RotateBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	type result struct {
		st  sim.Stats
		err error
	}
	done := make(chan result, 1)
	go func() {
		st, err := sb.Run(ctx, sim.Workload{Seed: 5, Rate: 20000, MaxRecords: 30000})
		if cerr := sb.Close(); err == nil {
			err = cerr
		}
		done <- result{st, err}
	}()
	time.Sleep(300 * time.Millisecond)
	snap, err := ReadSnapshot(t.Context(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c := newSeqChecker()
	if err := c.add(snap.Entries); err != nil {
		t.Fatal(err)
	}
	before := c.execRecs
	s := mustOpen(t, dir, Options{Start: FromCursor(snap.End), Follow: true})
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	deadline, stop := context.WithTimeout(t.Context(), 30*time.Second)
	defer stop()
	for c.verifyPrograms(r.st) != nil {
		b, err := s.Next(deadline, 4096)
		if err != nil {
			t.Fatalf("after %d records: %v", c.execRecs, err)
		}
		if err := c.add(b); err != nil {
			t.Fatal(err)
		}
	}
	if before == 0 || before >= r.st.Records-int64(len(r.st.LastSeq))*2 {
		t.Fatalf("the snapshot did not land mid-run (%d of %d records)", before, r.st.Records)
	}
	// Only stdout/stderr/output are read: system records are consumed but
	// not counted, so compare with the records of those sources.
	if err := c.verifyPrograms(r.st); err != nil {
		t.Fatal(err)
	}
}

// verifyPrograms checks the last seq of every session (system records may
// have been filtered out by the requested sources).
func (c *seqChecker) verifyPrograms(st sim.Stats) error {
	for id, n := range st.LastSeq {
		if c.last[id] != n {
			return fmt.Errorf("session %d: last seq read %d, written %d", id, c.last[id], n)
		}
	}
	return nil
}

func TestLenientResumeOfEveryFile(t *testing.T) {
	dir, _ := simDir(t, 5000)
	full := readAll(t, mustOpen(t, dir, Options{Sources: AllSources}))
	// Lenient from a valid cursor is the same as strict.
	mid := full[len(full)/2].Cursor
	strict := readAll(t, mustOpen(t, dir, Options{Sources: AllSources, Start: FromCursor(mid)}))
	lenient := readAll(t, mustOpen(t, dir, Options{Sources: AllSources, Start: ResumeLenient(mid)}))
	if len(strict) != len(lenient) || len(strict) != len(full)-len(full)/2-1 {
		t.Fatalf("strict %d, lenient %d, want %d", len(strict), len(lenient), len(full)-len(full)/2-1)
	}
	// Every inode foreign: rotating files restart at their oldest
	// rotation with a gap notice; kernel.log restarts marked.
	foreign := NewCursor(Position{Inode: 1, Offset: 10}, Position{Inode: 2, Offset: 10}, Position{Inode: 3, Offset: 10})
	if _, err := Open(t.Context(), dir, Options{Sources: AllSources, Start: FromCursor(foreign)}); !errors.Is(err, ErrInvalidCursor) {
		t.Fatalf("strict foreign cursor: %v", err)
	}
	got := readAll(t, mustOpen(t, dir, Options{Sources: AllSources, Start: ResumeLenient(foreign)}))
	marks := map[string]Mark{}
	for _, e := range got {
		if e.Mark != MarkNone {
			marks[e.File] = e.Mark
		}
	}
	if marks["exec.log"] != MarkGap || marks["runtime.log"] != MarkGap || marks["kernel.log"] != MarkRestart || len(got) != len(full)+3 {
		t.Fatalf("marks %v, %d entries (full read %d)", marks, len(got), len(full))
	}
	snap, err := ReadSnapshot(t.Context(), dir, Options{Sources: AllSources, Start: ResumeLenient(foreign)})
	if err != nil || len(snap.Entries) != len(full)+3 {
		t.Fatalf("lenient snapshot: %v, %d entries", err, len(snap.Entries))
	}
}

// TestFollowThroughput runs the simulated producer flat out for a while
// with 64 KiB buffered writes, at 10 MiB and at 256 KiB rotation, and
// reports producer MB/s and entries lost. The producer runs in a child
// process, as microsandbox does: in one process it would compete with the
// reader for Go's scheduler. A MissedRotation does not end the count: the
// reader goes on past the gap (Stream.Resume), so the figure is what was in
// the files never opened; the test fails if anything was. It is long: set
// SANDTAIL_THROUGHPUT_SECONDS (60 for the figures in the report).
// SANDTAIL_PRODUCER_GOMAXPROCS, when set, limits the producer's threads
// (1 for a single-threaded writer like microsandbox's);
// SANDTAIL_HOLDER=off follows without a holder process, =realtime with
// one that asks for real-time priority (--holder-realtime);
// SANDTAIL_TRACE saves an execution trace of the
// seconds before the first miss.
func TestFollowThroughput(t *testing.T) {
	secs := os.Getenv("SANDTAIL_THROUGHPUT_SECONDS")
	if secs == "" {
		t.Skip("set SANDTAIL_THROUGHPUT_SECONDS to run")
	}
	d, err := time.ParseDuration(secs + "s")
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	for _, rot := range []int64{10 << 20, 256 << 10} {
		t.Run(fmt.Sprint(rot), func(t *testing.T) {
			dir := logDir(t)
			// The stream holds files through a holder process, as
			// sandtail's follow modes do; SANDTAIL_HOLDER=off measures
			// the stream's own watcher.
			opts := Options{Sources: AllSources, Follow: true, Holder: runtime.GOOS == "linux" && os.Getenv("SANDTAIL_HOLDER") != "off",
				HolderRealtime: os.Getenv("SANDTAIL_HOLDER") == "realtime"}
			s := mustOpen(t, dir, opts)
			if opts.Holder {
				waitRemote(t, s, true)
			}
			cmd := exec.Command(exe, "-test.run=^TestProducerProcess$")
			cmd.Env = append(os.Environ(), fmt.Sprintf("SANDTAIL_PRODUCER=%s,%d,%s", dir, rot, d))
			if p := os.Getenv("SANDTAIL_PRODUCER_GOMAXPROCS"); p != "" {
				cmd.Env = append(cmd.Env, "GOMAXPROCS="+p)
			}
			cmd.Stderr = os.Stderr
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan sim.Stats, 1)
			go func() {
				var st sim.Stats
				dec := json.NewDecoder(out)
				for dec.More() {
					if dec.Decode(&st) == nil && st.Records > 0 {
						break
					}
				}
				cmd.Wait()
				done <- st
			}()
			fr := startFlightRecorder(t)
			var ms0 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			c := newSeqChecker()
			var final *sim.Stats
			misses := 0
			var firstMiss error
			for final == nil || c.execRecs < final.Records {
				wait, stop := context.WithTimeout(t.Context(), 100*time.Millisecond)
				b, err := s.Next(wait, 4096) // the batch the viewer and print mode ask for
				stop()
				if cerr := c.add(b); cerr != nil {
					t.Fatal(cerr)
				}
				var mr *MissedRotationError
				if errors.As(err, &mr) {
					// Resume, and keep counting.
					misses++
					if firstMiss == nil {
						firstMiss = err
						fr.save(t)
					}
					t.Logf("miss %d at %v: %v (lost %s)", misses, time.Since(start).Round(time.Millisecond), err, mr.Lost)
					// Go on past the gap with the files the stream holds.
					if err := s.Resume(); err != nil {
						t.Fatal(err)
					}
					c.gap()
					continue
				}
				if err != nil && !errors.Is(err, context.DeadlineExceeded) {
					t.Fatalf("after %d records: %v", c.execRecs, err)
				}
				if final == nil {
					select {
					case st := <-done:
						final = &st
					default:
					}
				} else if len(b) == 0 && err != nil {
					// The producer is done and nothing came for 100 ms:
					// whatever is still missing is lost.
					break
				}
			}
			if final == nil {
				st := <-done
				final = &st
			}
			el := time.Since(start)
			// Where exec.log files were first opened: the higher the
			// slot, the closer the look came to losing one.
			var opened [maxSlots]int64
			for k := range opened {
				opened[k] = s.chains[0].openedAt[k].Load()
			}
			t.Logf("holder process priority: %s; exec.log files first opened in slot 0…%d: %v", s.h.priorityName(), maxRotations, opened)
			var ms1 runtime.MemStats
			runtime.ReadMemStats(&ms1)
			t.Logf("reader: %d collections (%.0f/s), %.0f MiB allocated (%.0f B/record), GC CPU %.1f%%, heap %.0f MiB",
				ms1.NumGC-ms0.NumGC, float64(ms1.NumGC-ms0.NumGC)/el.Seconds(), float64(ms1.TotalAlloc-ms0.TotalAlloc)/(1<<20),
				float64(ms1.TotalAlloc-ms0.TotalAlloc)/float64(max(c.execRecs, 1)), 100*ms1.GCCPUFraction, float64(ms1.HeapSys)/(1<<20))
			lost := final.Records - c.execRecs
			t.Logf("rotation %d KiB: producer wrote %d records, %.0f MiB in %v (%.0f MiB/s), %d rotations; reader got %d records: lost %d of %d (%.4f%%) in %d missed rotations; done %v after the producer; first miss: %v",
				rot>>10, final.Records, float64(final.Bytes)/(1<<20), d, float64(final.Bytes)/(1<<20)/d.Seconds(),
				final.Rotations, c.execRecs, lost, final.Records, 100*float64(lost)/float64(max(final.Records, 1)), misses, el-d, firstMiss)
			if misses != 0 || lost != 0 || final.Records == 0 {
				t.Errorf("lost %d of %d records in %d missed rotations", lost, final.Records, misses)
			}
		})
	}
}

// TestProducerProcess is the child process of TestFollowThroughput: it
// writes flat out and prints the producer's Stats as JSON.
func TestProducerProcess(t *testing.T) {
	spec := os.Getenv("SANDTAIL_PRODUCER")
	if spec == "" {
		t.Skip("child process of TestFollowThroughput")
	}
	parts := strings.Split(spec, ",")
	rot, _ := strconv.ParseInt(parts[1], 10, 64)
	d, _ := time.ParseDuration(parts[2])
	sb, err := sim.New(parts[0], sim.Config{RotateBytes: rot})
	if err != nil {
		t.Fatal(err)
	}
	sb.SetBuffered(64 << 10)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	st, err := sb.Run(ctx, sim.Workload{Seed: 11})
	if cerr := sb.Close(); err == nil {
		err = cerr
	}
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	json.NewEncoder(os.Stdout).Encode(st)
}

// flightRecorder keeps the last seconds of an execution trace while
// SANDTAIL_TRACE names a file, and writes them there at the first miss:
// what the scheduler did in the milliseconds a rotation went unseen.
type flightRecorder struct {
	fr   *trace.FlightRecorder
	path string
}

func startFlightRecorder(t *testing.T) *flightRecorder {
	path := os.Getenv("SANDTAIL_TRACE")
	if path == "" {
		return &flightRecorder{}
	}
	fr := trace.NewFlightRecorder(trace.FlightRecorderConfig{MinAge: 2 * time.Second})
	if err := fr.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(fr.Stop)
	return &flightRecorder{fr: fr, path: path}
}

func (r *flightRecorder) save(t *testing.T) {
	if r.fr == nil {
		return
	}
	f, err := os.Create(r.path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := r.fr.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	t.Logf("trace of the last seconds before the first miss: %s", r.path)
}
