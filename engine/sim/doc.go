// Package sim is a simulated microsandbox sandbox: it writes a sandbox's log
// directory byte for byte the way microsandbox's own writers do, so the
// engine, the UI and the command line can be tested, benchmarked and demoed
// on a machine without microsandbox. docs/log-format.md describes the
// format itself; this package is its executable form.
//
// What it mimics, and why each detail matters to a reader:
//
//   - exec.log is JSON Lines, {"t","s","d","id","e"} in that order, one whole
//     record per write (or, with SetBuffered, whole records gathered into
//     one write), so a reader never sees half a record. t is RFC 3339 UTC
//     with milliseconds; d is escaped as serde_json escapes and omitted when
//     empty; id is absent on system records; bytes that are not valid UTF-8
//     are written base64 with "e":"b64". A record's d is a raw chunk of
//     program output: one program line may span several records and one
//     record may hold several lines.
//   - runtime.log goes through the same rotating writer in raw writes of at
//     most 4 KiB, so a rotation can split a line between two files.
//   - kernel.log gets whole lines and never rotates; a reboot can truncate
//     it in place or replace it (TruncateKernel, ReplaceKernel).
//   - Rotation is a rename chain (.3→.4, .2→.3, .1→.2, live→.1, then a fresh
//     live file), never a copy or truncate, so an open descriptor keeps its
//     data and a concurrent reader observes exactly what it would observe
//     against the real producer, including the short moment when the live
//     name does not exist.
//
// Run writes a lively workload on every source: a web server's access log
// on stdout, a worker with warnings and the odd Go panic on stderr, a build
// on a PTY ("output": SGR colour, \r progress redraws, CRLF line ends),
// session start and exit records, runtime diagnostics and kernel lines.
// Every program line carries the token "seq=N" exactly once, just before its
// line end, N counting from 1 per session, so a test can prove that nothing
// was lost or repeated (ParseSeq reads it back); system, runtime and kernel
// lines carry none. The bytes depend only on the seed (and the clock).
// Workload.Hostile mixes in terminal attacks for sanitizer tests.
// FillWindow writes a full retention window quickly for snapshot benchmarks.
//
// The package deliberately does not import sandtail/engine: the engine's own
// tests import it.
package sim
