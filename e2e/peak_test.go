package e2e

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A process's peak resident memory (rusage's maxrss) is not its own when
// it was started from a large one: Go starts a child with vfork, sharing
// the parent's memory until exec, and the kernel carries that memory's
// high-water mark over the exec. A test process that built a fixture of
// hundreds of MiB would make every child look that large. So the child is
// started from a small process instead: this test binary run again with
// peakEnv set (see TestMain), which starts the command, waits for it and
// writes its peak and wall time to the file peakEnv names.

const peakEnv = "SANDTAIL_E2E_PEAK_OUT"

// peakNullEnv set to 1 has peakWrap send the command's stdout to
// /dev/null, as a user's "> /dev/null" does, instead of through a pipe.
const peakNullEnv = "SANDTAIL_E2E_PEAK_NULL"

// peakWrap runs args[0] with args[1:], passing stdin, stdout and stderr
// through, and writes "PEAK_BYTES WALL_NANOSECONDS" to out. It returns the
// command's exit status.
func peakWrap(out string, args []string) int {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if os.Getenv(peakNullEnv) == "1" {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			fmt.Fprintln(os.Stderr, "peak:", err)
			return 125
		}
		defer null.Close()
		cmd.Stdout = null
	}
	env := os.Environ()[:0:0]
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, peakEnv+"=") && !strings.HasPrefix(kv, peakNullEnv+"=") {
			env = append(env, kv)
		}
	}
	cmd.Env = env
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "peak:", err)
		return 125
	}
	ru := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if err := os.WriteFile(out, []byte(fmt.Sprintf("%d %d\n", ru.Maxrss<<10, wall.Nanoseconds())), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "peak:", err)
		return 125
	}
	return code
}

// measured is one run of a command through peakWrap.
type measured struct {
	code   int
	stderr string
	out    int64 // bytes written to stdout
	peak   int64 // peak resident memory, bytes
	wall   time.Duration
}

// measure runs name with args through peakWrap, stdout counted and thrown
// away.
func measure(t *testing.T, name string, args ...string) measured {
	t.Helper()
	return measureEnv(t, nil, name, args...)
}

// measureEnv is measure with extra environment (KEY=VALUE).
func measureEnv(t *testing.T, env []string, name string, args ...string) measured {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	res := filepath.Join(t.TempDir(), "peak")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, append([]string{name}, args...)...)
	cmd.Env = append(testEnv(env), peakEnv+"="+res)
	var errb bytes.Buffer
	cw := &countWriter{}
	cmd.Stdout, cmd.Stderr = cw, &errb
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %q did not end: %s", name, args, errb.String())
	}
	m := measured{stderr: errb.String(), out: cw.n}
	if ee, ok := err.(*exec.ExitError); ok {
		m.code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(res)
	if err != nil {
		t.Fatalf("%s %q: no measurement (exit %d): %v; stderr: %s", name, args, m.code, err, m.stderr)
	}
	f := strings.Fields(string(b))
	peak, _ := strconv.ParseInt(f[0], 10, 64)
	wall, _ := strconv.ParseInt(f[1], 10, 64)
	m.peak, m.wall = peak, time.Duration(wall)
	return m
}

// countWriter counts what is written to it and keeps none of it.
type countWriter struct{ n int64 }

func (c *countWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }
