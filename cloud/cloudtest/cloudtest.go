// Package cloudtest is a fake microsandbox cloud for tests: the API's
// sandbox lookup and listing, and the log stream as Server-Sent Events,
// with the faults a real network and a hostile server bring (connections
// dropped mid-event, 5xx, refused keys, raw bytes of any kind). It follows
// the protocol sandtail's cloud package reads, so the tests of the cloud
// package, the viewer and the built binary run against the same server.
package cloudtest

import (
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sandtail/engine"
)

// Key is the API key the fake accepts unless told otherwise.
const Key = "msb_test_fake"

// Server is a fake cloud.
type Server struct {
	*httptest.Server
	// Key is the accepted key; Forbidden answers 403 instead of 401 to
	// another key.
	Key       string
	Forbidden bool
	// FlatErrors writes error bodies as {"code","message"} instead of
	// {"error":{"code","message"}}.
	FlatErrors bool
	// PageSize caps a page of the listing below what the client asks.
	PageSize int
	// KeepAlive is how often a comment is sent on an idle stream (0:
	// never).
	KeepAlive time.Duration

	mu    sync.Mutex
	boxes []*Box
	// faults for the next log connections, each used once.
	statuses []int
	drops    []int
	raws     []func(w io.Writer, flush func(), done <-chan struct{})
	trickle  bool
	// Requests are the log requests received, in order.
	requests []LogRequest
}

// LogRequest is what one log request asked for.
type LogRequest struct {
	Sandbox     string // id
	Sources     string
	LastEventID string
	Accept      string
	Auth        string
}

// Box is one cloud sandbox and its log.
type Box struct {
	ID, Name, Status string
	srv              *Server
	records          []record
	ended            bool
	wake             chan struct{} // closed and replaced on every change
}

type record struct {
	source engine.Source
	ts     time.Time
	text   string
}

// New starts a fake cloud over plain HTTP; NewTLS over HTTPS with its own
// certificate authority (CertPool, WriteCA).
func New(t testing.TB) *Server    { return start(t, httptest.NewServer) }
func NewTLS(t testing.TB) *Server { return start(t, httptest.NewTLSServer) }

func start(t testing.TB, mk func(http.Handler) *httptest.Server) *Server {
	s := &Server{Key: Key, KeepAlive: 50 * time.Millisecond}
	s.Server = mk(http.HandlerFunc(s.serve))
	t.Cleanup(func() {
		s.mu.Lock()
		for _, b := range s.boxes {
			b.ended = true
			b.notify()
		}
		s.mu.Unlock()
		s.Server.Close()
	})
	return s
}

// CertPool trusts the TLS server's certificate.
func (s *Server) CertPool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(s.Certificate())
	return p
}

// WriteCA writes the TLS server's certificate as PEM into dir, for
// SSL_CERT_FILE.
func (s *Server) WriteCA(t testing.TB, dir string) string {
	path := filepath.Join(dir, "fake-cloud-ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Add creates a sandbox.
func (s *Server) Add(name, status string) *Box {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := &Box{ID: fmt.Sprintf("0b5e%04d-0000-4000-8000-%012d", len(s.boxes), len(s.boxes)), Name: name, Status: status, srv: s, wake: make(chan struct{})}
	s.boxes = append(s.boxes, b)
	return b
}

// FailNext answers the next log connections with these statuses.
func (s *Server) FailNext(status ...int) {
	s.mu.Lock()
	s.statuses = append(s.statuses, status...)
	s.mu.Unlock()
}

// DropNext cuts the next log connections: each sends n events, then half
// of the next one, then the connection is aborted.
func (s *Server) DropNext(n ...int) {
	s.mu.Lock()
	s.drops = append(s.drops, n...)
	s.mu.Unlock()
}

// RawNext answers the next log connection with whatever f writes after
// the headers of an event stream; the connection closes when f returns.
// done is closed when the client goes away.
func (s *Server) RawNext(f func(w io.Writer, flush func(), done <-chan struct{})) {
	s.mu.Lock()
	s.raws = append(s.raws, f)
	s.mu.Unlock()
}

// Trickle sends every event one byte at a time, flushing each.
func (s *Server) Trickle(on bool) {
	s.mu.Lock()
	s.trickle = on
	s.mu.Unlock()
}

// DropConnections cuts every open connection, as a server restart does.
func (s *Server) DropConnections() { s.CloseClientConnections() }

// Requests returns the log requests so far.
func (s *Server) Requests() []LogRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]LogRequest(nil), s.requests...)
}

