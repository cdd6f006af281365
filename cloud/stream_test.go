package cloud_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	"sandtail/cloud"
	"sandtail/cloud/cloudtest"
	"sandtail/engine"
)

// fastConfig reaches srv with reconnects that do not wait long.
func fastConfig(srv *cloudtest.Server) cloud.Config {
	return cloud.Config{URL: srv.URL, Key: cloudtest.Key, Backoff: cloud.Backoff{Min: time.Millisecond, Max: 5 * time.Millisecond}}
}

// collect reads until n entries arrived, failing after a generous deadline.
func collect(t *testing.T, s *cloud.Stream, n int) []engine.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var out []engine.Entry
	for len(out) < n {
		es, err := s.Next(ctx, 100)
		out = append(out, es...)
		if err != nil {
			t.Fatalf("after %d of %d entries: %v", len(out), n, err)
		}
	}
	return out
}

// texts are the entries' data.
func texts(es []engine.Entry) string {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(string(e.Data))
	}
	return b.String()
}

// waitFor polls cond until it holds, failing after a generous deadline.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func open(t *testing.T, cfg cloud.Config, name string, opts cloud.StreamOptions) *cloud.Stream {
	t.Helper()
	s, err := cloud.New(cfg).Open(context.Background(), name, opts)
	if err != nil {
		t.Fatalf("open %s: %v", name, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStreamReadsLiveEntriesWithCursors(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	box.Write(engine.Stdout, "before open\n") // the stream starts now: not read
	s := open(t, fastConfig(srv), "devbox", cloud.StreamOptions{Sources: engine.AllSources})
	box.Write(engine.Stdout, "one\n")
	box.Write(engine.Stderr, "two\n")
	box.Write(engine.System, "three\n")
	es := collect(t, s, 3)
	if got := texts(es); got != "one\ntwo\nthree\n" {
		t.Fatalf("read %q", got)
	}
	if es[1].Source != engine.Stderr || es[2].Source != engine.System {
		t.Errorf("sources %v %v", es[1].Source, es[2].Source)
	}
	if es[2].Cursor != cloudtest.Cursor(3, engine.AllSources) {
		t.Errorf("cursor %s, want the record's own", es[2].Cursor)
	}
	if !es[0].Time.Equal(time.Date(2026, 5, 31, 10, 0, 0, int(time.Millisecond), time.UTC)) {
		t.Errorf("time %v", es[0].Time)
	}
	req := srv.Requests()[0]
	if req.Accept != "text/event-stream" || req.Auth != "Bearer "+cloudtest.Key || req.Sources != "stdout,stderr,output,system" || req.LastEventID != "" {
		t.Errorf("request %+v", req)
	}
}

func TestStreamFromCursorSendsLastEventID(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	for i := range 5 {
		box.Write(engine.Stdout, fmt.Sprintf("line %d\n", i))
	}
	from := cloudtest.Cursor(1, engine.DefaultSources)
	s := open(t, fastConfig(srv), "devbox", cloud.StreamOptions{From: from})
	if got := texts(collect(t, s, 3)); got != "line 2\nline 3\nline 4\n" {
		t.Fatalf("read %q", got)
	}
	if got := srv.Requests()[0].LastEventID; got != from.String() {
		t.Errorf("Last-Event-ID %q, want %q", got, from)
	}
	if got := srv.Requests()[0].Sources; got != "stdout,stderr,output" {
		t.Errorf("sources %q: the default set", got)
	}
}

// TestStreamResumesAfterDropsWithoutLossOrRepeat: connections cut in the
// middle of an event, again and again, and a server answering 503 in
// between: every entry arrives once, in order, and each reconnect names
// the last cursor received.
func TestStreamResumesAfterDropsWithoutLossOrRepeat(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	srv.DropNext(2, 0, 3)
	srv.FailNext() // none yet
	s := open(t, fastConfig(srv), "devbox", cloud.StreamOptions{})
	var want strings.Builder
	for i := range 20 {
		line := fmt.Sprintf("entry %02d\n", i)
		want.WriteString(line)
		box.Write(engine.Stdout, line)
	}
	got := collect(t, s, 20)
	if texts(got) != want.String() {
		t.Fatalf("read:\n%s\nwant:\n%s", texts(got), want.String())
	}
	reqs := srv.Requests()
	if len(reqs) < 4 {
		t.Fatalf("%d connections, want 4 (three dropped)", len(reqs))
	}
	// The first connection delivered entries 0 and 1; the second none;
	// the third 2, 3, 4.
	if reqs[1].LastEventID != cloudtest.Cursor(1, engine.DefaultSources).String() ||
		reqs[2].LastEventID != cloudtest.Cursor(1, engine.DefaultSources).String() ||
		reqs[3].LastEventID != cloudtest.Cursor(4, engine.DefaultSources).String() {
		t.Errorf("Last-Event-IDs %q %q %q", reqs[1].LastEventID, reqs[2].LastEventID, reqs[3].LastEventID)
	}
	if s.Skipped() != 0 {
		t.Errorf("skipped %d: a cut-off event is not malformed", s.Skipped())
	}
}

func TestStreamSaysReconnectingAndRecovers(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	cfg := fastConfig(srv)
	s := open(t, cfg, "devbox", cloud.StreamOptions{})
	box.Write(engine.Stdout, "first ")
	collect(t, s, 1)
	srv.FailNext(503, 502, 500)
	srv.DropConnections()
	box.Write(engine.Stdout, "x") // written during the outage
	// The drop, then three failed attempts: the state counts them.
	seen := 0
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got []engine.Entry
	for len(got) == 0 {
		es, err := s.Next(ctx, 10)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, es...)
		seen = max(seen, s.State().Reconnecting)
	}
	if seen < 2 || s.State().Reconnecting != 0 {
		t.Errorf("reconnect attempts seen %d (want several), now %d (want 0: connected)", seen, s.State().Reconnecting)
	}
	if texts(got) != "x" {
		t.Errorf("read %q", texts(got))
	}
}

// TestReconnectWithoutCursorMarksAGap: before any line arrived there is
// no cursor to resume at, so the reconnect starts from now, and the gap
// is marked instead of passing silently.
func TestReconnectWithoutCursorMarksAGap(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	s := open(t, fastConfig(srv), "devbox", cloud.StreamOptions{})
	srv.FailNext(503)
	srv.DropConnections()
	waitFor(t, "the reconnect", func() bool { return len(srv.Requests()) >= 3 })
	box.Write(engine.Stdout, "after\n")
	es := collect(t, s, 2)
	if es[0].Mark != engine.MarkGap || !strings.Contains(string(es[0].Data), "without a cursor") || string(es[1].Data) != "after\n" {
		t.Errorf("entries %+v", es)
	}
}

func TestStreamEndsAtEndEvent(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	s := open(t, fastConfig(srv), "devbox", cloud.StreamOptions{})
	box.Write(engine.Stdout, "last words\n")
	box.End()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got []engine.Entry
	for {
		es, err := s.Next(ctx, 10)
		got = append(got, es...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if texts(got) != "last words\n" {
		t.Errorf("read %q", texts(got))
	}
	if _, err := s.Next(ctx, 10); !errors.Is(err, io.EOF) {
		t.Errorf("after the end: %v", err)
	}
}

func TestStreamUntilAndSince(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	for i := range 6 {
		box.Write(engine.Stdout, fmt.Sprint(i))
	}
	base := time.Date(2026, 5, 31, 10, 0, 0, 0, time.UTC)
	s := open(t, fastConfig(srv), "devbox", cloud.StreamOptions{
		From:  cloudtest.Cursor(-1, engine.DefaultSources),
		Since: base.Add(2 * time.Millisecond), Until: base.Add(4 * time.Millisecond),
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var got []engine.Entry
	for {
		es, err := s.Next(ctx, 10)
		got = append(got, es...)
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatal(err)
			}
			break
		}
	}
	if texts(got) != "23" {
		t.Errorf("read %q, want the entries at 2 and 3 ms", texts(got))
	}
}

// TestStreamHostileServer: an endless line, a huge event, malformed JSON,
// an unknown source, a bad time, an id that is no cursor, and text full of
// escape sequences: the malformed ones are counted and skipped, memory
// stays within the caps, the text comes through as bytes (the front-ends
// sanitise it), and the stream goes on.
func TestStreamHostileServer(t *testing.T) {
	srv := cloudtest.New(t)
	srv.Add("devbox", "running")
	ts := time.Date(2026, 5, 31, 10, 0, 0, 0, time.UTC)
	good := cloudtest.Cursor(0, engine.DefaultSources).String()
	srv.RawNext(func(w io.Writer, flush func(), _ <-chan struct{}) {
		io.WriteString(w, "event: log\ndata: ")
		chunk := strings.Repeat("A", 64<<10)
		for range 64 { // 4 MiB on one line
			io.WriteString(w, chunk)
		}
		io.WriteString(w, "\n\nevent: log\n")
		for range 64 { // 4 MiB of data lines, no blank line
			io.WriteString(w, "data: "+chunk+"\n")
		}
		io.WriteString(w, "\n")
		io.WriteString(w, "event: log\ndata: {not json\n\n")
		io.WriteString(w, "event: log\ndata: {\"source\":\"stdin\",\"ts\":\"2026-05-31T10:00:00Z\",\"text\":\"x\"}\n\n")
		io.WriteString(w, "event: log\ndata: {\"source\":\"stdout\",\"ts\":\"yesterday\",\"text\":\"x\"}\n\n")
		io.WriteString(w, "event: log\nid: not-a-cursor\ndata: {\"source\":\"stdout\",\"ts\":\"2026-05-31T10:00:00Z\",\"text\":\"x\"}\n\n")
		io.WriteString(w, "event: surprise\ndata: whatever\n\n: comment\n\n")
		io.WriteString(w, cloudtest.Event(good, "stdout", ts, "\x1b]52;c;ZXZpbA==\x07\x1b[2Jok\n"))
		io.WriteString(w, "event: end\n\n")
		flush()
	})
	cfg := fastConfig(srv)
	cfg.MaxEventBytes = 256 << 10
	s := open(t, cfg, "devbox", cloud.StreamOptions{})
	es := collect(t, s, 1)
	if string(es[0].Data) != "\x1b]52;c;ZXZpbA==\x07\x1b[2Jok\n" || es[0].Cursor.String() != good {
		t.Errorf("entry %q cursor %s", es[0].Data, es[0].Cursor)
	}
	if got := s.Skipped(); got != 6 {
		t.Errorf("skipped %d, want 6", got)
	}
}

// TestStreamSlowServer: events a byte at a time come through whole.
func TestStreamSlowServer(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	srv.Trickle(true)
	s := open(t, fastConfig(srv), "devbox", cloud.StreamOptions{})
	box.Write(engine.Stdout, "slow\n")
	box.Write(engine.Stderr, "and steady\n")
	if got := texts(collect(t, s, 2)); got != "slow\nand steady\n" {
		t.Errorf("read %q", got)
	}
}

// TestStreamReconnectsAfterSilence: a connection on which nothing arrives
// is dropped after the idle timeout and made again.
func TestStreamReconnectsAfterSilence(t *testing.T) {
	srv := cloudtest.New(t)
	box := srv.Add("devbox", "running")
	srv.KeepAlive = 0
	srv.RawNext(func(w io.Writer, flush func(), done <-chan struct{}) { <-done })
	cfg := fastConfig(srv)
	cfg.IdleTimeout = 50 * time.Millisecond
	s := open(t, cfg, "devbox", cloud.StreamOptions{})
	waitFor(t, "a second connection", func() bool { return len(srv.Requests()) >= 2 })
	box.Write(engine.Stdout, "awake\n")
	// The gap mark (no line had arrived before), then the line.
	if es := collect(t, s, 2); es[0].Mark != engine.MarkGap || string(es[1].Data) != "awake\n" {
		t.Errorf("read %+v", es)
	}
}

func TestOpenErrors(t *testing.T) {
	srv := cloudtest.New(t)
	srv.PageSize = 1 // the listing takes three pages
	srv.Add("devbox", "running")
	srv.Add("web", "stopped")
	srv.Add("batch", "running")
	cfg := fastConfig(srv)

	_, err := cloud.New(cfg).Open(context.Background(), "devbx", cloud.StreamOptions{})
	var nf *cloud.NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, cloud.ErrNoSandbox) {
		t.Fatalf("unknown name: %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, `"devbx"`) || !strings.Contains(msg, "devbox (running), web (stopped), batch (running)") {
		t.Errorf("not found says %q", msg)
	}

	_, err = cloud.New(cfg).Open(context.Background(), "web", cloud.StreamOptions{})
	var nr *cloud.NotRunningError
	if !errors.As(err, &nr) || !strings.Contains(err.Error(), "is stopped") || !strings.Contains(err.Error(), "sandbox_not_running") {
		t.Errorf("stopped sandbox: %v", err)
	}

	for _, forbidden := range []bool{false, true} {
		srv.Forbidden = forbidden
		srv.FlatErrors = forbidden
		bad := cfg
		bad.Key = "msb_test_wrong"
		_, err = cloud.New(bad).Open(context.Background(), "devbox", cloud.StreamOptions{})
		var kr *cloud.KeyRefusedError
		if !errors.As(err, &kr) || !errors.Is(err, cloud.ErrKeyRefused) {
			t.Fatalf("forbidden=%v: %v", forbidden, err)
		}
		want := "401 Unauthorized (invalid_api_key): unauthorized"
		if forbidden {
			want = "403 Forbidden (forbidden): unauthorized"
		}
		if msg := err.Error(); !strings.Contains(msg, want) || !strings.Contains(msg, "MSB_API_KEY") {
			t.Errorf("refused key says %q", msg)
		}
	}
}

// TestKeyRefusedWhileFollowingEndsTheStream: a key revoked while
// following ends the stream with the reason, instead of retrying forever.
func TestKeyRefusedWhileFollowingEndsTheStream(t *testing.T) {
	srv := cloudtest.New(t)
	srv.Add("devbox", "running")
	s := open(t, fastConfig(srv), "devbox", cloud.StreamOptions{})
	srv.FailNext(http.StatusUnauthorized)
	srv.DropConnections()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for {
		_, err := s.Next(ctx, 10)
		if err == nil {
			continue
		}
		if !errors.Is(err, cloud.ErrKeyRefused) {
			t.Fatalf("ended with %v, want the key refused", err)
		}
		break
	}
}

func TestTLSVerifiesTheServer(t *testing.T) {
	srv := cloudtest.NewTLS(t)
	box := srv.Add("devbox", "running")
	cfg := fastConfig(srv)

	_, err := cloud.New(cfg).Open(context.Background(), "devbox", cloud.StreamOptions{})
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("a server whose CA is not trusted: %v, want a certificate error", err)
	}

	cfg.RootCAs = srv.CertPool()
	s := open(t, cfg, "devbox", cloud.StreamOptions{})
	box.Write(engine.Stdout, "over TLS\n")
	if got := texts(collect(t, s, 1)); got != "over TLS\n" {
		t.Errorf("read %q", got)
	}
}

func TestCloseUnblocksNext(t *testing.T) {
	srv := cloudtest.New(t)
	srv.Add("devbox", "running")
	s, err := cloud.New(fastConfig(srv)).Open(context.Background(), "devbox", cloud.StreamOptions{})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := s.Next(context.Background(), 10)
		done <- err
	}()
	s.Close()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("Next after Close returned no error")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("Next still blocked after Close")
	}
}

