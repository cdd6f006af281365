package cloud

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"sandtail/engine"
)

// StreamOptions say what a log stream reads.
type StreamOptions struct {
	// Sources asked of the server; zero means engine.DefaultSources.
	Sources engine.Sources
	// From, when not zero, starts just after this cursor (sent as
	// Last-Event-ID); zero starts with what is written from now on.
	From engine.Cursor
	// Since drops entries before it; Until ends the stream (io.EOF) at
	// the first entry at or after it. The server knows neither: they are
	// applied here, as the SDK does.
	Since, Until time.Time
}

// State is the connection as a front-end shows it.
type State struct {
	// Reconnecting is the number of the reconnect attempt under way, 0
	// while connected.
	Reconnecting int
	// Reason is why the last connection ended or the last attempt failed.
	Reason string
	// Wait is the delay before the attempt.
	Wait time.Duration
}

// Stream follows one sandbox's logs. Next, Skipped, State and Close may be
// called from different goroutines, but Next by one at a time.
type Stream struct {
	c       *Client
	sandbox Sandbox
	opts    StreamOptions

	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	items   chan item
	skipped atomic.Int64
	// queued is the bytes of entry data waiting in items; space is
	// signalled when Next takes some, for a reader waiting on the budget.
	queued atomic.Int64
	space  chan struct{}

	mu    sync.Mutex
	state State
	// final is the error that ended the stream, once Next has seen it.
	final error
	// held is an error read by Next after entries it returned first.
	held error
}

// item is what the reading goroutine hands to Next: an entry, a change of
// the connection's state, or the error that ends the stream.
type item struct {
	entry engine.Entry
	state bool
	err   error
}

// itemQueue is how many items wait for Next, and maxQueued how many bytes
// of entry data: the reader stops reading the connection while either is
// full, so a slow front-end slows the server down instead of growing
// memory (a thousand events of a megabyte each would be a gigabyte).
const (
	itemQueue = 1024
	maxQueued = 8 << 20
)

// Open looks the sandbox up by name and connects to its log stream. Errors
// a reconnect cannot fix (the key refused, no such sandbox, a certificate
// that does not verify, a sandbox whose logs cannot stream) come back
// here; a server that is down or restarting is retried in the background,
// and State says so.
func (c *Client) Open(ctx context.Context, name string, opts StreamOptions) (*Stream, error) {
	sb, err := c.Lookup(ctx, name)
	if err != nil {
		return nil, err
	}
	sctx, cancel := context.WithCancel(context.Background())
	s := &Stream{c: c, sandbox: sb, opts: opts, ctx: sctx, cancel: cancel, done: make(chan struct{}), items: make(chan item, itemQueue), space: make(chan struct{}, 1)}
	stopAfter := context.AfterFunc(ctx, cancel)
	resp, err := s.connect(opts.From)
	stopAfter()
	if ctx.Err() != nil {
		cancel()
		if resp != nil {
			resp.Body.Close()
		}
		return nil, ctx.Err()
	}
	if err != nil && !isRetryable(err) {
		cancel()
		return nil, s.explainRefusal(ctx, err)
	}
	go s.run(resp, err)
	return s, nil
}

// Sandbox is the sandbox the stream reads, as looked up.
func (s *Stream) Sandbox() Sandbox { return s.sandbox }

// connect opens the log stream after cursor last (none when zero).
func (s *Stream) connect(last engine.Cursor) (*http.Response, error) {
	op := "GET /v1/sandboxes/" + s.sandbox.ID + "/logs"
	path := "/v1/sandboxes/" + pathEscape(s.sandbox.ID) + "/logs?sources=" + url.QueryEscape(sourceParam(s.opts.Sources))
	req, err := s.c.newRequest(s.ctx, path)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Cache-Control", "no-cache")
	if !last.IsZero() {
		req.Header.Set("Last-Event-ID", last.String())
	}
	resp, err := s.c.http.Do(req)
	if err != nil {
		return nil, s.c.transportError(err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, readAPIError(op, resp)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "text/event-stream" {
			resp.Body.Close()
			return nil, fmt.Errorf("%s answered with %q, not an event stream: is %s the microsandbox API?", op, clip(ct, 80), s.c.cfg.URL)
		}
	}
	return resp, nil
}

// isRetryable says a later attempt may succeed: the network or the server
// failed, not the request.
func isRetryable(err error) bool {
	var api *APIError
	if errors.As(err, &api) {
		return api.retryable()
	}
	var unknownCA x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	var verify *tls.CertificateVerificationError
	if errors.As(err, &unknownCA) || errors.As(err, &invalid) || errors.As(err, &host) || errors.As(err, &verify) {
		return false
	}
	var urlErr *url.Error
	return errors.As(err, &urlErr) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errIncomplete) || errors.Is(err, errIdle)
}

