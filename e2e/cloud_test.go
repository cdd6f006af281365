package e2e

import (
	"fmt"
	"strings"
	"testing"

	"sandtail/cloud/cloudtest"
	"sandtail/engine"
)

// cloudEnv points the binary at a fake cloud with its key.
func cloudEnv(srv *cloudtest.Server) []string {
	return []string{"MSB_API_URL=" + srv.URL, "MSB_API_KEY=" + cloudtest.Key}
}

// waitConnected waits until the fake has received n log requests.
func waitConnected(t *testing.T, srv *cloudtest.Server, n int) {
	t.Helper()
	waitFor(t, liveTimeout, fmt.Sprintf("%d log connection(s)", n), func() bool { return len(srv.Requests()) >= n })
}

// nextLine waits for the next line of output.
func nextLine(t *testing.T, r *running) string {
	t.Helper()
	l, ok := r.next(liveTimeout)
	if !ok {
		t.Fatalf("no output line; stderr: %s", r.Stderr())
	}
	return l
}

func TestCloudPrintFollowsAndEnds(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	r := start(t, cloudEnv(srv), "--cloud", "devbox")
	waitConnected(t, srv, 1)
	box.Write(engine.Stdout, "hello from the cloud\n")
	box.Write(engine.Stderr, "an error line\n")
	if l := nextLine(t, r); l != "hello from the cloud" {
		t.Fatalf("first line %q", l)
	}
	if l := nextLine(t, r); l != "an error line" {
		t.Fatalf("second line %q", l)
	}
	box.End()
	rest, code := r.wait(liveTimeout)
	if code != 0 || len(rest) != 0 || !strings.Contains(r.Stderr(), "the stream ended") {
		t.Errorf("exit %d, rest %q, stderr %q", code, rest, r.Stderr())
	}
}

// TestCloudJSONCarriesCursorsAndResumesWithoutRepeats: --json entries carry
// the server's cursors; a connection cut mid-event is made again with the
// last cursor, and every entry is printed once; --from starts after a
// cursor.
func TestCloudJSONCarriesCursorsAndResumesWithoutRepeats(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	srv.DropNext(2, 1)
	r := start(t, cloudEnv(srv), "--cloud", "devbox", "--json", "--source", "all")
	waitConnected(t, srv, 1)
	for i := range 6 {
		box.Write(engine.Stdout, fmt.Sprintf("n%d\n", i))
	}
	for i := range 6 {
		e := parseJSONLine(t, nextLine(t, r))
		if e.D != fmt.Sprintf("n%d\n", i) || e.Cursor != cloudtest.Cursor(i, engine.AllSources).String() {
			t.Fatalf("entry %d: %+v", i, e)
		}
	}
	reqs := srv.Requests()
	if len(reqs) < 3 || reqs[1].LastEventID != cloudtest.Cursor(1, engine.AllSources).String() || reqs[2].LastEventID != cloudtest.Cursor(2, engine.AllSources).String() {
		t.Errorf("requests %+v", reqs)
	}
	if !strings.Contains(r.Stderr(), "reconnecting (1)") || !strings.Contains(r.Stderr(), "reconnected") {
		t.Errorf("stderr does not tell the reconnects: %q", r.Stderr())
	}
	box.End()
	if rest, code := r.wait(liveTimeout); code != 0 || len(rest) != 0 {
		t.Errorf("exit %d, rest %q", code, rest)
	}

	// From the third entry's cursor on: the fourth, fifth and sixth.
	from := cloudtest.Cursor(2, engine.AllSources).String()
	res := sandtail(t, cloudEnv(srv), "--cloud", "devbox", "--json", "--from", from)
	es := parseJSONLines(t, res.stdout)
	if res.code != 0 || len(es) != 3 || es[0].D != "n3\n" || es[2].D != "n5\n" {
		t.Errorf("--from: exit %d, %+v, stderr %s", res.code, es, res.stderr)
	}
	if got := srv.Requests()[len(srv.Requests())-1]; got.LastEventID != from || got.Sources != "stdout,stderr,output,system" {
		t.Errorf("--from request %+v: the cursor's sources are all four", got)
	}
}

