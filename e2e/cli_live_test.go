package e2e

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"sandtail/engine"
	"sandtail/engine/sim"
)

// liveTimeout bounds each wait for output from a running sandtail.
const liveTimeout = 20 * time.Second

func execRecord(t time.Time, src string, id int, d string) string {
	return fmt.Sprintf(`{"t":%q,"s":%q,"d":%s,"id":%d}`+"\n", t.UTC().Format(timeLayout), src, strconv.Quote(d), id)
}

func TestFollowPicksUpAppendsAndExitsOnSignal(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := copyDir(t, alphaDir)
			r := start(t, nil, "--dir", dir, "--follow")
			want := strings.Split(strings.TrimSuffix(alphaPlain, "\n"), "\n")
			for i, w := range want {
				if got, _ := r.next(liveTimeout); got != w {
					t.Fatalf("snapshot line %d = %q, want %q", i, got, w)
				}
			}
			now := time.Now()
			log := filepath.Join(dir, "exec.log")
			appendFile(t, log, execRecord(now, "stdout", 1, "appended one\n"))
			if got, _ := r.next(liveTimeout); got != "appended one" {
				t.Fatalf("after append: %q", got)
			}
			// A line written in two chunks comes out whole, once.
			appendFile(t, log, execRecord(now, "stdout", 4, "half "))
			appendFile(t, log, execRecord(now, "stderr", 2, "other session\n"))
			appendFile(t, log, execRecord(now, "stdout", 4, "and half\n"))
			got1, _ := r.next(liveTimeout)
			got2, _ := r.next(liveTimeout)
			if got1 != "other session" || got2 != "half and half" {
				t.Fatalf("after chunked append: %q, %q", got1, got2)
			}
			r.signal(sig)
			rest, code := r.wait(liveTimeout)
			if code != 0 || len(rest) != 0 {
				t.Fatalf("after %v: exit %d, extra output %q, stderr %q", sig, code, rest, r.Stderr())
			}
		})
	}
}

func TestFollowStopsAtUntil(t *testing.T) {
	dir := copyDir(t, alphaDir)
	until := time.Now().Add(time.Hour).Truncate(time.Second)
	r := start(t, nil, "--dir", dir, "-f", "--json", "--until", until.Format(time.RFC3339Nano))
	for range 11 {
		r.next(liveTimeout)
	}
	log := filepath.Join(dir, "exec.log")
	appendFile(t, log, execRecord(until.Add(-time.Minute), "stdout", 1, "before until\n"))
	if l, _ := r.next(liveTimeout); !strings.Contains(l, "before until") {
		t.Fatalf("got %q", l)
	}
	appendFile(t, log, execRecord(until, "stdout", 1, "at until\n"))
	rest, code := r.wait(liveTimeout)
	if code != 0 || len(rest) != 0 {
		t.Fatalf("exit %d, output %q, stderr %q", code, rest, r.Stderr())
	}
}

