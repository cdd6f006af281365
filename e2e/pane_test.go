package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"sandtail/resumecmd"
)

// Polling: the screen is captured every pollEvery until a condition holds
// or waitLimit passes; the limit is generous for a loaded CI machine, and
// a passing test never waits it out.
const (
	pollEvery = 40 * time.Millisecond
	waitLimit = 10 * time.Second
)

// prompt is the shell prompt of every pane, so a test can tell the shell
// from sandtail's screen.
const prompt = "e2e$ "

var serverSeq atomic.Int64

// pane is one tmux server, with its own socket, running a single pane with a
// plain shell.
type pane struct {
	t      *testing.T
	socket string
	home   string // MSB_HOME of the shell
	// status and errPath are set by openPane: the files the pane's command
	// writes sandtail's exit status and stderr to.
	status, errPath string
}

// newPane starts a tmux server on a fresh socket with a w×h window running
// bash with a known prompt, and kills the server when the test ends.
func newPane(t *testing.T, w, h int) *pane {
	t.Helper()
	p := startPane(t, w, h, "bash", "--norc", "--noprofile")
	p.waitText(strings.TrimSpace(prompt))
	// Without job control the shell does not take the terminal back when
	// a test stops sandtail with SIGSTOP; it just keeps waiting for it.
	p.run("set +m; echo ready-$((40+2))")
	p.waitText("ready-42")
	return p
}

// openPane runs sandtail with args (and extra environment KEY=VALUE) as the
// only program of a w×h pane, with no shell line on screen, so a test sees
// the viewer from its first frame. Its exit status and stderr go to files
// (exitStatus, stderr); the pane stays open after it ends, so the screen can
// still be read.
func openPane(t *testing.T, env []string, w, h int, args ...string) *pane {
	t.Helper()
	dir := t.TempDir()
	status, errPath := filepath.Join(dir, "status"), filepath.Join(dir, "stderr")
	q := []string{resumecmd.Quote(binary)}
	for _, a := range args {
		q = append(q, resumecmd.Quote(a))
	}
	envq := []string{"env", "TERM=xterm-256color"}
	for _, kv := range env {
		envq = append(envq, resumecmd.Quote(kv))
	}
	line := strings.Join(envq, " ") + " " + strings.Join(q, " ") + " 2>" + resumecmd.Quote(errPath) +
		"; echo $? >" + resumecmd.Quote(status+".tmp") + "; mv " + resumecmd.Quote(status+".tmp") + " " + resumecmd.Quote(status) + "; sleep 30"
	p := startPane(t, w, h, "sh", "-c", line)
	p.status, p.errPath = status, errPath
	return p
}

// startPane starts a tmux server on a fresh socket with a w×h window running
// command, and kills the server when the test ends.
func startPane(t *testing.T, w, h int, command ...string) *pane {
	t.Helper()
	needTmux(t)
	p := &pane{
		t:      t,
		socket: fmt.Sprintf("sandtail-e2e-%d-%d", os.Getpid(), serverSeq.Add(1)),
		home:   t.TempDir(),
	}
	p.tmux(append([]string{"-f", os.DevNull, "new-session", "-d", "-s", "e2e",
		"-x", strconv.Itoa(w), "-y", strconv.Itoa(h),
		"-e", "PS1=" + prompt, "-e", "MSB_HOME=" + p.home}, command...)...)
	t.Cleanup(func() {
		exec.Command(tmuxPath, "-L", p.socket, "kill-server").Run()
	})
	// OSC 52 from a program becomes a tmux paste buffer only with
	// set-clipboard on: that is the setting under which a leak would show.
	p.tmux("set-option", "-g", "set-clipboard", "on")
	p.tmux("set-option", "-g", "history-limit", "0")
	return p
}

// exitStatus waits for the program openPane started to end and returns its
// status.
func (p *pane) exitStatus() int {
	p.t.Helper()
	var b []byte
	waitFor(p.t, liveTimeout, "sandtail to exit", func() bool {
		var err error
		b, err = os.ReadFile(p.status)
		return err == nil
	})
	var code int
	fmt.Sscan(string(b), &code)
	return code
}

// stderr is what the program openPane started wrote on stderr so far.
func (p *pane) stderr() string {
	if p.errPath == "" {
		return ""
	}
	b, _ := os.ReadFile(p.errPath)
	return string(b)
}

// paneVar reads a tmux pane variable such as alternate_on.
func (p *pane) paneVar(name string) string { return p.format(name) }

// screenText is the visible pane as one string.
func (p *pane) screenText() string {
	p.t.Helper()
	return strings.Join(p.screen(), "\n")
}

// waitScreen waits, as long as a live follow may take, until the pane
// shows want.
func (p *pane) waitScreen(want string) {
	p.t.Helper()
	p.waitUntil(liveTimeout, fmt.Sprintf("%q", want), func(s string) bool { return strings.Contains(s, want) })
}

