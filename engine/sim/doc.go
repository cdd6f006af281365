// Package sim is a simulated microsandbox sandbox: it writes a sandbox's log
// directory byte for byte the way microsandbox's own writers do, so the
// engine, the UI and the command line can be tested, benchmarked and demoed
// on a machine without microsandbox.
//
// What it mimics, and why each detail matters to a reader:
//
//   - exec.log is JSON Lines, one whole record per write, so a reader never
//     sees half a record. A record's "d" is a raw chunk of program output:
//     one program line may span several records and one record may hold
//     several lines. Bytes that are not valid UTF-8 are written base64 with
//     "e":"b64".
//   - runtime.log goes through the same rotating writer in raw writes of at
//     most 4 KiB, so a rotation can split a line between two files.
//   - kernel.log gets whole lines and never rotates.
//   - Rotation is a rename chain (.3→.4, .2→.3, .1→.2, live→.1, then a fresh
//     live file), never a copy or truncate, so an open descriptor keeps its
//     data and a concurrent reader observes exactly what it would observe
//     against the real producer, including the short moment when the live
//     name does not exist.
//
// Run produces a lively, deterministic (for a seed) workload on every source,
// in which every program line carries a per-session token "seq=N" so tests
// can prove that nothing was lost or repeated. FillWindow writes a full
// retention window quickly for snapshot benchmarks.
//
// The package deliberately does not import sandtail/engine: the engine's own
// tests import it.
package sim