func TestFollowReportsKernelRestart(t *testing.T) {
	for _, mode := range []string{"--print", "--json"} {
		t.Run(mode, func(t *testing.T) {
			dir := copyDir(t, alphaDir)
			r := start(t, nil, "--dir", dir, "--follow", "--source", "system", mode)
			for range 7 {
				r.next(liveTimeout)
			}
			// kernel.log truncated in place: read again from 0, and said so.
			kernel := filepath.Join(dir, "kernel.log")
			if err := os.WriteFile(kernel, []byte("2026-04-30T20:01:00.000Z rebooted\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			var got []string
			for len(got) == 0 || !strings.Contains(got[len(got)-1], "rebooted") {
				l, _ := r.next(liveTimeout)
				got = append(got, l)
			}
			waitFor(t, liveTimeout, "a restart notice on stderr", func() bool {
				return strings.Contains(r.Stderr(), "sandtail: restart in kernel.log")
			})
			if mode == "--json" && !strings.Contains(strings.Join(got, "\n"), `"mark":"restart","file":"kernel.log"`) {
				t.Errorf("--json: no restart object in %q", got)
			}
			r.interrupt()
		})
	}
}

func TestMissedRotationExit3(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	sb := newSim(t, dir, sim.Config{})
	for i := 1; i <= 3; i++ {
		mustExec(t, sb, i)
	}
	r := start(t, nil, "--dir", dir, "--follow", "--json")
	var last jsonEntry
	for range 3 {
		l, _ := r.next(liveTimeout)
		last = parseJSONLine(t, l)
	}
	waitHolderLooked(t, r.cmd.Process.Pid, dir, "exec.log", func() {
		if err := sb.Rotate("exec.log"); err != nil {
			t.Fatal(err)
		}
	})
	// Suspend the follower, and the holder process it started, while
	// exec.log rotates six times (as Ctrl-Z stops the whole process group):
	// the file it was reading goes past exec.log.4 before either can look
	// at the directory.
	procs := stopFollower(t, r.cmd.Process.Pid)
	for i := 4; i <= 10; i++ {
		mustExec(t, sb, i)
		if i < 10 {
			if err := sb.Rotate("exec.log"); err != nil {
				t.Fatal(err)
			}
		}
	}
	contAll(t, procs)
	rest, code := r.wait(liveTimeout)
	if len(rest) > 0 {
		last = parseJSONLine(t, rest[len(rest)-1])
	}
	stderr := r.Stderr()
	t.Logf("stderr after the missed rotation:\n%s", stderr)
	if code != 3 {
		t.Fatalf("exit %d, want 3; stderr %q", code, stderr)
	}
	m := regexp.MustCompile(`last good cursor: (\S+)`).FindStringSubmatch(stderr)
	if m == nil || !strings.Contains(stderr, "fell behind log rotation") {
		t.Fatalf("stderr does not explain the missed rotation with a cursor: %q", stderr)
	}
	// The file with line 5 went unseen; files rotated by hand at sizes
	// that say nothing of its size.
	if !strings.Contains(stderr, "lost 1 file rotated away unread, of unknown size") {
		t.Errorf("stderr does not say what was lost: %q", stderr)
	}
	if m[1] != last.Cursor {
		t.Fatalf("last good cursor %s, want the last printed entry's %s", m[1], last.Cursor)
	}
	resume := "sandtail --dir " + dir + " --from " + m[1] + " --follow --json"
	if !strings.Contains(stderr, resume) {
		t.Fatalf("stderr lacks the resume command %q: %q", resume, stderr)
	}
	// The printed command works: it continues with what is still on disk,
	// and marks the gap.
	res := sandtail(t, nil, "--dir", dir, "--from", m[1], "--json")
	if res.code != 0 {
		t.Fatalf("resume: exit %d %q", res.code, res.stderr)
	}
	es := parseJSONLines(t, res.stdout)
	if len(es) == 0 || !strings.Contains(es[len(es)-1].D, "line 10") {
		t.Fatalf("resume output %q", res.stdout)
	}
	if !strings.Contains(res.stdout, `"mark":"gap"`) || !strings.Contains(res.stderr, "gap") {
		t.Errorf("resume does not mark the gap: stdout %q stderr %q", res.stdout, res.stderr)
	}
}

// waitHolderLooked waits until the holder process of the follower pid is
// in charge of dir and has looked at it: until then the files it was
// handed have no creation numbers, and what a missed rotation lost could
// not be counted, nor a removal told from one. It calls rotate twice (file
// must rotate), waiting each time for the holder to hold the new file: the
// second did not exist when the first was handed to the holder, so only a
// look of its own can have opened it.
func waitHolderLooked(t *testing.T, pid int, dir, file string, rotate func()) {
	t.Helper()
	for range 2 {
		rotate()
		waitChildHolds(t, pid, filepath.Join(dir, file))
	}
}

// waitChildHolds waits until a child of pid (its holder) has the file now
// at path open, by inode, wherever it is renamed to later.
func waitChildHolds(t *testing.T, pid int, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	ino := fi.Sys().(*syscall.Stat_t).Ino
	waitFor(t, liveTimeout, "the holder to open "+path, func() bool { return childHolds(pid, ino) })
}

// childHolds reports whether a child of pid has the file with inode ino open.
func childHolds(pid int, ino uint64) bool {
	for _, kid := range childrenOf(pid) {
		fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", kid))
		for _, fd := range fds {
			if fi, err := os.Stat(fd); err == nil && fi.Sys().(*syscall.Stat_t).Ino == ino {
				return true
			}
		}
	}
	return false
}

// mustRotate rotates one of a simulated sandbox's logs.
func mustRotate(t *testing.T, sb *sim.Sandbox, file string) {
	t.Helper()
	if err := sb.Rotate(file); err != nil {
		t.Fatal(err)
	}
}

// stopFollower suspends a follower and the holder process it started, as
// Ctrl-Z stops a process group, once the holder is there, and waits until
// every thread of both is stopped: kill returns before a thread running on
// another processor has noticed, and such a thread could still look at a
// rotation meant to go unseen. It returns the processes, for contAll.
func stopFollower(t *testing.T, pid int) []int {
	t.Helper()
	var holder []int
	waitFor(t, liveTimeout, "the holder process to start", func() bool { holder = childrenOf(pid); return len(holder) > 0 })
	procs := append([]int{pid}, holder...)
	stopAll(t, procs)
	return procs
}

// stopAll suspends procs and waits until every thread of each is stopped:
// kill returns before a thread running on another processor has noticed,
// and such a thread could still read a file meant to be missed.
func stopAll(t *testing.T, procs []int) {
	t.Helper()
	signalAll(t, procs, syscall.SIGSTOP)
	waitFor(t, liveTimeout, fmt.Sprintf("processes %v to stop", procs), func() bool {
		for _, p := range procs {
			if !threadsStopped(p) {
				return false
			}
		}
		return true
	})
}

// contAll resumes processes stopFollower or pane.stop stopped, the holder first: a
// follower resumed first may end at once (a missed rotation) and kill its
// still stopped holder, and a process that is gone is not an error here.
func contAll(t *testing.T, procs []int) {
	t.Helper()
	for i := len(procs) - 1; i >= 0; i-- {
		if err := syscall.Kill(procs[i], syscall.SIGCONT); err != nil && !errors.Is(err, syscall.ESRCH) {
			t.Fatalf("SIGCONT to %d: %v", procs[i], err)
		}
	}
}

// threadsStopped reports whether every thread of pid is stopped (state T).
func threadsStopped(pid int) bool {
	stats, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if len(stats) == 0 {
		return false
	}
	for _, f := range stats {
		b, err := os.ReadFile(f)
		i := bytes.LastIndexByte(b, ')')
		if err != nil || i < 0 || i+2 >= len(b) || (b[i+2] != 'T' && b[i+2] != 't') {
			return false
		}
	}
	return true
}

// A follower that is suspended while its holder process runs loses
// nothing: the holder keeps every file open as it appears, and the
// follower reads them all when it wakes.
func TestSuspendedFollowerKeepsWhatItsHolderHeld(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	sb := newSim(t, dir, sim.Config{})
	mustExec(t, sb, 1)
	r := start(t, nil, "--dir", dir, "--follow", "--json")
	r.next(liveTimeout)
	pid := r.cmd.Process.Pid
	waitHolderTookOver(t, pid, dir)
	signalAll(t, []int{pid}, syscall.SIGSTOP)
	waitFor(t, liveTimeout, "the follower to stop", func() bool { return procState(pid) == 'T' })
	for i := 2; i <= 10; i++ {
		mustExec(t, sb, i)
		if err := sb.Rotate("exec.log"); err != nil { // nine rotations: more than retention
			t.Fatal(err)
		}
		// The holder runs at ordinary priority: rotating again before it
		// took the new file would test the scheduler, not what it holds.
		waitChildHolds(t, pid, filepath.Join(dir, "exec.log"))
	}
	signalAll(t, []int{pid}, syscall.SIGCONT)
	for i := 2; i <= 10; i++ {
		l, ok := r.next(liveTimeout)
		if !ok {
			t.Fatalf("output ended before line %d; stderr %q", i, r.Stderr())
		}
		if e := parseJSONLine(t, l); e.D != fmt.Sprintf("line %d\n", i) {
			t.Fatalf("got %q, want line %d", e.D, i)
		}
	}
	r.interrupt()
}

// waitHolderTookOver waits until the holder process of the follower pid
// holds the exec.log of dir, the file the follower was reading: then it
// has taken over from the follower's own watcher. It returns its pid.
func waitHolderTookOver(t *testing.T, pid int, dir string) int {
	t.Helper()
	holder := 0
	waitFor(t, liveTimeout, "the holder to hold exec.log", func() bool {
		for _, h := range childrenOf(pid) {
			fds, _ := filepath.Glob(fmt.Sprintf("/proc/%d/fd/*", h))
			for _, fd := range fds {
				if target, _ := os.Readlink(fd); target == filepath.Join(dir, "exec.log") {
					holder = h
					return true
				}
			}
		}
		return false
	})
	return holder
}

// childrenOf lists the processes whose parent is pid.
func childrenOf(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var kids []int
	for _, f := range stats {
		b, err := os.ReadFile(f)
		i := bytes.LastIndexByte(b, ')')
		if err != nil || i < 0 {
			continue
		}
		// After the command name: state, then the parent's pid.
		if fields := strings.Fields(string(b[i+1:])); len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			n, _ := strconv.Atoi(filepath.Base(filepath.Dir(f)))
			kids = append(kids, n)
		}
	}
	return kids
}

func signalAll(t *testing.T, pids []int, sig syscall.Signal) {
	t.Helper()
	for _, p := range pids {
		if err := syscall.Kill(p, sig); err != nil {
			t.Fatalf("%v to %d: %v", sig, p, err)
		}
	}
}

// procState is a process's state letter from /proc (R, S, T, …), or 0.
func procState(pid int) byte {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The state follows the command name, which is in parentheses.
	if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) {
		return b[i+2]
	}
	return 0
}

