package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// timeLayout is the time format of log records, which print mode also
// writes: RFC 3339 with milliseconds, UTC.
const timeLayout = "2006-01-02T15:04:05.000Z"

// runTimeout bounds one run of the binary that is expected to end by itself.
const runTimeout = 30 * time.Second

// result is one finished run of the binary.
type result struct {
	stdout, stderr string
	code           int
}

// sandtail runs the binary to completion with args and extra environment
// (KEY=VALUE), stdout and stderr captured through pipes.
func sandtail(t *testing.T, env []string, args ...string) result {
	t.Helper()
	return runCmd(t, env, binary, args...)
}

// runCmd runs a command to completion with the test environment.
func runCmd(t *testing.T, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = testEnv(env)
	// Kill the whole process group on timeout (bash -c 'sandtail | head'),
	// and do not wait forever for a pipe a stray child still holds.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = 5 * time.Second
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %q did not end within %v; stderr: %s", name, args, runTimeout, errb.String())
	}
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %q: %v", name, args, err)
	}
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// testEnv is a clean environment: no MSB_HOME or NO_COLOR leaks in from the
// machine, HOME points nowhere useful, and extra entries win.
func testEnv(extra []string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "MSB_HOME", "NO_COLOR", "HOME", "TERM":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "HOME=/nonexistent-sandtail-home", "TERM=xterm-256color")
	return append(env, extra...)
}

// running is a sandtail process that keeps running (--follow) while the test
// reads its output line by line.
type running struct {
	t      *testing.T
	cmd    *exec.Cmd
	lines  chan string
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan struct{}
	code   int
}

// start runs the binary in the background; its stdout lines arrive on r.lines.
func start(t *testing.T, env []string, args ...string) *running {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = testEnv(env)
	r := &running{t: t, cmd: cmd, lines: make(chan string, 1<<16), done: make(chan struct{})}
	cmd.Stderr = lockedWriter{&r.mu, &r.stderr}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<20), 16<<20)
		sc.Split(scanNewlines)
		for sc.Scan() {
			r.lines <- sc.Text()
		}
		close(r.lines)
		err := cmd.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			r.code = ee.ExitCode()
		} else if err != nil {
			r.code = -1
		}
		close(r.done)
	}()
	t.Cleanup(func() {
		select {
		case <-r.done:
		default:
			cmd.Process.Signal(syscall.SIGCONT)
			cmd.Process.Kill()
			<-r.done
		}
	})
	return r
}

// scanNewlines splits on \n only, keeping a \r that ends a line (bufio.ScanLines drops it).
func scanNewlines(data []byte, atEOF bool) (int, []byte, error) {
	if i := bytes.IndexByte(data, '\n'); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Stderr is what the process wrote on stderr so far.
func (r *running) Stderr() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.stderr.String()
}

// next returns the next stdout line, failing the test after timeout.
func (r *running) next(timeout time.Duration) (string, bool) {
	r.t.Helper()
	select {
	case l, ok := <-r.lines:
		return l, ok
	case <-time.After(timeout):
		r.t.Fatalf("no output within %v; stderr: %s", timeout, r.Stderr())
		return "", false
	}
}

// signal sends sig to the process.
func (r *running) signal(sig os.Signal) {
	r.t.Helper()
	if err := r.cmd.Process.Signal(sig); err != nil {
		r.t.Fatalf("signal %v: %v", sig, err)
	}
}

// interrupt ends a follow as Ctrl-C does and checks that it exits 0; it
// returns the output that came after the last read.
func (r *running) interrupt() []string {
	r.t.Helper()
	r.signal(syscall.SIGINT)
	rest, code := r.wait(liveTimeout)
	if code != 0 {
		r.t.Fatalf("exit %d after SIGINT; stderr %q", code, r.Stderr())
	}
	return rest
}

// wait drains the remaining output and waits for the exit status.
func (r *running) wait(timeout time.Duration) ([]string, int) {
	r.t.Helper()
	var rest []string
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-r.lines:
			if !ok {
				select {
				case <-r.done:
					return rest, r.code
				case <-deadline:
					r.hung(timeout, rest)
				}
			}
			rest = append(rest, l)
		case <-deadline:
			r.hung(timeout, rest)
		}
	}
}

// hung fails the test with the process's goroutine dump (SIGQUIT), so a
// hang can be diagnosed from the test log.
func (r *running) hung(timeout time.Duration, rest []string) {
	r.t.Helper()
	r.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-r.done:
	case <-time.After(2 * time.Second):
	}
	r.t.Fatalf("process did not exit within %v (output after the last wait: %q); stderr: %s", timeout, rest, r.Stderr())
}

// jsonEntry is one line of --json output.
type jsonEntry struct {
	T      string  `json:"t"`
	S      string  `json:"s"`
	D      string  `json:"d"`
	ID     *uint64 `json:"id"`
	E      string  `json:"e"`
	Cursor string  `json:"cursor"`
	Mark   string  `json:"mark"`
	File   string  `json:"file"`
}

func parseJSONLines(t *testing.T, out string) []jsonEntry {
	t.Helper()
	var es []jsonEntry
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if l == "" {
			continue
		}
		es = append(es, parseJSONLine(t, l))
	}
	return es
}

func parseJSONLine(t *testing.T, l string) jsonEntry {
	t.Helper()
	var e jsonEntry
	dec := json.NewDecoder(strings.NewReader(l))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("not a JSON entry: %q: %v", l, err)
	}
	return e
}

// copyDir copies a fixture log directory into a fresh temporary one, so a
// test can append to it (and so its files have inodes of their own).
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := filepath.Join(t.TempDir(), "logs")
	if err := os.CopyFS(dst, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	return dst
}

// appendFile appends s to path.
func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond every 10ms until it holds or timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