// explainRefusal turns an answer that ends the stream into the error a
// user can act on.
func (s *Stream) explainRefusal(ctx context.Context, err error) error {
	var api *APIError
	if !errors.As(err, &api) {
		return err
	}
	switch {
	case errors.Is(api, ErrKeyRefused):
		return &KeyRefusedError{API: api, URL: s.c.cfg.URL}
	case errors.Is(api, ErrNoSandbox):
		// Removed between the lookup and now.
		return s.c.notFound(ctx, s.sandbox.Name)
	case !s.sandbox.Running():
		return &NotRunningError{Sandbox: s.sandbox, API: api}
	}
	return api
}

// NotRunningError is a log stream refused while the sandbox is not
// running: the cloud streams only a running sandbox's logs.
type NotRunningError struct {
	Sandbox Sandbox
	API     *APIError
}

func (e *NotRunningError) Error() string {
	msg := fmt.Sprintf("the cloud sandbox %q is %s, and the cloud streams logs only while a sandbox runs (it keeps no history to read); start it and try again", e.Sandbox.Name, e.Sandbox.Status)
	if e.Sandbox.LastFailure != "" {
		msg += "; its last failure: " + e.Sandbox.LastFailure
	}
	return msg + " (the server said " + e.API.Error() + ")"
}

func (e *NotRunningError) Unwrap() error { return e.API }

// errIdle ends a connection on which nothing arrived for the idle timeout.
var errIdle = errors.New("nothing arrived, not even a keep-alive")

// errEnded is the server's "end" event, or --until reached.
var errEnded = errors.New("the stream ended")

// run reads the stream and reconnects until it ends or is closed. first
// is the first connection (nil when it failed with firstErr).
func (s *Stream) run(first *http.Response, firstErr error) {
	defer close(s.done)
	last := s.opts.From
	attempt := 0
	resp, err := first, firstErr
	for {
		progressed := false
		if err == nil {
			// Connected: whatever ends this connection (a reset, a
			// cut-off event, a clean close without "end") is worth
			// another attempt.
			if attempt > 0 {
				s.setState(State{})
				if last.IsZero() {
					// No line had arrived, so there was no cursor to
					// resume at: the server starts from now.
					s.send(item{entry: engine.Entry{Time: time.Now().UTC(), Mark: engine.MarkGap, File: "cloud stream",
						Data: []byte("reconnected before any line had arrived, so without a cursor: lines written while disconnected are missing")}})
				}
			}
			progressed, err = s.read(resp.Body, &last)
			resp.Body.Close()
		} else if !isRetryable(err) {
			s.send(item{err: s.explainRefusal(s.ctx, err)})
			return
		}
		if s.ctx.Err() != nil {
			return
		}
		if errors.Is(err, errEnded) {
			s.send(item{err: io.EOF})
			return
		}
		if progressed {
			attempt = 0
		}
		attempt++
		wait := s.c.cfg.Backoff.Delay(attempt)
		reason := "the server closed the stream"
		if err != nil {
			reason = err.Error()
		}
		s.setState(State{Reconnecting: attempt, Reason: reason, Wait: wait})
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-s.ctx.Done():
			t.Stop()
			return
		}
		resp, err = s.connect(last)
	}
}

