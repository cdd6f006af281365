package e2e

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sandtail/engine"
)

// Fixture paths. alpha has exec.log with two rotated files (chunks split
// across records, a b64 record, malformed lines), runtime.log with a line
// split by its rotation, and kernel.log; beta failed to boot.
var (
	fixtureHome = filepath.Join("testdata", "home")
	alphaDir    = filepath.Join(fixtureHome, "sandboxes", "alpha", "logs")
	hostileDir  = filepath.Join("testdata", "logs", "hostile")
)

// alphaPlain is alpha's default sources (stdout, stderr, output) printed to a
// pipe: chunks joined into lines, bytes as the programs wrote them.
const alphaPlain = "server: listening on :8080\n" +
	"server: GET / 200\n" +
	"worker: job 1 started\n" +
	"worker: job 1 done\n" +
	"worker: warning: slow disk\n" +
	"\x1b[32mbuild ok\x1b[0m\r\n" +
	"\xff\xfebinary\n" +
	"server: GET /health 200\n" +
	"server: GET /metrics 200\n" +
	"panic: index out of range\n" +
	"server: shutting down\n"

func TestHelpAndVersion(t *testing.T) {
	for _, arg := range []string{"-h", "--help"} {
		r := sandtail(t, nil, arg)
		if r.code != 0 || !strings.Contains(r.stdout, "Usage:") || !strings.Contains(r.stdout, "Examples:") || r.stderr != "" {
			t.Fatalf("%s: exit %d stdout %q stderr %q", arg, r.code, r.stdout, r.stderr)
		}
		for _, flag := range []string{"--dir", "--home", "--source", "--since", "--until", "--tail", "--from", "--line", "--follow", "--print", "--json", "--timestamps", "--show-id", "--color", "--version", "--demo", "--buffer", "--mouse"} {
			if !strings.Contains(r.stdout, flag) {
				t.Errorf("help does not mention %s", flag)
			}
		}
		if strings.Contains(r.stdout, "demo-rate") {
			t.Errorf("help shows the hidden --demo-rate")
		}
	}
	r := sandtail(t, nil, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "sandtail ") || !strings.Contains(r.stdout, "go1.") {
		t.Fatalf("--version: exit %d %q", r.code, r.stdout)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{"--bogus"},
		{"alpha", "--home", fixtureHome, "--color", "maybe"},
		{"alpha", "beta", "--from", "AQ=="}, // a cursor belongs to one sandbox
		{"alpha", "--tail", "-3"},
		{"alpha", "--since", "last tuesday"},
		{"--print"}, // print mode without a sandbox
	} {
		r := sandtail(t, nil, args...)
		if r.code != 2 {
			t.Errorf("%q: exit %d, want 2; stderr %q", args, r.code, r.stderr)
		}
		if strings.Count(r.stderr, "\n") != 1 || !strings.Contains(r.stderr, "sandtail --help") || r.stdout != "" {
			t.Errorf("%q: want a one-line hint on stderr, got %q (stdout %q)", args, r.stderr, r.stdout)
		}
	}
}

func TestBadNameIsRefusedBeforeDisk(t *testing.T) {
	// The home does not exist: a name that got as far as the disk would say
	// "no sandbox named"; an invalid one must be refused first.
	for _, name := range []string{"../alpha", "a/b", ".hidden", "x\x1b]0;t\x07"} {
		r := sandtail(t, []string{"MSB_HOME=/nonexistent"}, name, "--print")
		if r.code != 2 || !strings.Contains(r.stderr, "is not a sandbox name") || strings.Contains(r.stderr, "no sandbox named") {
			t.Errorf("%q: exit %d stderr %q", name, r.code, r.stderr)
		}
		if strings.ContainsAny(r.stderr, "\x1b\x07") {
			t.Errorf("%q: raw control bytes in the error: %q", name, r.stderr)
		}
	}
	// ../alpha would resolve to a real directory if it were taken as a path.
	r := sandtail(t, nil, "--home", filepath.Join(fixtureHome, "sandboxes", "alpha"), "../alpha", "--print")
	if r.code != 2 || r.stdout != "" {
		t.Fatalf("../alpha: exit %d stdout %q", r.code, r.stdout)
	}
}