func mustExec(t *testing.T, sb *sim.Sandbox, i int) {
	t.Helper()
	if err := sb.Exec("stdout", 1, []byte(fmt.Sprintf("line %d\n", i))); err != nil {
		t.Fatal(err)
	}
}

func TestPipeIntoHeadEndsCleanly(t *testing.T) {
	// A snapshot much larger than a pipe's buffer.
	dir := t.TempDir()
	var b strings.Builder
	ts := time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC)
	for i := range 20000 {
		b.WriteString(execRecord(ts.Add(time.Duration(i)*time.Millisecond), "stdout", 1, fmt.Sprintf("line %d of a long log\n", i)))
	}
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	for _, args := range []string{
		"--dir " + dir,
		"--dir " + dir + " --json",
		"--demo --follow --demo-rate 2000",
	} {
		res := runCmd(t, []string{"TMPDIR=" + tmp}, "bash", "-c", "set -o pipefail; "+binary+" "+args+" | head -1")
		if res.code != 0 || res.stderr != "" || strings.Count(res.stdout, "\n") != 1 {
			t.Errorf("%s | head -1: exit %d stdout %q stderr %q", args, res.code, res.stdout, res.stderr)
		}
	}
	assertEmptyDir(t, tmp)
}

// assertEmptyDir checks that the demo left nothing behind in TMPDIR.
func assertEmptyDir(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 0 {
		t.Fatalf("demo left %d entries in %s (first %s)", len(ents), dir, ents[0].Name())
	}
}

