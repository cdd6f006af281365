package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime/debug"
	"strings"
	"syscall"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestGuardPanicIsABugNotAUsageError(t *testing.T) {
	var stderr bytes.Buffer
	code := guard(&stderr, func() int { panic("index out of range \x1b]52;c;aGk=\x07") })
	if code != exitBug || code == exitUsage {
		t.Fatalf("status %d, want %d", code, exitBug)
	}
	out := stderr.String()
	for _, want := range []string{"internal error", "a bug in sandtail", "Please report it", "index out of range", "faults_test.go"} {
		if !strings.Contains(out, want) {
			t.Errorf("the report lacks %q:\n%s", want, out)
		}
	}
	if strings.ContainsAny(out, "\x1b\x07") {
		t.Errorf("the report passes a control sequence through:\n%q", out)
	}
}

func TestGuardPassesTheStatusThrough(t *testing.T) {
	var stderr bytes.Buffer
	if code := guard(&stderr, func() int { return exitMissedRotation }); code != exitMissedRotation || stderr.Len() != 0 {
		t.Fatalf("status %d, stderr %q", code, stderr.String())
	}
}

func TestViewerPanicIsABug(t *testing.T) {
	code, msg := explain(fmt.Errorf("%w: %w", tea.ErrProgramKilled, tea.ErrProgramPanic))
	if code != exitBug || !strings.Contains(msg, "a bug in sandtail") {
		t.Fatalf("status %d, message %q", code, msg)
	}
}

// crashChild, set in a child's environment, makes TestFatalFaultAborts
// crash the child in the named way.
const crashChild = "SANDTAIL_TEST_CRASH"

// A fault the runtime cannot recover from (a panic on another goroutine,
// a fatal error such as a stack overflow or running out of memory) must
// not end with status 2, the usage status: crashOnFatal makes it abort.
func TestFatalFaultAborts(t *testing.T) {
	if how := os.Getenv(crashChild); how != "" {
		crash(how)
		return
	}
	for _, how := range []string{"goroutine-panic", "stack-overflow"} {
		t.Run(how, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestFatalFaultAborts$")
			cmd.Env = append(os.Environ(), crashChild+"="+how)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				t.Fatalf("the child did not fail: %v\n%s", err, stderr.String())
			}
			ws := ee.Sys().(syscall.WaitStatus)
			if !ws.Signaled() || ws.Signal() != syscall.SIGABRT {
				t.Fatalf("the child ended with %v (status %d), want SIGABRT\n%s", ws, ee.ExitCode(), tail(stderr.String()))
			}
			if ee.ExitCode() == exitUsage {
				t.Fatalf("a fatal fault exits with the usage status")
			}
		})
	}
}

// crash sets up as main does, then faults in the named way; it does not
// return.
func crash(how string) {
	// No core file from a crash on purpose.
	syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{}) //nolint:errcheck // best effort
	crashOnFatal()
	switch how {
	case "goroutine-panic":
		done := make(chan struct{})
		go func() { panic("a bug on another goroutine") }()
		<-done
	case "stack-overflow":
		debug.SetMaxStack(1 << 20)
		var f func(int) int
		f = func(n int) int { return f(n+1) + 1 }
		f(0)
	}
	os.Exit(0)
}

func tail(s string) string {
	if len(s) > 2000 {
		return "…" + s[len(s)-2000:]
	}
	return s
}