func TestMissingSandboxListsKnownOnes(t *testing.T) {
	abs, _ := filepath.Abs(fixtureHome)
	r := sandtail(t, nil, "ghost", "--home", abs, "--print")
	want := "sandtail: no sandbox named ghost under " + abs + " (--home); known sandboxes: alpha, beta\n"
	if r.code != 1 || r.stderr != want {
		t.Fatalf("exit %d stderr %q, want %q", r.code, r.stderr, want)
	}
	r = sandtail(t, []string{"MSB_HOME=" + abs}, "ghost", "--json")
	if r.code != 1 || !strings.Contains(r.stderr, "("+"MSB_HOME); known sandboxes: alpha, beta") {
		t.Fatalf("MSB_HOME: exit %d stderr %q", r.code, r.stderr)
	}
	r = sandtail(t, []string{"MSB_HOME=/nonexistent/msb"}, "ghost", "--print")
	if r.code != 1 || !strings.Contains(r.stderr, "/nonexistent/msb does not exist") {
		t.Fatalf("missing home: exit %d stderr %q", r.code, r.stderr)
	}
	r = sandtail(t, nil, "--dir", "/nonexistent/logs", "--print")
	if r.code != 1 || !strings.Contains(r.stderr, "no log directory at /nonexistent/logs") {
		t.Fatalf("missing --dir: exit %d stderr %q", r.code, r.stderr)
	}
}

func TestPlainSnapshot(t *testing.T) {
	// By name through --home, and by --dir: the same output. stdout is a
	// pipe, so print mode is chosen without --print.
	for _, args := range [][]string{
		{"alpha", "--home", fixtureHome},
		{"--dir", alphaDir, "--print"},
		{"--home", fixtureHome, "--print", "alpha"},
	} {
		r := sandtail(t, nil, args...)
		if r.code != 0 {
			t.Fatalf("%q: exit %d stderr %q", args, r.code, r.stderr)
		}
		if r.stdout != alphaPlain {
			t.Fatalf("%q: stdout\n%q\nwant\n%q", args, r.stdout, alphaPlain)
		}
		if !strings.Contains(r.stderr, "skipped") {
			t.Errorf("%q: malformed lines not reported: stderr %q", args, r.stderr)
		}
	}
}

func TestPlainPrefixes(t *testing.T) {
	r := sandtail(t, nil, "--dir", alphaDir, "--timestamps", "--show-id")
	if r.code != 0 {
		t.Fatalf("exit %d %q", r.code, r.stderr)
	}
	lines := strings.Split(r.stdout, "\n")
	for i, want := range []string{
		"2026-04-30T20:00:01.000Z [1] server: listening on :8080",
		"2026-04-30T20:00:02.500Z [1] server: GET / 200",
		// A joined line carries its first chunk's time.
		"2026-04-30T20:00:02.000Z [2] worker: job 1 started",
		"2026-04-30T20:00:03.000Z [2] worker: job 1 done",
	} {
		if lines[i] != want {
			t.Errorf("line %d = %q, want %q", i, lines[i], want)
		}
	}
	r = sandtail(t, nil, "--dir", alphaDir, "--show-id", "--source", "system")
	if r.code != 0 || !strings.Contains(r.stdout, "\nsession 2 exited with status 2\n") {
		t.Fatalf("system lines carry no session prefix: exit %d %q", r.code, r.stdout)
	}
}

func TestSourceFlag(t *testing.T) {
	r := sandtail(t, nil, "--dir", alphaDir, "--source", "stderr")
	if want := "worker: warning: slow disk\npanic: index out of range\n"; r.code != 0 || r.stdout != want {
		t.Fatalf("stderr only: exit %d %q", r.code, r.stdout)
	}
	r = sandtail(t, nil, "--dir", alphaDir, "--source", "system")
	for _, want := range []string{
		"sandbox started\n",
		"INFO runtime: booting vm\n",
		// runtime.log's rotation split this line; it is joined again.
		"INFO runtime: network up, a line split by rotation\n",
		"virtio: ready\n",
		"Linux version 6.1",
		"session 2 exited with status 2\n",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("--source system: missing %q in %q", want, r.stdout)
		}
	}
	if strings.Contains(r.stdout, "server:") {
		t.Errorf("--source system printed program output: %q", r.stdout)
	}
	all := sandtail(t, nil, "--dir", alphaDir, "--source", "all", "--json")
	if n := len(parseJSONLines(t, all.stdout)); all.code != 0 || n != 18 {
		t.Fatalf("--source all: exit %d, %d entries, want 18:\n%s", all.code, n, all.stdout)
	}
}

