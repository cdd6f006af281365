package sim

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// File names inside a sandbox's log directory.
const (
	ExecLog    = "exec.log"
	RuntimeLog = "runtime.log"
	KernelLog  = "kernel.log"
)

// DefaultRotateBytes is microsandbox's rotation size.
const DefaultRotateBytes = 10 << 20

// maxKeptScratch bounds the record buffer kept between writes, so one huge
// record does not pin its memory for the sandbox's lifetime.
const maxKeptScratch = 1 << 20

// runtimeWriteMax is the largest write the runtime makes to runtime.log;
// rotation is checked per write, so a line can straddle two files.
const runtimeWriteMax = 4 << 10

// Config tunes a Sandbox. The zero value is microsandbox's behaviour.
type Config struct {
	// RotateBytes is the size past which exec.log and runtime.log rotate;
	// zero means DefaultRotateBytes (10 MiB).
	RotateBytes int64
	// Clock stamps records; nil means time.Now. It is only called with the
	// sandbox's lock held, so record timestamps follow file order and the
	// clock need not be safe for concurrent use.
	Clock func() time.Time
}

// Sandbox writes one sandbox's log directory. It is safe for concurrent use:
// every write happens under one lock, whole.
type Sandbox struct {
	dir   string
	clock func() time.Time

	mu      sync.Mutex
	exec    *rotatingFile
	runtime *rotatingFile
	kernel  *rotatingFile
	stamp   stamper
	rec     []byte // scratch for one unbuffered record
	buf     []byte // buffered exec.log records, whole lines only
	bufMax  int    // 0: one write per record
	closed  bool
	lastID  uint64    // last session id handed out by Run
	bootAt  time.Time // clock time Run wrote the kernel's boot lines
}

// ErrClosed is returned by writes to a closed Sandbox.
var ErrClosed = errors.New("sim: sandbox closed")

// New creates dir (and its parents) and opens exec.log, runtime.log and
// kernel.log in it for append, creating them when absent.
func New(dir string, cfg Config) (*Sandbox, error) {
	if cfg.RotateBytes <= 0 {
		cfg.RotateBytes = DefaultRotateBytes
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create log directory %s: %w", dir, err)
	}
	s := &Sandbox{dir: dir, clock: cfg.Clock}
	var err error
	if s.exec, err = openRotating(filepath.Join(dir, ExecLog), cfg.RotateBytes); err != nil {
		return nil, err
	}
	if s.runtime, err = openRotating(filepath.Join(dir, RuntimeLog), cfg.RotateBytes); err != nil {
		s.exec.close()
		return nil, err
	}
	if s.kernel, err = openRotating(filepath.Join(dir, KernelLog), 0); err != nil {
		s.exec.close()
		s.runtime.close()
		return nil, err
	}
	return s, nil
}

// Dir returns the log directory.
func (s *Sandbox) Dir() string { return s.dir }

// validSource reports whether a program record may carry source.
func validSource(source string) bool {
	return source == "stdout" || source == "stderr" || source == "output"
}

