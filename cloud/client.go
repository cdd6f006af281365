package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Sandbox is a cloud sandbox as the API describes it.
type Sandbox struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"` // created, starting, running, stopping, stopped, failed
	// StartedAt is the latest run's start; zero if it never ran.
	StartedAt time.Time `json:"-"`
	// LastFailure is the server's message about the latest failure.
	LastFailure string `json:"-"`
}

// Running reports whether the sandbox's logs can stream.
func (s Sandbox) Running() bool { return s.Status == "running" }

// wireSandbox is the API's sandbox object, with the fields that may be null.
type wireSandbox struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	Status      string  `json:"status"`
	StartedAt   *string `json:"started_at"`
	LastFailure *string `json:"last_failure_message"`
}

func (w wireSandbox) sandbox() Sandbox {
	s := Sandbox{ID: w.ID, Name: w.Name, Status: clip(w.Status, 40)}
	if w.StartedAt != nil {
		if t, err := time.Parse(time.RFC3339Nano, *w.StartedAt); err == nil {
			s.StartedAt = t.UTC()
		}
	}
	if w.LastFailure != nil {
		s.LastFailure = clip(*w.LastFailure, maxMessage)
	}
	return s
}

// Client talks to the cloud API.
type Client struct {
	cfg  Config
	http *http.Client
}

// New returns a client for cfg.
func New(cfg Config) *Client {
	return &Client{cfg: cfg, http: cfg.httpClient()}
}

// URL is the API's base URL.
func (c *Client) URL() string { return c.cfg.URL }

// requestTimeout bounds a call that is not the log stream.
const requestTimeout = 30 * time.Second

// maxJSONBody caps a JSON response: a page of sandboxes is a few KiB.
const maxJSONBody = 4 << 20

// newRequest builds a request with the key.
func (c *Client) newRequest(ctx context.Context, path string) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.URL+path, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Key)
	req.Header.Set("User-Agent", "sandtail")
	return req, nil
}

// getJSON fetches path into v. op names the call in errors.
func (c *Client) getJSON(ctx context.Context, op, path string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	req, err := c.newRequest(ctx, path)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return c.transportError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return c.apiError(readAPIError(op, resp))
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJSONBody+1))
	if err != nil {
		return c.transportError(err)
	}
	if len(body) > maxJSONBody {
		return fmt.Errorf("%s: the answer is larger than %d MiB", op, maxJSONBody>>20)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("%s: the answer is not the JSON expected: %v", op, err)
	}
	return nil
}

// apiError wraps a refused key with what to check.
func (c *Client) apiError(e *APIError) error {
	if errors.Is(e, ErrKeyRefused) {
		return &KeyRefusedError{API: e, URL: c.cfg.URL}
	}
	return e
}

// transportError says where the cloud could not be reached.
func (c *Client) transportError(err error) error {
	if errors.Is(err, context.Canceled) {
		return err
	}
	return &UnreachableError{URL: c.cfg.URL, Err: err}
}

// UnreachableError is a request that got no answer: the network, the
// address in MSB_API_URL, or a certificate that does not verify.
type UnreachableError struct {
	URL string
	Err error
}

func (e *UnreachableError) Error() string {
	return fmt.Sprintf("cannot reach the cloud at %s (%s): %v", e.URL, EnvURL, e.Err)
}
func (e *UnreachableError) Unwrap() error { return e.Err }

// Lookup finds a sandbox by name. A name that is not there is a
// *NotFoundError listing the sandboxes that are.
func (c *Client) Lookup(ctx context.Context, name string) (Sandbox, error) {
	var w wireSandbox
	err := c.getJSON(ctx, "GET /v1/sandboxes/by-name/"+name, "/v1/sandboxes/by-name/"+pathEscape(name), &w)
	if errors.Is(err, ErrNoSandbox) {
		return Sandbox{}, c.notFound(ctx, name)
	}
	if err != nil {
		return Sandbox{}, err
	}
	if w.ID == "" {
		return Sandbox{}, fmt.Errorf("GET /v1/sandboxes/by-name/%s: the answer has no sandbox id", name)
	}
	return w.sandbox(), nil
}

// notFound builds the error for a missing name, listing the sandboxes.
func (c *Client) notFound(ctx context.Context, name string) error {
	list, more, err := c.List(ctx)
	return &NotFoundError{Name: name, Known: list, More: more, ListErr: err}
}

// Listing limits: pages of the API's largest size, and no more sandboxes
// than a picker can usefully show, whatever the server says about more.
const (
	listPageSize = 100
	maxListed    = 2000
	maxPages     = maxListed/listPageSize + 10
)

// List returns the organisation's sandboxes, page after page (at most
// maxListed of them; more then says some were left out).
func (c *Client) List(ctx context.Context) (list []Sandbox, more bool, err error) {
	cursor := ""
	seen := map[string]bool{}
	for pages := 0; ; pages++ {
		if pages == maxPages {
			// Pages that keep coming (empty ones, say) end here.
			return list, true, nil
		}
		q := url.Values{"limit": {strconv.Itoa(listPageSize)}}
		if cursor != "" {
			q.Set("cursor", cursor)
		}
		var page struct {
			Data       []wireSandbox `json:"data"`
			HasMore    *bool         `json:"has_more"`
			NextCursor *string       `json:"next_cursor"`
		}
		if err := c.getJSON(ctx, "GET /v1/sandboxes", "/v1/sandboxes?"+q.Encode(), &page); err != nil {
			return list, false, err
		}
		for _, w := range page.Data {
			if len(list) == maxListed {
				return list, true, nil
			}
			list = append(list, w.sandbox())
		}
		next := ""
		if page.NextCursor != nil {
			next = *page.NextCursor
		}
		if next == "" || (page.HasMore != nil && !*page.HasMore) {
			return list, false, nil
		}
		if seen[next] {
			// A server handing out a cursor twice would loop forever.
			return list, true, nil
		}
		seen[next] = true
		cursor = next
	}
}

// pathEscape escapes a path segment the way the SDK does: everything but
// the unreserved characters.
func pathEscape(s string) string {
	const hex = "0123456789ABCDEF"
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z', b >= 'A' && b <= 'Z', b >= '0' && b <= '9', b == '-', b == '.', b == '_', b == '~':
			out = append(out, b)
		default:
			out = append(out, '%', hex[b>>4], hex[b&15])
		}
	}
	return string(out)
}
