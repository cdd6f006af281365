package sim

import (
	"bytes"
	"context"
	"math/rand/v2"
	"time"
)

// Workload describes what Run writes.
type Workload struct {
	// Rate is exec.log records per second; 0 writes flat out.
	Rate float64
	// Sessions is the number of concurrent program sessions; 0 means 3
	// (a web server on stdout, a worker on stdout and stderr, a PTY build
	// on output). More sessions repeat those kinds.
	Sessions int
	// Seed makes the output deterministic, timestamps apart.
	Seed int64
	// Hostile mixes in lines carrying terminal attacks (OSC 52, title
	// sets, cursor movement, raw C1, bidi overrides, \r overstrike) on the PTY and worker
	// sessions, for sanitizer tests and demos.
	Hostile bool
	// MaxRecords stops Run after exactly this many exec.log records
	// (program and system together; at least the Sessions start records
	// are always written); 0 runs until ctx is done.
	MaxRecords int64
}

// Stats is what Run wrote.
type Stats struct {
	Records   int64 // exec.log records, program and system
	Bytes     int64 // bytes written to exec.log, runtime.log and kernel.log
	Rotations int   // exec.log rotations during the run
	// LastSeq is, per session id, the last "seq=N" token written; every
	// session's tokens run 1…LastSeq with no gap.
	LastSeq map[uint64]int64

	RuntimeLines int64 // runtime.log lines
	KernelLines  int64 // kernel.log lines
}

// generator drives a Sandbox with a workload.
type generator struct {
	s        *Sandbox
	w        Workload
	rng      *rand.Rand
	clock    clockText
	sessions []*session
	// endedSeq is the last seq of each session that exited, for
	// Stats.LastSeq: only the number is kept, not the session and its
	// buffers, so a long run does not grow with every session it ends.
	endedSeq map[uint64]int64
	weight   int // sum of the sessions' kind weights

	max       int64       // record budget; 0 unlimited
	stop      func() bool // FillWindow's end condition, checked per step
	records   int64
	batches   int64 // produce calls, to spread clock readings
	rtLines   int64
	kLines    int64
	gatherRT  bool      // flat out: gather runtime.log into 4 KiB writes
	rt        []byte    // runtime.log bytes not yet written
	line      []byte    // scratch
	started   time.Time // clock time the run started, for kernel uptime
	paceStart time.Time // wall time the run started, for Rate
	bootUp    float64   // kernel uptime when the run started
}

// Run writes w's workload until ctx is done or w.MaxRecords records are out,
// then writes every partial line's end and flushes, so every file ends with a
// newline. It returns what it wrote; a ctx ending is not an error.
func (s *Sandbox) Run(ctx context.Context, w Workload) (Stats, error) {
	g := newGenerator(s, w)
	return g.run(ctx)
}

// newGenerator prepares a run of w on s.
func newGenerator(s *Sandbox, w Workload) *generator {
	if w.Sessions <= 0 {
		w.Sessions = 3
	}
	g := &generator{
		s:        s,
		w:        w,
		rng:      rand.New(rand.NewPCG(uint64(w.Seed), 0x5a4d7461696c)),
		max:      w.MaxRecords,
		gatherRT: w.Rate <= 0,
	}
	return g
}

// now reads the sandbox's clock (under its lock, so a clock that is not
// safe for concurrent use is never called by two writers at once) and
// refreshes the cached texts program lines embed.
func (g *generator) now() time.Time {
	g.s.mu.Lock()
	t := g.s.clock()
	g.s.mu.Unlock()
	g.clock.set(t)
	return t
}

// run boots, loops and finishes, and reports what was written.
func (g *generator) run(ctx context.Context) (Stats, error) {
	startBytes := g.s.written()
	startRot := g.s.Rotations()
	g.started = g.now()
	g.paceStart = time.Now()
	err := g.loop(ctx)
	if err == nil {
		err = g.finish()
	}
	st := Stats{
		Records:      g.records,
		Bytes:        g.s.written() - startBytes,
		Rotations:    g.s.Rotations() - startRot,
		LastSeq:      g.lastSeqs(),
		RuntimeLines: g.rtLines,
		KernelLines:  g.kLines,
	}
	return st, err
}

// loop writes step after step until ctx ends, the budget is spent or
// FillWindow's stop condition holds.
func (g *generator) loop(ctx context.Context) error {
	if err := g.boot(); err != nil {
		return err
	}
	for i := 0; ; i++ {
		if i&63 == 0 && ctx.Err() != nil {
			return nil
		}
		if g.stop != nil && g.stop() {
			g.stop = nil
			g.max = g.records + g.pendingRecords()
		}
		closing := false
		if g.max > 0 {
			rem := g.max - g.records
			if rem <= 0 {
				return nil
			}
			// A normal step adds at most one record and a few lines to
			// drain, so this margin always leaves room to end them all.
			closing = g.nearBudget() && rem <= g.pendingRecords()+8
		}
		before := g.records
		if err := g.step(closing); err != nil {
			return err
		}
		if g.w.Rate > 0 && g.records != before {
			if done, err := g.pace(ctx); done || err != nil {
				return err
			}
		}
	}
}