func TestFromEnv(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	if _, err := cloud.FromEnv(env(nil)); !errors.Is(err, cloud.ErrNoKey) || !strings.Contains(err.Error(), "MSB_API_KEY") {
		t.Errorf("no key: %v", err)
	}
	c, err := cloud.FromEnv(env(map[string]string{"MSB_API_KEY": " msb_x \n"}))
	if err != nil || c.URL != cloud.DefaultURL || c.Key != "msb_x" {
		t.Errorf("defaults: %+v, %v", c, err)
	}
	c, err = cloud.FromEnv(env(map[string]string{"MSB_API_KEY": "k", "MSB_API_URL": "http://127.0.0.1:9/"}))
	if err != nil || c.URL != "http://127.0.0.1:9" {
		t.Errorf("URL: %+v, %v", c, err)
	}
	for _, bad := range []string{"ftp://x", "api.microsandbox.dev", "https://", "https://h/?q=1"} {
		if _, err := cloud.FromEnv(env(map[string]string{"MSB_API_KEY": "k", "MSB_API_URL": bad})); err == nil || !strings.Contains(err.Error(), "MSB_API_URL") {
			t.Errorf("URL %q: %v", bad, err)
		}
	}
}

func TestBackoffGrowsWithJitterUpToTheCap(t *testing.T) {
	b := cloud.Backoff{Min: 100 * time.Millisecond, Max: time.Second}
	for n := 1; n <= 10; n++ {
		full := min(b.Min<<(n-1), b.Max)
		for range 50 {
			d := b.Delay(n)
			if d < full/2 || d > full {
				t.Fatalf("attempt %d: %v, want within [%v, %v]", n, d, full/2, full)
			}
		}
	}
}

