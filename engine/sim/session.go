package sim

// This file holds the simulated programs: their sessions and streams, how
// they start, write and end, and the runtime and kernel lines around them.

import (
	"bytes"
	"strconv"
)

// Session kinds Run simulates.
const (
	kindWeb    = iota // a web server: access log on stdout
	kindWorker        // a job worker: stdout, warnings and panics on stderr
	kindPTY           // a build on a terminal: colour, \r progress, CRLF
	numKinds
)

// kindWeight is how often each kind writes, relative to the others.
var kindWeight = [numKinds]int{kindWeb: 45, kindWorker: 30, kindPTY: 25}

// stream is one output stream of a session and the bytes the program has
// written to it that no record has carried yet.
type stream struct {
	source string
	buf    []byte
	off    int
}

// pending is what the program wrote that no record carried yet.
func (st *stream) pending() []byte { return st.buf[st.off:] }

// consume marks n pending bytes as carried by a record.
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

// boot starts the sessions, and on a fresh sandbox writes the kernel's boot
// console and the runtime's start-up lines first.
func (g *generator) boot() error {
	g.s.mu.Lock()
	fresh, bootAt := g.s.kernel.size == 0, g.s.bootAt
	g.s.mu.Unlock()
	switch {
	case fresh:
		for _, l := range kernelBoot {
			if err := g.kernelLine(l.up, l.text); err != nil {
				return err
			}
		}
		g.bootUp = kernelBoot[len(kernelBoot)-1].up
		g.s.mu.Lock()
		g.s.bootAt = g.started
		g.s.mu.Unlock()
		for _, msg := range []string{"INFO msb_runtime::vm: starting microVM vcpus=2 memory_mib=1024", "INFO msb_runtime::vm: guest agent ready boot_ms=241"} {
			g.now()
			g.line = append(append(append(g.line[:0], g.clock.micro()...), "  "...), msg...)
			if err := g.runtimeBytes(append(g.line, '\n')); err != nil {
				return err
			}
		}
	case !bootAt.IsZero():
		// An earlier Run booted this guest: its uptime goes on.
		g.bootUp = kernelBoot[len(kernelBoot)-1].up + g.started.Sub(bootAt).Seconds()
	default:
		// A guest booted before this process opened the directory.
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
	se := &session{id: g.s.newSessionID(), kind: kind}
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
	g.line = append(append(append(g.line[:0], g.clock.micro()...), "  INFO msb_agent::session: "...), msg...)
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
	if se.seq > 0 {
		if g.endedSeq == nil {
			g.endedSeq = make(map[uint64]int64)
		}
		g.endedSeq[se.id] = se.seq
	}
	g.sessions = append(g.sessions[:i], g.sessions[i+1:]...)
	g.weight -= kindWeight[se.kind]
	return g.startSession(se.kind)
}

// pickSession picks the session that writes next, weighted by kind.
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

// chooseStream picks the stream a session's next lines go to: a worker
// writes a warning to stderr now and then.
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
	// Flat out, lines share a clock reading per few batches: reading the
	// clock is a good part of a line's cost, and a few microseconds of
	// staleness in the text of a line are invisible.
	if g.w.Rate > 0 || g.batches%8 == 0 {
		g.now()
	}
	g.batches++
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
			case g.w.Hostile && r < 200:
				st.buf = appendHostileLine(st.buf, g.rng, se.seq, "\n")
			default:
				st.buf = appendWorkerLine(st.buf, g.rng, &g.clock, se.seq, st == &se.err)
			}
		case kindPTY:
			if g.w.Hostile && g.rng.IntN(20) == 0 {
				st.buf = appendHostileLine(st.buf, g.rng, se.seq, "\r\n")
			} else {
				st.buf = appendPTYLine(st.buf, g.rng, se.seq)
			}
			if se.left--; se.left <= 0 && mayEnd {
				se.dying, se.code = true, 0
			}
		}
	}
	se.cur = st
}

// runtimeLine writes one runtime diagnostic.
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

// kernelLine writes one kernel console line at uptime up seconds.
func (g *generator) kernelLine(up float64, text string) error {
	g.line = appendKernelUptime(g.line[:0], up)
	g.line = append(g.line, text...)
	g.kLines++
	return g.s.Kernel(string(g.line))
}