// Write appends a record to the sandbox's log; its time is a millisecond
// after the previous one.
func (b *Box) Write(src engine.Source, text string) {
	s := b.srv
	s.mu.Lock()
	defer s.mu.Unlock()
	ts := time.Date(2026, 5, 31, 10, 0, 0, 0, time.UTC).Add(time.Duration(len(b.records)) * time.Millisecond)
	b.records = append(b.records, record{source: src, ts: ts, text: text})
	b.notify()
}

// End sends "end" to the streams once they have every record.
func (b *Box) End() {
	b.srv.mu.Lock()
	b.ended = true
	b.notify()
	b.srv.mu.Unlock()
}

// notify wakes the streams; called with the lock held.
func (b *Box) notify() {
	close(b.wake)
	b.wake = make(chan struct{})
}

// Cursor is the cursor after record i (0-based) of a read of sources: one
// position per file the sources read, the first counting records.
func Cursor(i int, sources engine.Sources) engine.Cursor {
	n := engine.CursorLen(sources)
	pos := make([]engine.Position, n)
	pos[0] = engine.Position{Inode: 4242, Offset: uint64(i + 1)}
	for k := 1; k < n; k++ {
		pos[k] = engine.Position{Inode: 4242 + uint64(k), Offset: 0}
	}
	return engine.NewCursor(pos...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	auth := r.Header.Get("Authorization")
	if auth != "Bearer "+s.Key {
		status, code := http.StatusUnauthorized, "invalid_api_key"
		if s.Forbidden {
			status, code = http.StatusForbidden, "forbidden"
		}
		s.fail(w, status, code, "unauthorized")
		return
	}
	path := r.URL.Path
	switch {
	case r.Method != http.MethodGet:
		s.fail(w, http.StatusMethodNotAllowed, "method_not_allowed", "only GET here")
	case path == "/v1/sandboxes":
		s.list(w, r)
	case strings.HasPrefix(path, "/v1/sandboxes/by-name/"):
		name := strings.TrimPrefix(path, "/v1/sandboxes/by-name/")
		if b := s.find(func(b *Box) bool { return b.Name == name }); b != nil {
			writeJSON(w, http.StatusOK, wire(b))
			return
		}
		s.fail(w, http.StatusNotFound, "sandbox_not_found", "resource not found")
	case strings.HasPrefix(path, "/v1/sandboxes/") && strings.HasSuffix(path, "/logs"):
		id := strings.TrimSuffix(strings.TrimPrefix(path, "/v1/sandboxes/"), "/logs")
		b := s.find(func(b *Box) bool { return b.ID == id })
		if b == nil {
			s.fail(w, http.StatusNotFound, "sandbox_not_found", "resource not found")
			return
		}
		s.logs(w, r, b)
	default:
		s.fail(w, http.StatusNotFound, "not_found", "no such route")
	}
}

func (s *Server) find(f func(*Box) bool) *Box {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.boxes {
		if f(b) {
			return b
		}
	}
	return nil
}

func wire(b *Box) map[string]any {
	return map[string]any{
		"id": b.ID, "org_id": "00000000-0000-4000-8000-000000000000", "name": b.Name, "slug": b.Name,
		"status": b.Status, "ephemeral": false, "created_at": "2026-05-31T09:00:00Z",
		"started_at": "2026-05-31T09:59:00Z", "stopped_at": nil, "last_failure_message": nil,
	}
}

// list is GET /v1/sandboxes: pages of limit (default 20, at most 100)
// after the cursor, which is the index of the next sandbox.
func (s *Server) list(w http.ResponseWriter, r *http.Request) {
	limit := 20
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			s.fail(w, http.StatusBadRequest, "invalid_request", "limit must be 1 to 100")
			return
		}
		limit = n
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.PageSize > 0 {
		limit = min(limit, s.PageSize)
	}
	from := 0
	if c := r.URL.Query().Get("cursor"); c != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(c, "page-"))
		if err != nil || n < 0 || n > len(s.boxes) {
			s.fail(w, http.StatusBadRequest, "invalid_request", "bad cursor")
			return
		}
		from = n
	}
	to := min(from+limit, len(s.boxes))
	data := []map[string]any{}
	for _, b := range s.boxes[from:to] {
		data = append(data, wire(b))
	}
	page := map[string]any{"data": data, "has_more": to < len(s.boxes), "next_cursor": nil}
	if to < len(s.boxes) {
		page["next_cursor"] = "page-" + strconv.Itoa(to)
	}
	writeJSON(w, http.StatusOK, page)
}

