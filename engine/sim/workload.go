package sim

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strconv"
	"time"
	"unicode/utf8"
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

// Session kinds Run simulates.
const (
	kindWeb    = iota // a web server: access log on stdout
	kindWorker        // a job worker: stdout, warnings and panics on stderr
	kindPTY           // a build on a terminal: colour, \r progress, CRLF
	numKinds
)

// kindWeight is how often each kind writes, relative to the others.
var kindWeight = [numKinds]int{kindWeb: 45, kindWorker: 30, kindPTY: 25}

// Record shape: most records end at a line boundary; the rest cut a line
// anywhere, as a relay reading a pipe does. A record's "d" is kept within
// maxEscaped bytes as written, so records stay within ~300 bytes like the
// realistic entries benchmarks expect; a line longer than that is spread
// over several records.
const (
	maxEscaped = 232
	wholeLines = 75 // percent of records that end at a line boundary
	// b64Fit is how many raw bytes fit in maxEscaped once base64'd along
	// with the "e" field.
	b64Fit = (maxEscaped - 16) * 3 / 4
)

// stream is one output stream of a session and the bytes the program has
// written to it that no record has carried yet.
type stream struct {
	source string
	buf    []byte
	off    int
}

func (st *stream) pending() []byte { return st.buf[st.off:] }

func (st *stream) consume(n int) {
	st.off += n
	if st.off == len(st.buf) {
		st.buf, st.off = st.buf[:0], 0
	}
}

// session is one simulated program.
type session struct {
	id       uint64
	kind     int
	seq      int64
	out, err stream
	// cur holds a partial line; a session writes to one stream at a time
	// until its line is out, so seq tokens complete in increasing order
	// across its streams.
	cur   *stream
	left  int  // lines until a PTY build finishes
	dying bool // the program ended; exit once its output is out
	code  int  // exit code when dying
}