func TestDemoPrintsASnapshot(t *testing.T) {
	tmp := t.TempDir()
	r := sandtail(t, []string{"TMPDIR=" + tmp}, "--demo", "--print", "--show-id")
	if r.code != 0 || strings.Count(r.stdout, "\n") < 20 || !strings.Contains(r.stdout, "seq=") || !strings.HasPrefix(r.stdout, "[") {
		t.Fatalf("exit %d stderr %q stdout %q", r.code, r.stderr, r.stdout)
	}
	assertEmptyDir(t, tmp)
}

func TestDemoJSONFollowThroughRotations(t *testing.T) {
	tmp := t.TempDir()
	r := start(t, []string{"TMPDIR=" + tmp}, "--demo", "--json", "--follow", "--demo-rate", "4000")
	var es []jsonEntry
	// Several rotations: the exec.log position's generation (inode) changes
	// with each. Count changes, not distinct values: inodes get reused.
	var gen uint64
	rotations := -1
	deadline := time.Now().Add(45 * time.Second)
	var longest time.Duration // longest wait for the next line: output must not stall
	lastLine := time.Now()
	for rotations < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("only %d rotations seen after 45s (%d entries); stderr %q", rotations, len(es), r.Stderr())
		}
		l, ok := r.next(liveTimeout)
		if !ok {
			t.Fatalf("output ended early; stderr %q", r.Stderr())
		}
		longest = max(longest, time.Since(lastLine))
		lastLine = time.Now()
		e := parseJSONLine(t, l)
		es = append(es, e)
		c, err := engine.ParseCursor(e.Cursor)
		if err != nil || c.Len() != 1 {
			t.Fatalf("cursor %q: %v", e.Cursor, err)
		}
		if g := c.At(0).Inode; g != gen {
			gen = g
			rotations++
		}
	}
	if longest > 5*time.Second {
		t.Errorf("output stalled for %v between two entries", longest)
	}
	for _, l := range r.interrupt() {
		es = append(es, parseJSONLine(t, l))
	}
	checkSeqContiguous(t, es)
	assertEmptyDir(t, tmp)
}