func TestJSONFields(t *testing.T) {
	r := sandtail(t, nil, "--dir", alphaDir, "--json")
	if r.code != 0 {
		t.Fatalf("exit %d %q", r.code, r.stderr)
	}
	es := parseJSONLines(t, r.stdout)
	if len(es) != 11 {
		t.Fatalf("%d entries, want 11:\n%s", len(es), r.stdout)
	}
	first := strings.SplitN(r.stdout, "\n", 2)[0]
	if want := `{"t":"2026-04-30T20:00:01.000Z","s":"stdout","d":"server: listening on :8080\n","id":1,"cursor":"`; !strings.HasPrefix(first, want) {
		t.Fatalf("first line %s\nwant prefix %s", first, want)
	}
	tre := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	var sawB64 bool
	for _, e := range es {
		if !tre.MatchString(e.T) {
			t.Errorf("t %q is not RFC 3339 with milliseconds and Z", e.T)
		}
		if e.ID == nil {
			t.Errorf("program entry without id: %+v", e)
		}
		c, err := engine.ParseCursor(e.Cursor)
		if err != nil || c.Len() != 1 {
			t.Errorf("cursor %q: %v (len %d, want 1 file for the default sources)", e.Cursor, err, c.Len())
		}
		if e.E == "b64" {
			sawB64 = true
			raw, err := base64.StdEncoding.DecodeString(e.D)
			if err != nil || string(raw) != "\xff\xfebinary\n" {
				t.Errorf("b64 entry d=%q decodes to %q, %v", e.D, raw, err)
			}
		}
	}
	if !sawB64 {
		t.Errorf(`no "e":"b64" entry for the invalid UTF-8 record`)
	}
	// System entries have no session: id is omitted.
	r = sandtail(t, nil, "--dir", alphaDir, "--json", "--source", "system")
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if strings.Contains(l, `"id"`) {
			t.Errorf("system entry with an id: %s", l)
		}
		if e := parseJSONLine(t, l); e.S != "system" {
			t.Errorf("s = %q, want system", e.S)
		}
	}
}

func TestTailSinceUntil(t *testing.T) {
	r := sandtail(t, nil, "--dir", alphaDir, "--tail", "2")
	if want := "panic: index out of range\nserver: shutting down\n"; r.code != 0 || r.stdout != want {
		t.Fatalf("--tail 2: exit %d %q", r.code, r.stdout)
	}
	r = sandtail(t, nil, "--dir", alphaDir, "--since", "2026-04-30T20:00:08Z", "--until", "2026-04-30T20:00:11Z", "--json")
	es := parseJSONLines(t, r.stdout)
	var times []string
	for _, e := range es {
		times = append(times, e.T)
	}
	want := []string{"2026-04-30T20:00:08.000Z", "2026-04-30T20:00:08.500Z", "2026-04-30T20:00:09.000Z"}
	if r.code != 0 || strings.Join(times, " ") != strings.Join(want, " ") {
		t.Fatalf("--since/--until: exit %d times %v, want %v", r.code, times, want)
	}
	// A duration ago: the fixture is older than a day, newer than 100000 days.
	r = sandtail(t, nil, "--dir", alphaDir, "--since", "1d")
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("--since 1d: exit %d %q", r.code, r.stdout)
	}
	r = sandtail(t, nil, "--dir", alphaDir, "--since", "99999d", "--until", "30s")
	if r.code != 0 || r.stdout != alphaPlain {
		t.Fatalf("--since 99999d --until 30s: exit %d %q", r.code, r.stdout)
	}
}

func TestFromCursorContinuesExactlyAfter(t *testing.T) {
	all := sandtail(t, nil, "--dir", alphaDir, "--json")
	es := parseJSONLines(t, all.stdout)
	lines := strings.SplitAfter(all.stdout, "\n")
	if len(es) != 11 {
		t.Fatalf("%d entries, want 11: %s", len(es), all.stdout)
	}
	for _, k := range []int{0, 4, 9, len(es) - 1} {
		r := sandtail(t, nil, "--dir", alphaDir, "--json", "--from", es[k].Cursor)
		if want := strings.Join(lines[k+1:], ""); r.code != 0 || r.stdout != want {
			t.Fatalf("--from entry %d's cursor: exit %d stderr %q\n got %s\nwant %s", k, r.code, r.stderr, r.stdout, want)
		}
	}
	// The same works in plain mode, and by name.
	r := sandtail(t, nil, "alpha", "--home", fixtureHome, "--from", es[8].Cursor)
	if want := "panic: index out of range\nserver: shutting down\n"; r.code != 0 || r.stdout != want {
		t.Fatalf("plain --from: exit %d %q %q", r.code, r.stdout, r.stderr)
	}
}