// fail writes an error in the API's form.
func (s *Server) fail(w http.ResponseWriter, status int, code, msg string) {
	if s.FlatErrors {
		writeJSON(w, status, map[string]any{"code": code, "message": msg})
		return
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg, "details": nil}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// logs is GET /v1/sandboxes/ID/logs: the records after Last-Event-ID (or
// from now without it), then new ones as they are written, keep-alive
// comments while idle, "end" when the sandbox ended.
func (s *Server) logs(w http.ResponseWriter, r *http.Request, b *Box) {
	q := r.URL.Query()
	req := LogRequest{Sandbox: b.ID, Sources: q.Get("sources"), LastEventID: r.Header.Get("Last-Event-ID"),
		Accept: r.Header.Get("Accept"), Auth: r.Header.Get("Authorization")}
	s.mu.Lock()
	s.requests = append(s.requests, req)
	var status int
	if len(s.statuses) > 0 {
		status, s.statuses = s.statuses[0], s.statuses[1:]
	}
	drop := -1
	if status == 0 && len(s.drops) > 0 {
		drop, s.drops = s.drops[0], s.drops[1:]
	}
	var raw func(io.Writer, func(), <-chan struct{})
	if status == 0 && drop < 0 && len(s.raws) > 0 {
		raw, s.raws = s.raws[0], s.raws[1:]
	}
	trickle := s.trickle
	running := b.Status == "running"
	s.mu.Unlock()
	switch {
	case status != 0:
		s.fail(w, status, "unavailable", "the fake was told to fail")
		return
	case !strings.Contains(req.Accept, "text/event-stream"):
		s.fail(w, http.StatusNotAcceptable, "not_acceptable", "this endpoint streams text/event-stream")
		return
	case !running:
		s.fail(w, http.StatusConflict, "sandbox_not_running", "sandbox is not running")
		return
	}
	sources := engine.Sources(0)
	for _, name := range strings.Split(req.Sources, ",") {
		if src, ok := engine.ParseSource(name); ok {
			sources = sources.With(src)
		}
	}
	if sources == 0 {
		sources = engine.DefaultSources
	}
	next := -1 // from now
	if req.LastEventID != "" {
		c, err := engine.ParseCursor(req.LastEventID)
		if err != nil || c.Len() == 0 {
			s.fail(w, http.StatusBadRequest, "invalid_cursor", "Last-Event-ID is not a cursor")
			return
		}
		next = int(c.At(0).Offset)
	}
	// "From now" is fixed before the client hears back, so nothing it
	// writes after connecting is missed.
	s.mu.Lock()
	if next < 0 {
		next = len(b.records)
	}
	next = min(next, len(b.records))
	s.mu.Unlock()
	fl, _ := w.(http.Flusher)
	flush := func() {
		if fl != nil {
			fl.Flush()
		}
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flush()
	if raw != nil {
		raw(w, flush, r.Context().Done())
		return
	}
	sent := 0
	for {
		s.mu.Lock()
		pending := append([]record(nil), b.records[next:]...)
		ended, wake := b.ended, b.wake
		s.mu.Unlock()
		for _, rec := range pending {
			i := next
			next++
			if !sources.Has(rec.source) {
				continue
			}
			ev := Event(Cursor(i, sources).String(), rec.source.String(), rec.ts, rec.text)
			if drop >= 0 && sent == drop {
				io.WriteString(w, ev[:len(ev)/2])
				flush()
				panic(http.ErrAbortHandler)
			}
			if trickle {
				for k := 0; k < len(ev); k++ {
					io.WriteString(w, ev[k:k+1])
					flush()
				}
			} else {
				io.WriteString(w, ev)
			}
			sent++
		}
		flush()
		if len(pending) == 0 && ended {
			io.WriteString(w, "event: end\ndata: {}\n\n")
			flush()
			return
		}
		var tick <-chan time.Time
		var t *time.Timer
		if s.KeepAlive > 0 {
			t = time.NewTimer(s.KeepAlive)
			tick = t.C
		}
		select {
		case <-wake:
		case <-tick:
			io.WriteString(w, ": keep-alive\n\n")
			flush()
		case <-r.Context().Done():
		}
		if t != nil {
			t.Stop()
		}
		if r.Context().Err() != nil {
			return
		}
	}
}

// Event is one "log" event as the server writes it.
func Event(id, source string, ts time.Time, text string) string {
	data, _ := json.Marshal(map[string]string{"source": source, "ts": ts.UTC().Format(time.RFC3339Nano), "text": text})
	return "event: log\nid: " + id + "\ndata: " + string(data) + "\n\n"
}