var seqToken = regexp.MustCompile(`seq=(\d+)`)

// seqTracker joins JSON entries into lines per source and session and
// records the "seq=N" tokens of complete lines.
type seqTracker struct {
	t    *testing.T
	open map[seqKey][]byte
	seen map[uint64]map[int64]bool
	n    int
}

type seqKey struct {
	s  string
	id uint64
}

func newSeqTracker(t *testing.T) *seqTracker {
	return &seqTracker{t: t, open: map[seqKey][]byte{}, seen: map[uint64]map[int64]bool{}}
}

func (st *seqTracker) add(e jsonEntry) {
	st.t.Helper()
	if e.Mark != "" {
		st.t.Fatalf("unexpected notice in the stream: %+v", e)
	}
	if e.ID == nil {
		return
	}
	d := []byte(e.D)
	if e.E == "b64" {
		var err error
		if d, err = base64.StdEncoding.DecodeString(e.D); err != nil {
			st.t.Fatalf("bad b64 %q", e.D)
		}
	}
	k := seqKey{e.S, *e.ID}
	buf := append(st.open[k], d...)
	for {
		i := bytes.IndexByte(buf, '\n')
		if i < 0 {
			break
		}
		for _, m := range seqToken.FindAllSubmatch(buf[:i], -1) {
			n, _ := strconv.ParseInt(string(m[1]), 10, 64)
			if st.seen[k.id] == nil {
				st.seen[k.id] = map[int64]bool{}
			}
			if st.seen[k.id][n] {
				st.t.Fatalf("session %d: seq=%d repeated", k.id, n)
			}
			st.seen[k.id][n] = true
			st.n++
		}
		buf = buf[i+1:]
	}
	st.open[k] = append([]byte(nil), buf...)
}

// reached reports whether every session's token last[id] has been seen.
func (st *seqTracker) reached(last map[uint64]int64) bool {
	for id, n := range last {
		if !st.seen[id][n] {
			return false
		}
	}
	return true
}