// TestCloudTextIsSanitised: escape sequences in the server's text never
// reach a terminal: --json escapes them, and --color never prints them as
// visible text.
func TestCloudTextIsSanitised(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	box.Write(engine.Stdout, "\x1b]52;c;ZXZpbA==\x07\x1b[2Jvisible\n")
	box.End()
	from := cloudtest.Cursor(-1, engine.DefaultSources).String()
	res := sandtail(t, cloudEnv(srv), "--cloud", "devbox", "--json", "--from", from)
	if strings.ContainsRune(res.stdout, 0x1b) || !strings.Contains(res.stdout, `\u001b]52`) {
		t.Errorf("--json: %q", res.stdout)
	}
	res = sandtail(t, cloudEnv(srv), "--cloud", "devbox", "--color", "never", "--from", from)
	if strings.ContainsRune(res.stdout, 0x1b) || !strings.Contains(res.stdout, "visible") {
		t.Errorf("--color never: %q", res.stdout)
	}
}

func TestCloudErrors(t *testing.T) {
	srv := cloudtest.New(t)
	srv.PageSize = 1
	srv.Add("devbox", "running")
	srv.Add("web", "stopped")

	res := sandtail(t, []string{"MSB_API_URL=" + srv.URL}, "--cloud", "devbox")
	if res.code != 2 || !strings.Contains(res.stderr, "MSB_API_KEY") {
		t.Errorf("no key: exit %d, %q", res.code, res.stderr)
	}
	res = sandtail(t, cloudEnv(srv), "--cloud", "devbx")
	if res.code != 1 || !strings.Contains(res.stderr, `no such cloud sandbox "devbx"`) || !strings.Contains(res.stderr, "devbox (running), web (stopped)") {
		t.Errorf("unknown name: exit %d, %q", res.code, res.stderr)
	}
	res = sandtail(t, []string{"MSB_API_URL=" + srv.URL, "MSB_API_KEY=msb_wrong"}, "--cloud", "devbox")
	if res.code != 1 || !strings.Contains(res.stderr, "refused the API key") || !strings.Contains(res.stderr, "401") {
		t.Errorf("wrong key: exit %d, %q", res.code, res.stderr)
	}
	res = sandtail(t, cloudEnv(srv), "--cloud", "web")
	if res.code != 1 || !strings.Contains(res.stderr, "is stopped") {
		t.Errorf("stopped sandbox: exit %d, %q", res.code, res.stderr)
	}
	for _, args := range [][]string{{"--tail", "10"}, {"--until", "5m"}, {"--since", "5m"}} {
		res = sandtail(t, cloudEnv(srv), append([]string{"--cloud", "devbox"}, args...)...)
		if res.code != 2 || !strings.Contains(res.stderr, "the cloud keeps none") {
			t.Errorf("%v: exit %d, %q", args, res.code, res.stderr)
		}
	}
}

// TestCloudTLS: the binary verifies the server's certificate against the
// system's authorities, which SSL_CERT_FILE replaces.
func TestCloudTLS(t *testing.T) {
	srv := cloudtest.NewTLS(t)
	box := srv.Add("devbox", "running")
	box.Write(engine.Stdout, "secure\n")
	box.End()
	from := cloudtest.Cursor(-1, engine.DefaultSources).String()
	res := sandtail(t, append(cloudEnv(srv), "SSL_CERT_FILE=/nonexistent", "SSL_CERT_DIR=/nonexistent"), "--cloud", "devbox", "--from", from)
	if res.code != 1 || !strings.Contains(res.stderr, "certificate") {
		t.Errorf("untrusted CA: exit %d, %q", res.code, res.stderr)
	}
	ca := srv.WriteCA(t, t.TempDir())
	res = sandtail(t, append(cloudEnv(srv), "SSL_CERT_FILE="+ca), "--cloud", "devbox", "--from", from)
	if res.code != 0 || res.stdout != "secure\n" {
		t.Errorf("trusted CA: exit %d, %q, %q", res.code, res.stdout, res.stderr)
	}
}