// lastSeqs maps every session that wrote a program line to its last seq.
func (g *generator) lastSeqs() map[uint64]int64 {
	m := make(map[uint64]int64, len(g.sessions)+len(g.endedSeq))
	for id, seq := range g.endedSeq {
		m[id] = seq
	}
	for _, se := range g.sessions {
		if se.seq > 0 {
			m[se.id] = se.seq
		}
	}
	return m
}

// pace sleeps until the next record is due at w.Rate, writing out anything
// gathered first so a follower sees it while the producer idles. It reports
// whether ctx ended while it waited.
func (g *generator) pace(ctx context.Context) (bool, error) {
	due := g.paceStart.Add(time.Duration(float64(g.records) / g.w.Rate * float64(time.Second)))
	wait := time.Until(due)
	if wait < time.Millisecond {
		return false, nil
	}
	if err := g.s.Flush(); err != nil {
		return false, err
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return true, nil
	case <-t.C:
		return false, nil
	}
}

// finish writes every partial line's end, the gathered runtime bytes, and
// flushes exec.log.
func (g *generator) finish() error {
	for _, se := range g.sessions {
		for _, st := range []*stream{&se.out, &se.err} {
			for p := st.pending(); len(p) > 0; p = st.pending() {
				if err := g.emit(se, st, escapedFit(p, maxEscaped)); err != nil {
					return err
				}
			}
		}
	}
	if len(g.rt) > 0 {
		if err := g.s.Runtime(g.rt); err != nil {
			return err
		}
		g.rt = g.rt[:0]
	}
	return g.s.Flush()
}

// pendingRecords is how many closing records would carry every partial
// line's end.
func (g *generator) pendingRecords() int64 {
	var n int64
	for _, se := range g.sessions {
		for _, st := range []*stream{&se.out, &se.err} {
			for p := st.pending(); len(p) > 0; n++ {
				p = p[escapedFit(p, maxEscaped):]
			}
		}
	}
	return n
}

// nearBudget reports whether the record budget is close enough that the
// pending bytes must be counted: a stream never holds more than a dozen
// records' worth, so far from the end the count is skipped.
func (g *generator) nearBudget() bool {
	return g.max > 0 && g.max-g.records <= int64(len(g.sessions))*2*16+32
}

// step writes one unit: usually one exec.log record, sometimes a runtime or
// kernel line. Closing steps never leave a new partial line behind.
func (g *generator) step(closing bool) error {
	switch r := g.rng.IntN(1000); {
	case r < 50:
		return g.runtimeLine()
	case r < 52:
		up := g.bootUp + g.now().Sub(g.started).Seconds()
		return g.kernelLine(up, pick(g.rng, kernelLater))
	}
	if closing {
		return g.closingRecord()
	}
	i := g.pickSession()
	se := g.sessions[i]
	if se.dying && se.cur == nil {
		// Its output is all out. Exit and restart cost two records, which
		// a nearly spent budget keeps for ending partial lines instead.
		if !g.nearBudget() {
			return g.exitSession(i)
		}
		se = g.sessions[g.pickLive()]
	}
	st := se.cur
	if st == nil {
		st = g.chooseStream(se)
	}
	if p := st.pending(); bytes.IndexByte(p, '\n') < 0 || len(p) < maxEscaped && g.rng.IntN(10) < 3 {
		g.produce(se, st, true)
	}
	return g.emit(se, st, g.cut(st.pending(), se.kind == kindPTY))
}

// closingRecord ends one partial line in a single record, or when none is
// left writes a whole-lines record.
func (g *generator) closingRecord() error {
	for _, se := range g.sessions {
		for _, st := range []*stream{&se.out, &se.err} {
			if p := st.pending(); len(p) > 0 {
				return g.emit(se, st, escapedFit(p, maxEscaped))
			}
		}
	}
	// One access-log line in one record. The web server never ends and is
	// always the first session; a line too long for one record (a long
	// user agent) is drawn again.
	se := g.sessions[0]
	se.seq++
	g.now()
	for {
		se.out.buf = appendWebLine(se.out.buf[:0], g.rng, &g.clock, se.seq)
		if escapedFit(se.out.buf, maxEscaped) == len(se.out.buf) {
			break
		}
	}
	se.cur = &se.out
	return g.emit(se, &se.out, len(se.out.buf))
}