// checkSeqContiguous joins each session's chunks into lines and checks that
// the "seq=N" tokens of every session run 1, 2, 3, … with no repeat, and
// with no gap except for lines still open when the output stopped (their
// token comes at the end of the line).
func checkSeqContiguous(t *testing.T, es []jsonEntry) {
	t.Helper()
	st := newSeqTracker(t)
	for _, e := range es {
		st.add(e)
	}
	if st.n < 1000 {
		t.Fatalf("only %d seq tokens: the stream was not lively", st.n)
	}
	for id, set := range st.seen {
		var hi int64
		for n := range set {
			hi = max(hi, n)
		}
		openLines := 0
		for k, b := range st.open {
			if k.id == id && len(b) > 0 {
				openLines++
			}
		}
		var missing []int64
		for n := int64(1); n <= hi; n++ {
			if !set[n] {
				missing = append(missing, n)
			}
		}
		if len(missing) > openLines {
			t.Fatalf("session %d: seq tokens missing %v (of 1…%d, %d lines still open)", id, missing, hi, openLines)
		}
	}
}

func TestFollowLiveSimulatorExactly(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	sb := newSim(t, dir, sim.Config{RotateBytes: 64 << 10})
	r := start(t, nil, "--dir", dir, "--follow", "--json", "--source", "all")
	// Let the follower open the (empty) logs before the writer starts, then
	// write a bounded workload through a couple of dozen rotations.
	time.Sleep(100 * time.Millisecond)
	st, err := sb.Run(t.Context(), sim.Workload{Rate: 5000, Sessions: 4, Seed: 7, MaxRecords: 10000})
	if err != nil {
		t.Fatal(err)
	}
	if st.Rotations < 10 {
		t.Fatalf("only %d rotations: the test would prove little", st.Rotations)
	}
	// Read until every session's last token has arrived.
	var es []jsonEntry
	seqs := newSeqTracker(t)
	for !seqs.reached(st.LastSeq) {
		l, ok := r.next(liveTimeout)
		if !ok {
			t.Fatalf("output ended early; stderr %q", r.Stderr())
		}
		e := parseJSONLine(t, l)
		if c, err := engine.ParseCursor(e.Cursor); err != nil || c.Len() != 3 {
			t.Fatalf("cursor %q: %v (want 3 positions for --source all)", e.Cursor, err)
		}
		es = append(es, e)
		seqs.add(e)
	}
	for _, l := range r.interrupt() {
		es = append(es, parseJSONLine(t, l))
	}
	checkSeqContiguous(t, es)
}

func TestHostileWorkloadOnATerminal(t *testing.T) {
	if _, err := os.Stat("/usr/bin/script"); err != nil {
		t.Skip("script(1) from util-linux is needed to give sandtail a terminal")
	}
	dir := filepath.Join(t.TempDir(), "logs")
	sb, err := sim.New(dir, sim.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Run(t.Context(), sim.Workload{Hostile: true, Sessions: 4, Seed: 3, MaxRecords: 3000}); err != nil {
		t.Fatal(err)
	}
	sb.Close()
	raw, _ := os.ReadFile(filepath.Join(dir, "exec.log"))
	if !bytes.Contains(raw, []byte(`\u001b]52;`)) && !bytes.Contains(raw, []byte(`\u001b]0;`)) {
		t.Fatalf("the hostile workload wrote no OSC attack; nothing to test")
	}
	out := filepath.Join(t.TempDir(), "typescript")
	for _, args := range []string{"--print --source all", "--print --source all --color never", "--json --source all"} {
		res := shell(t, "script -q -e -c '"+binary+" --dir "+dir+" "+args+"' "+out)
		if res.code != 0 {
			t.Fatalf("%s: exit %d %q", args, res.code, res.stderr)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		body := strings.ReplaceAll(string(b), "\r\n", "\n")
		if i := strings.Index(body, "\n"); strings.HasPrefix(body, "Script started") && i >= 0 {
			body = body[i+1:]
		}
		if i := strings.Index(body, "\nScript done"); i >= 0 {
			body = body[:i+1]
		}
		if strings.Count(body, "\n") < 1000 {
			t.Fatalf("%s: only %d lines on the terminal", args, strings.Count(body, "\n"))
		}
		assertNoTerminalControls(t, "hostile "+args, body, args == "--print --source all")
	}
}