// generator drives a Sandbox with a workload.
type generator struct {
	s        *Sandbox
	w        Workload
	rng      *rand.Rand
	clock    clockText
	sessions []*session
	lastSeq  map[uint64]int64
	nextID   uint64
	weight   int // sum of the sessions' kind weights

	max       int64       // record budget; 0 unlimited
	stop      func() bool // FillWindow's end condition, checked per step
	records   int64
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

func newGenerator(s *Sandbox, w Workload) *generator {
	if w.Sessions <= 0 {
		w.Sessions = 3
	}
	g := &generator{
		s:        s,
		w:        w,
		rng:      rand.New(rand.NewPCG(uint64(w.Seed), 0x5a4d7461696c)),
		lastSeq:  make(map[uint64]int64),
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
		LastSeq:      g.lastSeq,
		RuntimeLines: g.rtLines,
		KernelLines:  g.kLines,
	}
	return st, err
}

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

// boot starts the sessions, and on a fresh sandbox writes the kernel's boot
// console and the runtime's start-up lines first.
func (g *generator) boot() error {
	g.s.mu.Lock()
	fresh := g.s.kernel.size == 0
	g.s.mu.Unlock()
	if fresh {
		for _, l := range kernelBoot {
			if err := g.kernelLine(l.up, l.text); err != nil {
				return err
			}
		}
		g.bootUp = kernelBoot[len(kernelBoot)-1].up
		for _, msg := range []string{"INFO msb_runtime::vm: starting microVM vcpus=2 memory_mib=1024", "INFO msb_runtime::vm: guest agent ready boot_ms=241"} {
			g.now()
			g.line = append(append(append(g.line[:0], g.clock.micro...), "  "...), msg...)
			if err := g.runtimeBytes(append(g.line, '\n')); err != nil {
				return err
			}
		}
	} else {
		g.bootUp = 1 + float64(g.rng.IntN(600))
	}
	for i := 0; i < g.w.Sessions; i++ {
		if err := g.startSession(i % numKinds); err != nil {
			return err
		}
	}
	return nil
}

var sessionCommands = [numKinds]string{
	kindWeb:    `/usr/sbin/nginx -g "daemon off;"`,
	kindWorker: "/app/worker --queue emails,thumbnails,billing",
	kindPTY:    "cargo test --color=always (pty)",
}

// startSession starts a program of kind with a fresh id and announces it.
func (g *generator) startSession(kind int) error {
	g.nextID++
	se := &session{id: g.nextID, kind: kind}
	se.out.source = "stdout"
	se.err.source = "stderr"
	if kind == kindPTY {
		se.out.source = "output"
		se.left = 300 + g.rng.IntN(1200)
	}
	g.sessions = append(g.sessions, se)
	g.weight += kindWeight[kind]
	msg := "session " + strconv.FormatUint(se.id, 10) + " started: " + sessionCommands[kind] + "\n"
	return g.system(msg)
}

// system writes an exec.log lifecycle record and a runtime.log line.
func (g *generator) system(msg string) error {
	if err := g.s.ExecSystem(msg); err != nil {
		return err
	}
	g.records++
	g.now()
	g.line = append(append(append(g.line[:0], g.clock.micro...), "  INFO msb_agent::session: "...), msg...)
	return g.runtimeBytes(g.line)
}

// exitSession ends a dying session whose output is all out and starts its
// replacement.
func (g *generator) exitSession(i int) error {
	se := g.sessions[i]
	msg := "session " + strconv.FormatUint(se.id, 10) + " exited with code " + strconv.Itoa(se.code) + "\n"
	if err := g.system(msg); err != nil {
		return err
	}
	g.sessions = append(g.sessions[:i], g.sessions[i+1:]...)
	g.weight -= kindWeight[se.kind]
	return g.startSession(se.kind)
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
	// One access-log line: it always fits in one record. The web server
	// never ends and is always the first session.
	se := g.sessions[0]
	se.seq++
	g.now()
	se.out.buf = appendWebLine(se.out.buf, g.rng, &g.clock, se.seq)
	g.lastSeq[se.id] = se.seq
	se.cur = &se.out
	return g.emit(se, &se.out, len(se.out.pending()))
}

func (g *generator) pickSession() int {
	n := g.rng.IntN(g.weight)
	for i, se := range g.sessions {
		n -= kindWeight[se.kind]
		if n < 0 {
			return i
		}
	}
	return len(g.sessions) - 1
}

// pickLive picks a session that has not ended. The web server never ends
// and every run has one, so this terminates.
func (g *generator) pickLive() int {
	for {
		if i := g.pickSession(); !g.sessions[i].dying {
			return i
		}
	}
}

func (g *generator) chooseStream(se *session) *stream {
	if se.kind == kindWorker && g.rng.IntN(100) < 12 {
		return &se.err
	}
	return &se.out
}

// produce has the program write one to three lines to st. A worker may panic
// (only when allowed) and a PTY build may finish: either marks the session
// dying.
func (g *generator) produce(se *session, st *stream, mayEnd bool) {
	g.now()
	for n := 1 + g.rng.IntN(3); n > 0 && !se.dying; n-- {
		se.seq++
		switch se.kind {
		case kindWeb:
			st.buf = appendWebLine(st.buf, g.rng, &g.clock, se.seq)
		case kindWorker:
			switch r := g.rng.IntN(4000); {
			case st == &se.err && r < 4 && mayEnd:
				se.seq--
				st.buf = appendPanic(st.buf, &se.seq)
				se.dying, se.code = true, 2
			case st == &se.out && r < 3:
				st.buf = appendBinaryLine(st.buf, g.rng, se.seq)
			default:
				st.buf = appendWorkerLine(st.buf, g.rng, &g.clock, se.seq, st == &se.err)
			}
		case kindPTY:
			st.buf = appendPTYLine(st.buf, g.rng, se.seq)
			if se.left--; se.left <= 0 && mayEnd {
				se.dying, se.code = true, 0
			}
		}
	}
	g.lastSeq[se.id] = se.seq
	se.cur = st
}

// cut chooses how many bytes of p the next record carries: whole lines most
// of the time, else anywhere (a PTY relay favours a \r), never more than
// fits in maxEscaped.
func (g *generator) cut(p []byte, pty bool) int {
	n := g.cutAt(p, pty)
	if !utf8.Valid(p[:n]) {
		// A cut through a character makes the record base64.
		n = min(n, b64Fit)
	}
	return n
}

func (g *generator) cutAt(p []byte, pty bool) int {
	limit := escapedFit(p, maxEscaped)
	if g.rng.IntN(100) < wholeLines {
		end := bytes.IndexByte(p[:limit], '\n') + 1
		for end > 0 && end < limit {
			next := bytes.IndexByte(p[end:limit], '\n')
			if next < 0 || g.rng.IntN(6) == 0 {
				break
			}
			end += next + 1
		}
		if end > 0 {
			return end
		}
	}
	if pty && g.rng.IntN(2) == 0 {
		if i := bytes.IndexByte(p[:limit], '\r'); i >= 0 {
			return i + 1
		}
	}
	// Pipe reads return what the program wrote since the last read:
	// rarely a sliver, usually a good part of a line.
	return 1 + limit/4 + g.rng.IntN(limit-limit/4)
}

// escapedFit returns how many leading bytes of p fit in budget bytes once
// written into a record: JSON-escaped, or base64 when they are not UTF-8.
// At least one byte always fits.
func escapedFit(p []byte, budget int) int {
	n, cost := 0, 0
	for n < len(p) {
		c := 1
		if needsEscape[p[n]] {
			c = 6 // \u00XX; the short escapes cost less, so this is safe
		}
		if cost+c > budget {
			break
		}
		cost += c
		n++
	}
	if !utf8.Valid(p[:n]) {
		n = min(n, (budget-16)*3/4) // base64 and the "e" field cost more
	}
	return max(n, 1)
}

// emit writes the first n pending bytes of st as one record.
func (g *generator) emit(se *session, st *stream, n int) error {
	if err := g.s.Exec(st.source, se.id, st.pending()[:n]); err != nil {
		return err
	}
	g.records++
	st.consume(n)
	if len(st.pending()) == 0 && se.cur == st {
		se.cur = nil
	}
	return nil
}

func (g *generator) runtimeLine() error {
	g.now()
	g.line = appendRuntimeLine(g.line[:0], g.rng, &g.clock)
	return g.runtimeBytes(g.line)
}

// runtimeBytes writes runtime.log text. Flat out it is gathered and written
// in 4 KiB pieces, like a buffered writer, so pieces end mid-line and a
// rotation can split a line; paced, each line is written at once.
func (g *generator) runtimeBytes(p []byte) error {
	g.rtLines += int64(bytes.Count(p, []byte{'\n'}))
	if !g.gatherRT {
		return g.s.Runtime(p)
	}
	g.rt = append(g.rt, p...)
	if n := len(g.rt) &^ (runtimeWriteMax - 1); n > 0 {
		if err := g.s.Runtime(g.rt[:n]); err != nil {
			return err
		}
		g.rt = g.rt[:copy(g.rt, g.rt[n:])]
	}
	return nil
}

func (g *generator) kernelLine(up float64, text string) error {
	g.line = appendKernelUptime(g.line[:0], up)
	g.line = append(g.line, text...)
	g.kLines++
	return g.s.Kernel(string(g.line))
}