func TestGarbageCursorExit1(t *testing.T) {
	for _, c := range []string{"garbage!!", "AQID", base64.StdEncoding.EncodeToString(make([]byte, 1+16*9))} {
		r := sandtail(t, nil, "--dir", alphaDir, "--from", c)
		if r.code != 1 || !strings.Contains(r.stderr, "cursor") || r.stdout != "" {
			t.Errorf("--from %q: exit %d stdout %q stderr %q", c, r.code, r.stdout, r.stderr)
		}
	}
}

func TestBootErrorShown(t *testing.T) {
	r := sandtail(t, nil, "beta", "--home", fixtureHome)
	if r.code != 0 || !strings.Contains(r.stderr, "sandbox beta failed to start") || !strings.Contains(r.stderr, "stage network, errno 101") || !strings.Contains(r.stderr, "network unreachable") {
		t.Fatalf("exit %d stderr %q", r.code, r.stderr)
	}
	if strings.ContainsAny(r.stderr, "\x1b\x07") {
		t.Fatalf("boot error message reached stderr unsanitised: %q", r.stderr)
	}
}

func TestColorOnPipe(t *testing.T) {
	// To a pipe, auto keeps the bytes as written (a file of the raw log).
	r := sandtail(t, nil, "--dir", hostileDir)
	if r.code != 0 || !strings.Contains(r.stdout, "\x1b]52;c;") {
		t.Fatalf("auto to a pipe changed the bytes: exit %d %q", r.code, r.stdout)
	}
	// --color never / always ask for display text: sanitised.
	for _, mode := range []string{"never", "always"} {
		r := sandtail(t, nil, "--dir", hostileDir, "--color", mode)
		if r.code != 0 {
			t.Fatalf("--color %s: exit %d %q", mode, r.code, r.stderr)
		}
		assertNoTerminalControls(t, "--color "+mode, r.stdout, mode == "always")
		for _, want := range []string{"clipboard", "done", "title", "evil", "ls -la"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("--color %s lost text %q: %q", mode, want, r.stdout)
			}
		}
	}
	r = sandtail(t, []string{"NO_COLOR=1"}, "--dir", hostileDir, "--color", "always")
	if !strings.Contains(r.stdout, "\x1b[") {
		t.Errorf("--color always beats NO_COLOR, but no SGR in %q", r.stdout)
	}
}

// assertNoTerminalControls fails if out holds anything a terminal acts on
// other than (when sgrOK) SGR sequences ESC [ … m.
func assertNoTerminalControls(t *testing.T, what, out string, sgrOK bool) {
	t.Helper()
	s := out
	if sgrOK {
		s = regexp.MustCompile(`\x1b\[[0-9;:]*m`).ReplaceAllString(s, "")
	}
	for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e", "\r"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s: output contains %q: %q", what, bad, out)
		}
	}
}

func TestPrintToTerminalIsSanitised(t *testing.T) {
	if _, err := os.Stat("/usr/bin/script"); err != nil {
		t.Skip("script(1) from util-linux is needed to give sandtail a terminal")
	}
	out := filepath.Join(t.TempDir(), "typescript")
	for _, args := range []string{"--print", "--print --color never", "--print NO_COLOR"} {
		env := ""
		if a, ok := strings.CutSuffix(args, " NO_COLOR"); ok {
			args, env = a, "NO_COLOR=1 "
		}
		cmd := env + "script -q -e -c '" + binary + " --dir " + hostileDir + " " + args + "' " + out
		res := shell(t, cmd)
		if res.code != 0 {
			t.Fatalf("%s: exit %d %q", cmd, res.code, res.stderr)
		}
		raw, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		// script(1) records its own header line and turns \n into \r\n.
		body := strings.ReplaceAll(string(raw), "\r\n", "\n")
		if i := strings.Index(body, "\n"); strings.HasPrefix(body, "Script started") && i >= 0 {
			body = body[i+1:]
		}
		if i := strings.Index(body, "\nScript done"); i >= 0 {
			body = body[:i+1]
		}
		colour := env == "" && args == "--print"
		assertNoTerminalControls(t, "terminal "+env+args, body, colour)
		if colour != strings.Contains(body, "\x1b[31m") {
			t.Errorf("terminal %s%s: colour %v expected, output %q", env, args, colour, body)
		}
		if !strings.Contains(body, "clipboard") || !strings.Contains(body, "ls -la") {
			t.Errorf("terminal %s lost text: %q", args, body)
		}
	}
}

// shell runs a bash command line with the test environment.
func shell(t *testing.T, line string) result {
	t.Helper()
	return runCmd(t, nil, "bash", "-c", line)
}
