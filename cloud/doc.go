// Package cloud reads the logs of sandboxes in microsandbox cloud: it finds
// a sandbox by name, lists the sandboxes of the API key's organisation, and
// follows a sandbox's log stream (Server-Sent Events), reconnecting when
// the connection drops and resuming at the last cursor received, so
// nothing is lost or repeated. Its Stream hands out engine.Entry values,
// so the viewer and print mode read it as they read a local sandbox.
//
// The cloud keeps no history that can be read as a snapshot: the stream
// begins now, or just after a cursor (sent as Last-Event-ID).
//
// Everything from the server is untrusted: the parser (sse.go) caps every
// line and event, malformed events are counted and skipped, error bodies
// are read up to a cap. Text is not sanitised here; the front-ends do that
// as for local logs.
//
// Files:
//
//	config.go   MSB_API_URL, MSB_API_KEY and the HTTP client (TLS, timeouts)
//	errors.go   what a front-end tells apart: key refused, no such sandbox, other API errors
//	client.go   GET by name, the paginated list
//	sse.go      the Server-Sent Events parser, with its caps
//	event.go    a "log" event into an engine.Entry
//	stream.go   the log stream: connect, read, reconnect with backoff
//	backoff.go  the jittered exponential delay between reconnects
//
// The fake server the tests run against is package cloud/cloudtest.
package cloud