// tmux runs a tmux command on this pane's server and returns its output.
func (p *pane) tmux(args ...string) string {
	p.t.Helper()
	out, err := exec.Command(tmuxPath, append([]string{"-L", p.socket}, args...)...).CombinedOutput()
	if err != nil {
		p.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// run types a shell command line and presses Enter.
func (p *pane) run(cmdline string) {
	p.t.Helper()
	p.tmux("send-keys", "-t", "e2e", "-l", cmdline)
	p.tmux("send-keys", "-t", "e2e", "Enter")
}

// keys sends key names (Enter, Escape, C-c) or literal text.
func (p *pane) keys(keys ...string) {
	p.t.Helper()
	p.tmux(append([]string{"send-keys", "-t", "e2e"}, keys...)...)
}

// text types s literally.
func (p *pane) text(s string) {
	p.t.Helper()
	p.tmux("send-keys", "-t", "e2e", "-l", s)
}

// screen returns the visible pane, one string per row.
func (p *pane) screen() []string {
	p.t.Helper()
	out := p.tmux("capture-pane", "-p", "-t", "e2e")
	return strings.Split(strings.TrimSuffix(out, "\n"), "\n")
}

// waitFor polls the screen until ok holds, failing with the last screen
// after waitLimit.
func (p *pane) waitFor(what string, ok func(screen string) bool) string {
	p.t.Helper()
	return p.waitUntil(waitLimit, what, ok)
}

// waitUntil polls the screen until ok holds, failing with the last screen
// (and sandtail's stderr, for a pane from openPane) after limit.
func (p *pane) waitUntil(limit time.Duration, what string, ok func(screen string) bool) string {
	p.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		s := p.screenText()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("timed out waiting for %s; screen:\n%s\nstderr: %s", what, s, p.stderr())
		}
		time.Sleep(pollEvery)
	}
}

// waitText waits until the screen contains every one of texts.
func (p *pane) waitText(texts ...string) string {
	p.t.Helper()
	return p.waitFor(fmt.Sprintf("%q", texts), func(s string) bool {
		for _, x := range texts {
			if !strings.Contains(s, x) {
				return false
			}
		}
		return true
	})
}

// waitMatch waits until the screen matches re.
func (p *pane) waitMatch(re string) string {
	p.t.Helper()
	rx := regexp.MustCompile(re)
	return p.waitFor("/"+re+"/", rx.MatchString)
}

// format returns one of tmux's pane variables, e.g. alternate_on.
func (p *pane) format(name string) string {
	p.t.Helper()
	return strings.TrimSpace(p.tmux("display-message", "-p", "-t", "e2e", "#{"+name+"}"))
}

// title is the pane's title as tmux keeps it (OSC 0/2 set it).
func (p *pane) title() string { return p.format("pane_title") }

// buffers lists tmux's paste buffers (OSC 52 adds one).
func (p *pane) buffers() string {
	return strings.TrimSpace(p.tmux("list-buffers"))
}

// resize sets the window, and so the pane, to w×h.
func (p *pane) resize(w, h int) {
	p.t.Helper()
	p.tmux("resize-window", "-t", "e2e", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h))
}

// shellPID is the pid of the pane's shell.
func (p *pane) shellPID() int {
	p.t.Helper()
	pid, err := strconv.Atoi(strings.TrimSpace(p.tmux("display-message", "-p", "-t", "e2e", "#{pane_pid}")))
	if err != nil {
		p.t.Fatalf("pane pid: %v", err)
	}
	return pid
}

// sandtailPID finds the sandtail process the shell started.
func (p *pane) sandtailPID() int {
	p.t.Helper()
	parent := p.shellPID()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces, so split after ')'.
		s := string(b)
		open, end := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || end < open {
			continue
		}
		fields := strings.Fields(s[end+1:])
		if len(fields) < 2 || s[open+1:end] != "sandtail" {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid == parent {
			pid, _ := strconv.Atoi(strings.TrimSpace(s[:open]))
			return pid
		}
	}
	p.t.Fatalf("no sandtail process under the shell (pid %d)", parent)
	return 0
}

// stop suspends pid and the processes it started (sandtail's holder,
// which would otherwise keep every file open), as Ctrl-Z stops a process
// group, and waits until every one of their threads is stopped: kill
// returns before a thread running on another CPU has noticed, and that
// thread could still read a file meant to be missed. It returns the
// processes stopped, for cont.
func (p *pane) stop(pid int) []int {
	p.t.Helper()
	procs := append([]int{pid}, childrenOf(pid)...)
	stopAll(p.t, procs)
	return procs
}

// cont resumes the processes stop stopped.
func (p *pane) cont(procs []int) {
	p.t.Helper()
	contAll(p.t, procs)
}

// waitFrame waits until the screen is exactly h rows of at most w cells
// with sandtail's header on the first row and its footer on the last: a
// line wider than the pane would wrap and push the header off the top. It
// polls because a capture can land in the middle of a redraw.
func (p *pane) waitFrame(w, h int, header, footer *regexp.Regexp) {
	p.t.Helper()
	p.waitFor(fmt.Sprintf("an intact %d×%d frame (header %s, footer %s)", w, h, header, footer), func(string) bool {
		return frameProblem(p.screen(), w, h, header, footer) == ""
	})
}

// frameProblem says what is wrong with the frame, or "" if nothing.
func frameProblem(rows []string, w, h int, header, footer *regexp.Regexp) string {
	if len(rows) != h {
		return fmt.Sprintf("%d rows, want %d", len(rows), h)
	}
	for i, r := range rows {
		if n := ansi.StringWidth(r); n > w {
			return fmt.Sprintf("row %d has %d cells", i, n)
		}
	}
	if !header.MatchString(rows[0]) {
		return "the first row is not the header"
	}
	if !footer.MatchString(rows[h-1]) {
		return "the last row is not the footer"
	}
	return ""
}