// read hands the events of one connection to Next. It returns when the
// connection ends: errEnded for the end of the stream, else why it
// dropped (nil for a clean close). progressed says something arrived.
func (s *Stream) read(body io.Reader, last *engine.Cursor) (progressed bool, err error) {
	idle := s.c.cfg.idleTimeout()
	connCtx, cancel := context.WithCancelCause(s.ctx)
	defer cancel(nil)
	timer := time.AfterFunc(idle, func() { cancel(errIdle) })
	defer timer.Stop()
	stop := context.AfterFunc(connCtx, func() {
		if c, ok := body.(io.Closer); ok {
			c.Close()
		}
	})
	defer stop()
	r := newSSEReader(&touchReader{r: body, touch: func() { timer.Reset(idle) }}, s.c.cfg.maxEvent(), s.c.cfg.maxEvent())
	for {
		ev, err := r.Next()
		if r.comments > 0 {
			progressed = true
		}
		if err != nil {
			if cause := context.Cause(connCtx); cause != nil && s.ctx.Err() == nil {
				return progressed, cause
			}
			if errors.Is(err, io.EOF) {
				return progressed, nil
			}
			return progressed, err
		}
		progressed = true
		kind, e, _ := decodeEvent(ev, *last)
		switch kind {
		case eventEnd:
			return progressed, errEnded
		case eventMalformed:
			s.skipped.Add(1)
			*last = e.Cursor
			continue
		case eventIgnore:
			continue
		}
		*last = e.Cursor
		if !s.opts.Until.IsZero() && !e.Time.Before(s.opts.Until) {
			return progressed, errEnded
		}
		if !s.opts.Since.IsZero() && e.Time.Before(s.opts.Since) {
			continue
		}
		if !s.opts.Sources.Has(e.Source) && s.opts.Sources != 0 {
			continue
		}
		if !s.send(item{entry: e}) {
			return progressed, s.ctx.Err()
		}
	}
}

// touchReader calls touch after every read that returned bytes.
type touchReader struct {
	r     io.Reader
	touch func()
}

func (t *touchReader) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	if n > 0 {
		t.touch()
	}
	return n, err
}

// send queues an item for Next; false when the stream was closed.
func (s *Stream) send(it item) bool {
	if n := int64(len(it.entry.Data)); n > 0 {
		for s.queued.Load() > maxQueued {
			select {
			case <-s.space:
			case <-s.ctx.Done():
				return false
			}
		}
		s.queued.Add(n)
	}
	select {
	case s.items <- it:
		return true
	case <-s.ctx.Done():
		return false
	}
}

// setState records a new connection state and wakes Next.
func (s *Stream) setState(st State) {
	s.mu.Lock()
	s.state = st
	s.mu.Unlock()
	s.send(item{state: true})
}

// State is the connection's current state.
func (s *Stream) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.state
}

// Next returns up to max entries, waiting for at least one. It returns
// early, with what it has (perhaps nothing), when the connection's state
// changes, so a front-end can show it. The end of the stream is io.EOF.
func (s *Stream) Next(ctx context.Context, max int) ([]engine.Entry, error) {
	s.mu.Lock()
	final, held := s.final, s.held
	s.held = nil
	if held != nil {
		s.final = held
	}
	s.mu.Unlock()
	if held != nil {
		return nil, held
	}
	if final != nil {
		return nil, final
	}
	var out []engine.Entry
	for len(out) < max {
		var it item
		if len(out) == 0 {
			select {
			case it = <-s.items:
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-s.done:
				// The reader is gone; what it queued is still read.
				select {
				case it = <-s.items:
				default:
					return nil, s.closedErr()
				}
			}
		} else {
			select {
			case it = <-s.items:
			default:
				return out, nil
			}
		}
		switch {
		case it.err != nil:
			s.mu.Lock()
			if len(out) > 0 {
				s.held = it.err
			} else {
				s.final = it.err
			}
			s.mu.Unlock()
			if len(out) > 0 {
				return out, nil
			}
			return nil, it.err
		case it.state:
			return out, nil
		default:
			out = append(out, it.entry)
			s.took(len(it.entry.Data))
		}
	}
	return out, nil
}

// took gives n bytes back to the budget and wakes a reader waiting on it.
func (s *Stream) took(n int) {
	if n == 0 {
		return
	}
	s.queued.Add(-int64(n))
	select {
	case s.space <- struct{}{}:
	default:
	}
}

// closedErr is what Next returns once the reader stopped without an error
// item: the stream was closed.
func (s *Stream) closedErr() error {
	if s.ctx.Err() != nil {
		return context.Canceled
	}
	return io.EOF
}

// Skipped counts malformed events passed over.
func (s *Stream) Skipped() int64 { return s.skipped.Load() }

// Resume is for a local stream stopped at a missed rotation; a cloud
// stream never stops that way.
func (s *Stream) Resume() error {
	return errors.New("a cloud stream has no missed rotation to resume from")
}

// Close stops the stream and waits for its reader.
func (s *Stream) Close() error {
	s.cancel()
	<-s.done
	return nil
}
