package cloud

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Errors a front-end tells apart with errors.Is.
var (
	// ErrKeyRefused: the server answered 401 or 403.
	ErrKeyRefused = errors.New("the cloud refused the API key")
	// ErrNoSandbox: no cloud sandbox of that name (404).
	ErrNoSandbox = errors.New("no such cloud sandbox")
)

// APIError is a response that is not a success. Code and Message come from
// the error body, in either of the forms the API uses:
// {"error":{"code","message"}} or {"code","message"}.
type APIError struct {
	Op      string // "GET /v1/sandboxes/by-name/NAME"
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d %s", e.Op, e.Status, http.StatusText(e.Status))
	if e.Code != "" {
		b.WriteString(" (" + e.Code + ")")
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	return b.String()
}

func (e *APIError) Is(target error) bool {
	switch target {
	case ErrKeyRefused:
		return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
	case ErrNoSandbox:
		return e.Status == http.StatusNotFound
	}
	return false
}

// retryable says a reconnect may succeed where this answer came: the
// server is restarting or overloaded.
func (e *APIError) retryable() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout
}

// KeyRefusedError explains a refused key: what the server said and where.
type KeyRefusedError struct {
	API *APIError
	URL string
}

func (e *KeyRefusedError) Error() string {
	return fmt.Sprintf("the cloud at %s refused the API key (%s); check %s, and %s if the key belongs to another deployment",
		e.URL, e.API.Error(), EnvKey, EnvURL)
}
func (e *KeyRefusedError) Unwrap() error { return e.API }

// NotFoundError is a name that is not a cloud sandbox, with the names that
// are (as far as they could be listed).
type NotFoundError struct {
	Name string
	// Known are the cloud sandboxes, Listed says they were listed (and
	// More that there are more than were read); ListErr says why not.
	Known   []Sandbox
	More    bool
	ListErr error
}

func (e *NotFoundError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "no such cloud sandbox %q", e.Name)
	switch {
	case e.ListErr != nil:
		fmt.Fprintf(&b, " (and the cloud sandboxes could not be listed: %v)", e.ListErr)
	case len(e.Known) == 0:
		b.WriteString("; this organisation has no cloud sandboxes")
	default:
		b.WriteString("; the cloud sandboxes are: ")
		for i, sb := range e.Known {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(sb.Name)
			if sb.Status != "" {
				b.WriteString(" (" + sb.Status + ")")
			}
		}
		if e.More {
			b.WriteString(", …")
		}
	}
	return b.String()
}

func (e *NotFoundError) Is(target error) bool { return target == ErrNoSandbox }

// maxErrorBody caps what is read of an error response.
const maxErrorBody = 64 << 10

// maxMessage caps the server's message in an error: it is shown to the
// user in one line.
const maxMessage = 500

// readAPIError reads a non-success response's body into an APIError.
func readAPIError(op string, resp *http.Response) *APIError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	e := &APIError{Op: op, Status: resp.StatusCode}
	var typed struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Error   *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &typed) == nil {
		e.Code, e.Message = typed.Code, typed.Message
		if typed.Error != nil {
			if typed.Error.Code != "" {
				e.Code = typed.Error.Code
			}
			if typed.Error.Message != "" {
				e.Message = typed.Error.Message
			}
		}
	} else if t := strings.TrimSpace(string(body)); t != "" && !strings.HasPrefix(strings.ToLower(t), "<") {
		// A plain-text body (a proxy's), but not an HTML page.
		e.Message = t
	}
	e.Code = clip(e.Code, 100)
	e.Message = clip(e.Message, maxMessage)
	return e
}

// clip cuts s to at most n bytes, on a rune boundary, marking the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
