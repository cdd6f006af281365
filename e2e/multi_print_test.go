package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"sandtail/engine/sim"
)

// homeWith makes a microsandbox home holding sandboxes of the given names
// and returns it with their log directories.
func homeWith(t *testing.T, names ...string) (string, []string) {
	t.Helper()
	home := t.TempDir()
	var dirs []string
	for _, n := range names {
		d := filepath.Join(home, "sandboxes", n, "logs")
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		dirs = append(dirs, d)
	}
	return home, dirs
}

// writeRecords writes exec.log records "text" at t0+ms each.
func writeRecords(t *testing.T, dir string, recs ...any) {
	t.Helper()
	t0 := time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC)
	var b strings.Builder
	for i := 0; i+1 < len(recs); i += 2 {
		b.WriteString(execRecord(t0.Add(time.Duration(recs[i].(int))*time.Millisecond), "stdout", 1, recs[i+1].(string)+"\n"))
	}
	f, err := os.OpenFile(filepath.Join(dir, "exec.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(b.String()); err != nil {
		t.Fatal(err)
	}
}

func TestSeveralSandboxesPrintMergedByTime(t *testing.T) {
	home, dirs := homeWith(t, "alpha", "beta")
	writeRecords(t, dirs[0], 1, "a one", 3, "a three")
	writeRecords(t, dirs[1], 2, "b two")

	res := sandtail(t, nil, "--home", home, "alpha", "beta")
	if res.code != 0 || res.stdout != "alpha | a one\nbeta | b two\nalpha | a three\n" {
		t.Fatalf("plain: exit %d stdout %q stderr %q", res.code, res.stdout, res.stderr)
	}

	res = sandtail(t, nil, "--home", home, "beta", "alpha", "--json")
	var got []string
	for _, l := range strings.Split(strings.TrimSuffix(res.stdout, "\n"), "\n") {
		var e struct {
			Sandbox *string `json:"sandbox"`
			D       string  `json:"d"`
			Cursor  string  `json:"cursor"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil || e.Sandbox == nil {
			t.Fatalf("line %q: %v (no sandbox field?)", l, err)
		}
		got = append(got, *e.Sandbox+":"+strings.TrimSpace(e.D))
		// The cursor is that sandbox's own: it resumes that one alone.
		if e.D == "a one\n" {
			next := sandtail(t, nil, "--home", home, *e.Sandbox, "--from", e.Cursor)
			if next.stdout != "a three\n" {
				t.Fatalf("alpha from a one's cursor: %q %q", next.stdout, next.stderr)
			}
		}
	}
	if strings.Join(got, ",") != "alpha:a one,beta:b two,alpha:a three" {
		t.Fatalf("json: %v", got)
	}

	// One sandbox: the output is what it always was.
	res = sandtail(t, nil, "--home", home, "alpha", "--json")
	if strings.Contains(res.stdout, "sandbox") || !strings.Contains(res.stdout, `"d":"a three\n"`) {
		t.Fatalf("single: %q", res.stdout)
	}
	res = sandtail(t, nil, "--home", home, "alpha")
	if res.stdout != "a one\na three\n" {
		t.Fatalf("single plain: %q", res.stdout)
	}

	// --all reads every sandbox under the home.
	res = sandtail(t, nil, "--home", home, "--all")
	if res.code != 0 || res.stdout != "alpha | a one\nbeta | b two\nalpha | a three\n" {
		t.Fatalf("--all: exit %d %q %q", res.code, res.stdout, res.stderr)
	}
	// A name that is not there fails before anything is printed.
	res = sandtail(t, nil, "--home", home, "alpha", "nope")
	if res.code != 1 || res.stdout != "" || !strings.Contains(res.stderr, "nope") {
		t.Fatalf("missing name: exit %d %q %q", res.code, res.stdout, res.stderr)
	}
}

// A follow of two sandboxes in which one falls behind its rotation (the
// process was stopped while six rotations went by) goes on with both: the
// notice names that sandbox and the command that reads it again, the
// other loses nothing, and the exit status says 3 at the end.
func TestSeveralSandboxesMissedRotationInOneGoesOn(t *testing.T) {
	home, dirs := homeWith(t, "calm", "busy")
	calm := newSim(t, dirs[0], sim.Config{})
	busy := newSim(t, dirs[1], sim.Config{})
	mustExecText(t, calm, "calm 0")
	mustExecText(t, busy, "busy 0")
	r := start(t, nil, "--home", home, "calm", "busy", "--follow")
	waitLines(t, r, "calm | calm 0", "busy | busy 0")

	stopAll(t, []int{r.cmd.Process.Pid})
	for i := range 6 {
		if err := busy.Rotate(sim.ExecLog); err != nil {
			t.Fatal(err)
		}
		mustExecText(t, busy, fmt.Sprintf("busy lost %d", i))
	}
	mustExecText(t, calm, "calm 1")
	contAll(t, []int{r.cmd.Process.Pid})

	waitLines(t, r, "calm | calm 1")
	waitFor(t, liveTimeout, "the notice naming busy", func() bool {
		s := r.Stderr()
		return strings.Contains(s, "sandbox busy: notice") && strings.Contains(s, "missed rotation") &&
			strings.Contains(s, "busy: to read it again from its last line before the gap: sandtail busy --home "+home+" --from ")
	})
	if s := r.Stderr(); strings.Contains(s, "sandbox calm") {
		t.Fatalf("calm is named: %s", s)
	}
	mustExecText(t, calm, "calm 2")
	mustExecText(t, busy, "busy after")
	waitLines(t, r, "calm | calm 2", "busy | busy after")

	r.signal(syscall.SIGINT)
	if _, code := r.wait(liveTimeout); code != 3 {
		t.Fatalf("exit %d, want 3; stderr %s", code, r.Stderr())
	}
	if s := r.Stderr(); !strings.Contains(s, "in sandbox(es) busy") {
		t.Fatalf("the end does not name busy: %s", s)
	}
}

func mustExecText(t *testing.T, sb *sim.Sandbox, text string) {
	t.Helper()
	if err := sb.Exec("stdout", 1, []byte(text+"\n")); err != nil {
		t.Fatal(err)
	}
}

// waitLines reads r's output until every wanted line has come (others may
// come between them), failing after liveTimeout.
func waitLines(t *testing.T, r *running, want ...string) {
	t.Helper()
	left := map[string]bool{}
	for _, w := range want {
		left[w] = true
	}
	deadline := time.Now().Add(liveTimeout)
	for len(left) > 0 {
		l, ok := r.next(time.Until(deadline))
		if !ok {
			t.Fatalf("output ended waiting for %v; stderr %s", left, r.Stderr())
		}
		delete(left, l)
	}
}
