package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sandtail/resumecmd"
)

// timelineBase is the time of the first line of the timeline fixtures.
var timelineBase = time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC)

// execRecord is one exec.log record as microsandbox writes it.
func timelineRecord(t time.Time, src, data string) string {
	ts := t.UTC().Format("2006-01-02T15:04:05.000Z")
	if src == "system" {
		return fmt.Sprintf(`{"t":"%s","s":"system","d":%q}`+"\n", ts, data)
	}
	return fmt.Sprintf(`{"t":"%s","s":"%s","d":%q,"id":1}`+"\n", ts, src, data)
}

// writeRuns writes a log directory with two runs: lines line-00 … line-19 a
// minute apart from timelineBase, "started" at minute 5, "stopped" at 12
// and "started" again at 13, each just before the line of its minute.
func writeRuns(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i := 0; i < 20; i++ {
		at := timelineBase.Add(time.Duration(i) * time.Minute)
		switch i {
		case 5, 13:
			b.WriteString(timelineRecord(at, "system", "--- sandbox started ---\n"))
		case 12:
			b.WriteString(timelineRecord(at.Add(-time.Second), "system", "--- sandbox stopped ---\n"))
		}
		b.WriteString(timelineRecord(at, "stdout", fmt.Sprintf("line-%02d\n", i)))
	}
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestTimelineRestartsGoToAndFooter: the restarts are drawn as dividers
// with their run number though system lines are off, { and } go between
// them, the footer shows the selected line's date, zone and position, T
// switches to UTC, and @ goes to each accepted form of time or says the
// time is outside the history.
func TestTimelineRestartsGoToAndFooter(t *testing.T) {
	t.Parallel()
	dir := writeRuns(t)
	env := []string{"TZ=Asia/Tokyo", "XDG_STATE_HOME=" + t.TempDir()}
	p := openPane(t, env, 110, 34, "--dir", dir)
	p.waitText("sandbox started · 2026-05-01 05:05:00.000 JST · run 1",
		"sandbox stopped · 2026-05-01 05:11:59.000 JST · run 1",
		"sandbox started · 2026-05-01 05:13:00.000 JST · run 2",
		"2026-05-01 05:19:00.000 JST · line 23 of 23")
	step := func(keys, want string) {
		t.Helper()
		if keys == "enter" {
			p.keys("Enter")
		} else {
			p.text(keys)
		}
		p.waitText(want)
	}
	step("{", "2026-05-01 05:13:00.000 JST · line 16 of 23")
	step("{", "2026-05-01 05:11:59.000 JST · line 14 of 23")
	step("{", "2026-05-01 05:05:00.000 JST · line 6 of 23")
	step("{", "no restart above")
	step("}", "2026-05-01 05:11:59.000 JST · line 14 of 23")
	step("T", "2026-04-30 20:11:59.000 UTC · line 14 of 23")
	step("T", "2026-05-01 05:11:59.000 JST · line 14 of 23")

	// @ with RFC 3339, a clock time on the selected line's day (in the
	// view's zone), and a duration back from the newest line.
	step("@", "go to time:")
	p.text("2026-04-30T20:07:30Z")
	step("enter", "2026-05-01 05:08:00.000 JST · line 10 of 23")
	step("@", "go to time:")
	p.text("05:10")
	step("enter", "2026-05-01 05:10:00.000 JST · line 12 of 23")
	step("@", "go to time:")
	p.text("05:16:00.000")
	step("enter", "2026-05-01 05:16:00.000 JST · line 20 of 23")
	step("@", "go to time:")
	typeLiteral(p, "-3m")
	step("enter", "2026-05-01 05:16:00.000 JST · line 20 of 23")
	step("@", "go to time:")
	typeLiteral(p, "-1m")
	step("enter", "2026-05-01 05:18:00.000 JST · line 22 of 23")
	// Outside the history: said, and the selection stays.
	step("@", "go to time:")
	typeLiteral(p, "-2h")
	step("enter", "outside the history: before the oldest line on disk")
	p.waitText("2026-05-01 05:18:00.000 JST · line 22 of 23")
	p.text("q")
	if code := p.exitStatus(); code != 0 {
		t.Fatalf("exit status %d; stderr: %s", code, p.stderr())
	}
}

// rotateExec renames exec.log.k to .k+1 (the oldest is dropped past .4)
// and exec.log to exec.log.1, and writes a new exec.log holding s: what
// microsandbox's rotating writer does.
func rotateExec(t *testing.T, dir, s string) {
	t.Helper()
	for k := 4; k >= 1; k-- {
		from := filepath.Join(dir, fmt.Sprintf("exec.log.%d", k))
		if _, err := os.Stat(from); err != nil {
			continue
		}
		if k == 4 {
			os.Remove(from)
			continue
		}
		if err := os.Rename(from, filepath.Join(dir, fmt.Sprintf("exec.log.%d", k+1))); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Rename(filepath.Join(dir, "exec.log"), filepath.Join(dir, "exec.log.1")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestMarksSurviveRotationAndRestart: a line marked in one sandtail is
// still marked in the next, after its file has become exec.log.3; ' goes
// to it, M lists it and Enter goes there; --marks prints it alone; once
// its file has left retention M lists it as gone.
func TestMarksSurviveRotationAndRestart(t *testing.T) {
	t.Parallel()
	dir := writeRuns(t)
	env := []string{"TZ=UTC", "XDG_STATE_HOME=" + t.TempDir()}
	p := openPane(t, env, 110, 34, "--dir", dir)
	p.waitText("line 23 of 23")
	p.text("@")
	p.waitText("go to time:")
	p.text("20:03")
	p.keys("Enter")
	p.waitText("2026-04-30 20:03:00.000 UTC · line 4 of 23")
	p.text("m")
	p.waitText("marked (1 mark in this sandbox)")
	p.waitMatch(`◆out line-03`)
	p.text("q")
	if code := p.exitStatus(); code != 0 {
		t.Fatalf("exit status %d; stderr: %s", code, p.stderr())
	}

	// Three rotations: the marked line's file is exec.log.3 now.
	for k := 0; k < 3; k++ {
		rotateExec(t, dir, timelineRecord(timelineBase.Add(time.Duration(30+k)*time.Minute), "stdout", fmt.Sprintf("after-rotation-%d\n", k)))
	}
	q := openPane(t, env, 110, 34, "--dir", dir)
	q.waitText("after-rotation-2", "line 26 of 26")
	q.waitMatch(`◆out line-03`)
	q.text("'")
	q.waitText("2026-04-30 20:03:00.000 UTC · line 4 of 26")
	q.text("G")
	q.text("M")
	q.waitText("Marks (1)", "line-03")
	q.keys("Enter")
	q.waitText("2026-04-30 20:03:00.000 UTC · line 4 of 26")
	q.text("q")
	if code := q.exitStatus(); code != 0 {
		t.Fatalf("exit status %d; stderr: %s", code, q.stderr())
	}

	// Print mode prints the marked line alone.
	r := sandtail(t, env, "--dir", dir, "--marks")
	if r.code != 0 || r.stdout != "line-03\n" {
		t.Fatalf("--marks: status %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = sandtail(t, env, "--dir", dir, "--marks", "--json")
	if r.code != 0 || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, `"d":"line-03\n"`) {
		t.Fatalf("--marks --json: status %d, stdout %q", r.code, r.stdout)
	}

	// Two more rotations: exec.log.3 went past exec.log.4 and is gone.
	for k := 3; k < 5; k++ {
		rotateExec(t, dir, timelineRecord(timelineBase.Add(time.Duration(30+k)*time.Minute), "stdout", fmt.Sprintf("after-rotation-%d\n", k)))
	}
	g := openPane(t, env, 110, 34, "--dir", dir)
	g.waitText("after-rotation-4")
	g.text("M")
	g.waitText("Marks (1)", "gone (its file left retention)", "line-03")
	g.keys("Enter")
	g.waitText("that mark's line is gone")
	g.text("q")
	if code := g.exitStatus(); code != 0 {
		t.Fatalf("exit status %d; stderr: %s", code, g.stderr())
	}
}

// typeLiteral types s literally, even when it starts with '-' (which tmux
// would take for a flag).
func typeLiteral(p *pane, s string) {
	p.t.Helper()
	p.tmux("send-keys", "-t", "e2e", "-l", "--", s)
}

// TestRestartDividersWhileFollowing: the simulator stops and starts the
// sandbox while the viewer follows; the dividers appear live, the "stopped"
// one without a run number (its start is not in the history) and the
// "started" one as run 1.
func TestRestartDividersWhileFollowing(t *testing.T) {
	t.Parallel()
	p := newPane(t, 110, 24)
	sb := newSandbox(t, p.home, "cycle")
	write(t, sb, "stdout", 1, "first-run-output\n")
	p.run(fmt.Sprintf("TZ=UTC XDG_STATE_HOME=%s %s --home %s cycle", resumecmd.Quote(t.TempDir()), resumecmd.Quote(binary), resumecmd.Quote(p.home)))
	p.waitText("first-run-output")
	if err := sb.Stopped(); err != nil {
		t.Fatal(err)
	}
	if err := sb.Started(); err != nil {
		t.Fatal(err)
	}
	write(t, sb, "stdout", 1, "second-run-output\n")
	screen := p.waitText("second-run-output", "── sandbox stopped · ", "── sandbox started · ")
	for _, row := range strings.Split(screen, "\n") {
		if strings.Contains(row, "sandbox stopped") && strings.Contains(row, "run ") {
			t.Fatalf("a stop whose start is not in the history has a run number: %q", row)
		}
	}
	p.waitMatch(`sandbox started · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC · run 1 ─`)
	p.text("{")
	p.waitMatch(`▌── sandbox started`)
	p.text("q")
	p.waitText(strings.TrimSpace(prompt))
}

// TestTwoSandtailsKeepEachOthersMarks: two viewers on one sandbox, both
// open before either marks; each marks a line, and neither loses the
// other's: the list shows both and --marks prints both.
func TestTwoSandtailsKeepEachOthersMarks(t *testing.T) {
	t.Parallel()
	dir := writeRuns(t)
	env := []string{"TZ=UTC", "XDG_STATE_HOME=" + t.TempDir()}
	a := openPane(t, env, 110, 30, "--dir", dir)
	b := openPane(t, env, 110, 30, "--dir", dir)
	a.waitText("line 23 of 23")
	b.waitText("line 23 of 23")
	mark := func(p *pane, clock, want string) {
		t.Helper()
		p.text("@")
		p.waitText("go to time:")
		p.text(clock)
		p.keys("Enter")
		p.waitText(want)
		p.text("m")
		p.waitText("marked (")
	}
	mark(a, "20:03", "2026-04-30 20:03:00.000 UTC · line 4 of 23")
	mark(b, "20:07", "2026-04-30 20:07:00.000 UTC · line 9 of 23")
	a.text("M")
	a.waitText("Marks (2)", "line-03", "line-07")
	r := sandtail(t, env, "--dir", dir, "--marks")
	if r.code != 0 || r.stdout != "line-03\nline-07\n" {
		t.Fatalf("--marks: status %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestMarkOlderThanTheBuffer: with --buffer 5 the marked line is not held;
// M lists it as older than the lines held, and Enter reads the log where
// it is and selects it.
func TestMarkOlderThanTheBuffer(t *testing.T) {
	t.Parallel()
	dir := writeRuns(t)
	env := []string{"TZ=UTC", "XDG_STATE_HOME=" + t.TempDir()}
	p := openPane(t, env, 110, 30, "--dir", dir)
	p.waitText("line 23 of 23")
	p.text("@")
	p.waitText("go to time:")
	p.text("20:03")
	p.keys("Enter")
	p.waitText("2026-04-30 20:03:00.000 UTC · line 4 of 23")
	p.text("m")
	p.waitText("marked (")
	p.text("q")
	p.exitStatus()

	q := openPane(t, env, 110, 30, "--dir", dir, "--buffer", "5")
	q.waitText("line-19", "entry 23 of 23")
	q.text("M")
	q.waitText("Marks (1)", "[older than the lines held] line-03")
	q.keys("Enter")
	q.waitText("◆out line-03", "2026-04-30 20:03:00.000 UTC · entry 4 of 23")
}
