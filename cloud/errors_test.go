package cloud

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func response(status int, body string) *http.Response {
	return &http.Response{StatusCode: status, Body: io.NopCloser(strings.NewReader(body))}
}

// TestReadAPIError: both body forms, a plain-text body, an HTML page, and
// a body too large: the code and message are read, capped, never the
// whole body.
func TestReadAPIError(t *testing.T) {
	for _, tc := range []struct {
		body, code, msg string
	}{
		{`{"error":{"code":"sandbox_not_found","message":"resource not found","details":null}}`, "sandbox_not_found", "resource not found"},
		{`{"code":"invalid_api_key","message":"unauthorized"}`, "invalid_api_key", "unauthorized"},
		{"upstream connect error\n", "", "upstream connect error"},
		{"<html><body>502 Bad Gateway</body></html>", "", ""},
		{`{"error":{"code":"x","message":"` + strings.Repeat("m", 100000) + `"}}`, "", ""}, // over 64 KiB: not JSON any more
		{`{"error":{"code":"x","message":"` + strings.Repeat("é", 2000) + `"}}`, "x", strings.Repeat("é", 250) + "…"},
	} {
		e := readAPIError("GET /x", response(503, tc.body))
		if e.Code != tc.code || (tc.msg != "" && e.Message != tc.msg) {
			t.Errorf("%.60q: code %q message %.80q", tc.body, e.Code, e.Message)
		}
		if len(e.Message) > maxMessage+len("…") {
			t.Errorf("%.60q: message of %d bytes", tc.body, len(e.Message))
		}
	}
	e := readAPIError("GET /v1/sandboxes", response(404, `{"error":{"code":"sandbox_not_found","message":"gone"}}`))
	if got := e.Error(); got != "GET /v1/sandboxes: 404 Not Found (sandbox_not_found): gone" {
		t.Errorf("Error() = %q", got)
	}
}