// Exec writes one exec.log record of a program session's output. source is
// stdout, stderr or output; data is a raw chunk (not necessarily a line).
// Unbuffered, the record is one write; buffered (SetBuffered), it joins the
// pending write, which only ever holds whole records.
func (s *Sandbox) Exec(source string, session uint64, data []byte) error {
	if !validSource(source) {
		return fmt.Errorf("sim: exec record source %q: want stdout, stderr or output", source)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.execLocked(source, session, true, data)
}

// ExecAt is Exec with the record stamped t instead of the clock's time, for
// tests of since, until and sorting (t may go backwards).
func (s *Sandbox) ExecAt(t time.Time, source string, session uint64, data []byte) error {
	if !validSource(source) {
		return fmt.Errorf("sim: exec record source %q: want stdout, stderr or output", source)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recordLocked(t, source, session, true, data)
}

// ExecRaw writes p to exec.log as it is, in one write through the rotating
// writer (after any gathered records), for tests of what a reader must
// skip: malformed JSON, unknown sources, bad timestamps, empty lines. The
// caller includes the newline, or leaves it out to make a partial line.
func (s *Sandbox) ExecRaw(p []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.flushLocked(); err != nil {
		return err
	}
	return s.exec.write(p)
}

// ExecSystem writes an exec.log system record (a session lifecycle marker)
// carrying msg verbatim, with no session id.
func (s *Sandbox) ExecSystem(msg string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.execLocked("system", 0, false, []byte(msg))
}

// execLocked writes (or gathers) one record stamped by the clock; s.mu is
// held.
func (s *Sandbox) execLocked(source string, id uint64, hasID bool, data []byte) error {
	if s.closed {
		return ErrClosed
	}
	return s.recordLocked(s.clock(), source, id, hasID, data)
}

// recordLocked encodes and writes (or gathers) one record stamped now; s.mu
// is held.
func (s *Sandbox) recordLocked(now time.Time, source string, id uint64, hasID bool, data []byte) error {
	if s.closed {
		return ErrClosed
	}
	if s.bufMax <= 0 {
		s.rec = appendRecord(s.rec[:0], &s.stamp, now, source, id, hasID, data)
		err := s.exec.write(s.rec)
		if cap(s.rec) > maxKeptScratch {
			s.rec = nil // a huge record's buffer is not kept for the next
		}
		return err
	}
	start := len(s.buf)
	s.buf = appendRecord(s.buf, &s.stamp, now, source, id, hasID, data)
	if len(s.buf) > s.bufMax && start > 0 {
		// The new record does not fit: write what was gathered, keep it.
		if err := s.exec.write(s.buf[:start]); err != nil {
			s.buf = s.buf[:0]
			return err
		}
		s.buf = s.buf[:copy(s.buf, s.buf[start:])]
	}
	if len(s.buf) >= s.bufMax {
		err := s.flushLocked()
		if cap(s.buf) > max(maxKeptScratch, s.bufMax+512) {
			s.buf = make([]byte, 0, s.bufMax+512)
		}
		return err
	}
	return nil
}

// Runtime writes p to runtime.log as raw bytes, in writes of at most 4 KiB
// through the rotating writer. Rotation is decided per write, so when p
// holds more than 4 KiB a rotation can fall in the middle of a line.
func (s *Sandbox) Runtime(p []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	for len(p) > 0 {
		n := min(len(p), runtimeWriteMax)
		if err := s.runtime.write(p[:n]); err != nil {
			return err
		}
		p = p[n:]
	}
	return nil
}

// Kernel appends line and a newline to kernel.log in one write. kernel.log
// never rotates.
func (s *Sandbox) Kernel(line string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	b := make([]byte, 0, len(line)+1)
	return s.kernel.write(append(append(b, line...), '\n'))
}

// Rotate forces a rotation of "exec.log" or "runtime.log" now, whatever the
// live file's size. Buffered exec.log records are written first, so they land
// in the file that becomes exec.log.1.
func (s *Sandbox) Rotate(file string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	switch file {
	case ExecLog:
		if err := s.flushLocked(); err != nil {
			return err
		}
		return s.exec.rotate()
	case RuntimeLog:
		return s.runtime.rotate()
	}
	return fmt.Errorf("sim: rotate %q: only exec.log and runtime.log rotate", file)
}

// Rotations returns how many times exec.log has rotated so far.
func (s *Sandbox) Rotations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exec.rotations
}

// RuntimeRotations returns how many times runtime.log has rotated so far.
func (s *Sandbox) RuntimeRotations() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.runtime.rotations
}

// SetBuffered gathers exec.log records into writes of up to n bytes (a
// record larger than n is written alone). Writes hold whole records only, so
// lines are never split. n <= 0 writes each record at once. Records already
// gathered are written first.
func (s *Sandbox) SetBuffered(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		// A failed write surfaces again on the next Exec or Flush.
		_ = s.flushLocked()
	}
	s.bufMax = max(n, 0)
	if n > 0 && cap(s.buf) < n+512 {
		s.buf = make([]byte, 0, n+512)
	}
}

// Flush writes the exec.log records gathered by buffered mode.
func (s *Sandbox) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	return s.flushLocked()
}

// flushLocked writes the gathered records in one write; s.mu is held.
func (s *Sandbox) flushLocked() error {
	if len(s.buf) == 0 {
		return nil
	}
	err := s.exec.write(s.buf)
	s.buf = s.buf[:0]
	return err
}

// Close writes gathered records and closes every file. It is idempotent.
// A Run still going then fails with ErrClosed: cancel it and wait first.
func (s *Sandbox) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	err := s.flushLocked()
	s.closed = true
	return errors.Join(err, s.exec.close(), s.runtime.close(), s.kernel.close())
}

// newSessionID returns a session id no earlier Run on this sandbox used, so
// runs one after another (or side by side) never mix their seq tokens.
func (s *Sandbox) newSessionID() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastID++
	return s.lastID
}

// written returns the bytes written so far to exec.log, runtime.log and
// kernel.log together (buffered records count once written).
func (s *Sandbox) written() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.exec.written + s.runtime.written + s.kernel.written
}
