package cloud

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultURL is the hosted service, used when MSB_API_URL is unset or empty.
const DefaultURL = "https://api.microsandbox.dev"

// The environment variables, as microsandbox's SDKs name them.
const (
	EnvURL = "MSB_API_URL"
	EnvKey = "MSB_API_KEY"
)

// ErrNoKey is a missing or empty MSB_API_KEY.
var ErrNoKey = errors.New(EnvKey + " is not set: set it to an API key of your microsandbox cloud organisation (msb_…)")

// Config is how to reach the cloud.
type Config struct {
	// URL is the API's base URL without a trailing slash.
	URL string
	// Key is the API key, sent as a bearer token.
	Key string
	// RootCAs, when not nil, replaces the system's certificate
	// authorities (tests with their own CA). The system pool already
	// honours SSL_CERT_FILE and SSL_CERT_DIR.
	RootCAs *x509.CertPool
	// Backoff bounds the delay between reconnects; zero picks the
	// defaults (DefaultBackoff).
	Backoff Backoff
	// IdleTimeout drops a log connection on which nothing at all (not
	// even a keep-alive) arrived for this long, and reconnects; zero
	// picks DefaultIdleTimeout.
	IdleTimeout time.Duration
	// MaxEventBytes caps one event and one line of the stream; zero picks
	// DefaultMaxEventBytes.
	MaxEventBytes int
}

// DefaultIdleTimeout is long enough for any keep-alive interval a server
// uses (they are seconds), short enough that a connection a sleeping
// laptop or a NAT silently lost is noticed within minutes.
const DefaultIdleTimeout = 2 * time.Minute

// DefaultMaxEventBytes caps an event: a chunk of program output is far
// smaller (microsandbox reads output in pieces of kilobytes), and the cap
// is what one hostile event can cost.
const DefaultMaxEventBytes = 1 << 20

// FromEnv reads MSB_API_URL and MSB_API_KEY through getenv, trimming
// spaces as the SDKs do. A missing key is ErrNoKey; a URL that is not
// http or https with a host is an error naming MSB_API_URL.
func FromEnv(getenv func(string) string) (Config, error) {
	key := strings.TrimSpace(getenv(EnvKey))
	if key == "" {
		return Config{}, ErrNoKey
	}
	if strings.ContainsAny(key, "\r\n\x00") {
		return Config{}, fmt.Errorf("%s holds a line break or NUL: copy the key again", EnvKey)
	}
	raw := strings.TrimSpace(getenv(EnvURL))
	if raw == "" {
		raw = DefaultURL
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return Config{}, fmt.Errorf("%s=%q is not an http or https URL of the API (like %s)", EnvURL, raw, DefaultURL)
	}
	return Config{URL: strings.TrimRight(raw, "/"), Key: key}, nil
}

// httpClient is the client for every request. It has no overall timeout,
// since a log stream lasts as long as it is followed; connecting, the TLS
// handshake and the response headers each have their own.
func (c Config) httpClient() *http.Client {
	tr := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 15 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second,
		MaxIdleConns:          4,
		IdleConnTimeout:       90 * time.Second,
		ForceAttemptHTTP2:     true,
		TLSClientConfig:       &tls.Config{RootCAs: c.RootCAs, MinVersion: tls.VersionTLS12},
	}
	return &http.Client{
		Transport: tr,
		// A redirect to another host would carry the key there: the API
		// does not redirect, so none is followed.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

func (c Config) idleTimeout() time.Duration {
	if c.IdleTimeout > 0 {
		return c.IdleTimeout
	}
	return DefaultIdleTimeout
}

func (c Config) maxEvent() int {
	if c.MaxEventBytes > 0 {
		return c.MaxEventBytes
	}
	return DefaultMaxEventBytes
}