// TestCloudViewer: the viewer opens a cloud sandbox live and says so,
// shows lines as they come, "reconnecting (n)" while the server is away,
// and goes on after it without losing the lines written meanwhile.
func TestCloudViewer(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	p := openPane(t, cloudEnv(srv), 100, 20, "--cloud", "devbox")
	p.waitText("devbox", "cloud", "LIVE", "keeps no history")
	waitConnected(t, srv, 1)
	box.Write(engine.Stdout, "first cloud line\n")
	p.waitText("first cloud line")
	srv.FailNext(503, 503)
	srv.DropConnections()
	p.waitText("reconnecting (")
	box.Write(engine.Stderr, "written during the outage\n")
	p.waitText("written during the outage")
	p.waitText("LIVE")
	// Y copies the command that opens the selected line: the newest.
	p.keys("Y")
	p.waitText("sandtail --cloud devbox --from", cloudtest.Cursor(0, engine.AllSources).String())
	reqs := srv.Requests()
	if last := reqs[len(reqs)-1]; last.LastEventID != cloudtest.Cursor(0, engine.AllSources).String() {
		t.Errorf("resumed with %q", last.LastEventID)
	}
	box.End()
	p.waitText("ENDED", "the stream ended")
	p.keys("q")
	if code := p.exitStatus(); code != 0 {
		t.Errorf("exit %d: %s", code, p.stderr())
	}
}

// TestCloudPicker: --cloud alone lists the cloud sandboxes with their
// status, and Enter opens one.
func TestCloudPicker(t *testing.T) {
	srv := cloudtest.New(t)
	srv.PageSize = 1
	box := srv.Add("devbox", "running")
	srv.Add("web", "stopped")
	p := openPane(t, cloudEnv(srv), 100, 20, "--cloud")
	p.waitText("pick a cloud sandbox", "devbox", "running", "web", "stopped")
	p.keys("Down", "Enter")
	p.waitText("cannot open web", "stopped")
	p.keys("Up", "Enter")
	p.waitText("keeps no history")
	waitConnected(t, srv, 1)
	box.Write(engine.Stdout, "picked\n")
	p.waitText("picked")
	p.keys("q")
	if code := p.exitStatus(); code != 0 {
		t.Errorf("exit %d: %s", code, p.stderr())
	}
}

// TestCloudViewerFromCursor: a command copied with Y opens the partner's
// viewer at that line, not following, as for a local sandbox.
func TestCloudViewerFromCursor(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	for i := range 5 {
		box.Write(engine.Stdout, fmt.Sprintf("record %d\n", i))
	}
	p := openPane(t, cloudEnv(srv), 100, 20, "--cloud", "devbox", "--from", cloudtest.Cursor(1, engine.AllSources).String())
	p.waitText("▌out record 2", "record 4", "PAUSED")
	if s := p.screenText(); strings.Contains(s, "record 1") {
		t.Errorf("the line before the cursor is shown:\n%s", s)
	}
	box.Write(engine.Stdout, "record 5\n")
	p.waitText("1 new")
	p.keys("q")
	if code := p.exitStatus(); code != 0 {
		t.Errorf("exit %d: %s", code, p.stderr())
	}
}

// TestCloudViewerRefusalQuits: a sandbox that cannot be read at all ends
// the viewer with the reason, as a missing local sandbox does.
func TestCloudViewerRefusalQuits(t *testing.T) {
	srv := cloudtest.New(t)
	srv.Add("web", "stopped")
	p := openPane(t, cloudEnv(srv), 100, 20, "--cloud", "web")
	if code := p.exitStatus(); code != 1 || !strings.Contains(p.stderr(), "is stopped") {
		t.Errorf("exit %d: %s", code, p.stderr())
	}
}

// TestCloudViewerUnreachableQuits: a cloud that cannot be reached at start
// ends the viewer with the address to check, instead of an empty screen.
func TestCloudViewerUnreachableQuits(t *testing.T) {
	srv := cloudtest.New(t)
	url := srv.URL
	srv.Close()
	p := openPane(t, []string{"MSB_API_URL=" + url, "MSB_API_KEY=" + cloudtest.Key}, 100, 20, "--cloud", "devbox")
	if code := p.exitStatus(); code != 1 || !strings.Contains(p.stderr(), "cannot reach the cloud at "+url) {
		t.Errorf("exit %d: %s", code, p.stderr())
	}
}