// TestSlowReaderBoundsTheQueue: a reader that does not read leaves the
// connection unread once the queue's byte budget is full: the server's
// events wait in the network, not in memory.
func TestSlowReaderBoundsTheQueue(t *testing.T) {
	srv := cloudtest.New(t)
	srv.Add("devbox", "running")
	written := make(chan int, 1)
	srv.RawNext(func(w io.Writer, flush func(), done <-chan struct{}) {
		big := strings.Repeat("z", 512<<10)
		ts := time.Date(2026, 5, 31, 10, 0, 0, 0, time.UTC)
		n := 0
		for i := range 200 { // 100 MiB, if it were all read
			if _, err := io.WriteString(w, cloudtest.Event(cloudtest.Cursor(i, engine.DefaultSources).String(), "stdout", ts, big)); err != nil {
				break
			}
			n++
			select {
			case <-done:
				written <- n
				return
			default:
			}
		}
		written <- n
		<-done
	})
	s := open(t, fastConfig(srv), "devbox", cloud.StreamOptions{})
	// Read one batch, then nothing: the reader must stall well before
	// the 200 events, with the queue near its budget.
	collect(t, s, 1)
	var mem runtime.MemStats
	waitFor(t, "the reader to stall", func() bool {
		runtime.GC()
		runtime.ReadMemStats(&mem)
		return mem.HeapAlloc < 64<<20
	})
	s.Close()
	if n := <-written; n >= 200 {
		t.Errorf("the server wrote all %d events: nothing held the reader back", n)
	}
}
