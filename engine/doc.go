// Package engine reads the logs of a microsandbox sandbox: a sorted snapshot
// of what is on disk, and a live stream that survives rotation with nothing
// lost or repeated. It knows nothing about how entries are displayed.
//
// This comment is the map of the package, for a first reading. The
// reference is go doc; the log files themselves are described in
// docs/log-format.md and the cursor in docs/cursor.md.
//
// # Words
//
//   - A file type is one row of fileTable: exec.log, runtime.log,
//     kernel.log. Its files on disk are the live file and, for the rotating
//     ones, Name.1 … Name.4: the slots.
//   - A chain is the files of one file type that the engine holds open, in
//     the order they were written. Rotation renames files from slot to
//     slot; a held descriptor keeps reading the same file whatever its name.
//   - An inode identifies a file for a cursor: a Position is (Inode,
//     Offset), one per file type read. Inode numbers can be reused.
//   - A creation number (creationNo) counts the files created under the
//     live name, from the filesystem's own events; it only grows, and lets a
//     look tell which file sits in which slot even mid-rotation, and how
//     many files went by unseen.
//   - A look scans the slots of every chain and opens what is new. A track
//     reads one chain for a Stream, from a start point to the end of each
//     file, then on to its successor.
//   - Retention is how long a file stays in a slot: four rotations. A
//     reader that falls further behind has missed a rotation
//     (MissedRotationError, Loss).
//
// # Files
//
// API:
//
//	api.go                   the types a caller uses: Source, Position, Entry, Start, Options, Snapshot, errors
//	cursor.go                Cursor, its base64 wire form and ParseCursor
//	cursor_len.go            CursorLen: how many positions a read of some sources makes
//	file_table.go            the table of files a sandbox writes; Sources helpers
//	sandboxes.go             Home, ValidateName, LogDir, ListSandboxes, ReadBootError
//	path_error.go            withPath: errors that name what was done to which path
//
// Reading and parsing:
//
//	file_handle.go           fileHandle: a bare descriptor read by offset, closable under reads
//	openat_linux.go          statAt, openAt: system calls by name relative to the directory, without allocating
//	openat_other.go          the same through x/sys/unix elsewhere
//	odd_files.go             only regular files are read (links, pipes, devices are skipped); notice entries
//	line_parser.go           lineParser: lines of one file type into entries, over-long lines cut
//	parse_jsonl.go           the exec.log record decoder
//	parse_text.go            runtime.log and kernel.log lines
//	parse_time.go            fast RFC 3339 parsing
//	kernel_clock.go          kernel.log's uptime stamps placed on the wall clock (anchor per boot)
//	kernel_index.go          the kernel clock in a snapshot's index: kernel times set while indexing, anchor checked against exec.log
//	entry_position.go        Entry.OwnPosition: a record named by its own file's inode and offset
//
// Chains and rotation:
//
//	chain.go                 chain: the held files of one type; scan (a look), gaps, limits
//	creation_numbers.go      creationNo and the counter interface; numbering the slots of a look
//	resolve_start.go         a Start (beginning, time, cursor, end) applied to the chains; cursor checks
//	loss.go                  Loss: what a reader that fell behind knows it lost
//	hold_budget.go           the disk budget: what a chain may hold, letting go of the oldest deleted files
//
// Watching:
//
//	watcher.go               watcher: looks on events and on a fallback poll, wakes the consumer
//	watcher_inotify.go       Linux: the inotify goroutine and the creation counter
//	watcher_fsnotify.go      elsewhere: the same through fsnotify, without counting
//	dir_removed.go           telling a removed log directory from a missed rotation
//	watch_hub_linux.go       WatchHub: one inotify instance and goroutine for many followed directories (Options.Watch)
//	watch_hub_other.go       elsewhere: each stream keeps its own watcher
//
// Holder process (Linux; holder_other.go is the stub elsewhere):
//
//	holder_linux.go          the stream's side: start, hand-over, receiving files
//	holder_check_linux.go    pings: noticing a holder that stopped answering
//	holder_wire_linux.go     the messages on the socket between the two
//	holder_process_linux.go  the holder process itself: RunHolderIfRequested
//
// Snapshot (docs/memory.md says what it holds):
//
//	snapshot.go              ReadSnapshot, ScanSnapshot: the plan, the tail's narrowed windows
//	snapshot_index.go        the first pass: files read in bounded blocks in parallel, a record per line (or run of lines of one time)
//	snapshot_emit.go         the second pass: records merged in time order, filtered, lines read again and handed over in batches
//	snapshot_follow.go       ReadSnapshotFollow, ScanSnapshotFollow: a snapshot and a stream with no gap between them
//	history.go               History: the index kept for everything on disk, read again by ordinal, appended to by its follow, pruned when files leave retention
//	holes.go                 sparse files: holes passed over unread (SEEK_DATA; holes_linux.go, holes_other.go)
//
// Stream:
//
//	stream.go                Stream: Open, Next, Resume, Close
//	stream_track.go          track: one chain read incrementally; rotation, truncation, gaps
//
// # Goroutines
//
// The consumer is the caller's goroutine, in Next (one at a time). It reads
// the tracks, and while busy it also looks at the directory itself (tryLook)
// every millisecond, because the watching goroutine may not be scheduled in
// time. A bounded read (no Follow) starts no goroutine of its own.
//
// Open with Follow starts the watcher's goroutine (runInotify on Linux;
// elsewhere run, fed by fsnotify's own goroutine); the Stream owns it. It
// looks at the chains on chain events and on the fallback poll, checks
// whether the directory was removed, and wakes the consumer through a
// channel of capacity one. Close stops it (stop
// channel plus a byte on a pipe that interrupts its poll) and waits for it.
//
// With Options.Watch, Open starts no goroutine of its own: the directory is
// registered with the WatchHub, whose one goroutine (WatchHub.run) waits on
// one inotify instance for every member and, per member with events, looks
// and wakes its consumer as the watcher's goroutine would; on its fallback
// poll (a second) it does so for all. Close of the stream takes the member
// out (hubMember.detach), after which no look runs for it. No holder is
// started with a hub.
//
// With Options.Holder on Linux, Open also starts the holder process (this
// executable again, as sandtail-holder) and, in this process, the holder's
// receiving goroutine (holder.run). That goroutine hands the newest file of
// each rotating chain over the socket, then receives every file the holder
// opens (SCM_RIGHTS) and appends it to its chain. While the holder is in
// charge, the watcher's looks leave the rotating chains alone and ping the
// holder when the chains changed; a time.AfterFunc timer (expire), reset
// at each ping, kills a holder that does not answer within stuckAfter. When the holder
// goes (killed, died, or the stream closes), the receiving goroutine ends
// and the watcher looks by itself again. Close stops the checks, shuts the
// socket down, waits for the receiving goroutine and then for the process.
//
// The holder process has two goroutines of its own: its main one reads
// pings and releases (what the reader closed, for the disk budget) from the
// socket, and its watcher's goroutine looks, trims each chain to its budget
// and sends what it may (holdSender.flush, run as the watcher's afterLook). It
// ignores SIGINT and exits when the socket closes.
//
// A snapshot indexes files on up to GOMAXPROCS short-lived goroutines
// (parallel), all joined before the lines are read again and handed over
// on the caller's goroutine.
// Cancelling the context given to Open ends the stream from a
// context.AfterFunc goroutine, as Close does; Close may come from another
// goroutine while Next reads (fileHandle.mu makes that safe).
//
// # Locks
//
// Acquired in this order, never the other way round:
//
//	Stream.mu → watcher.gate → holderCheck.mu → chain.mu → fileHandle.mu
//	Stream.mu → watcher.gate → History.mu → fileHandle.mu
//
// What each guards, and where it is taken:
//
//   - Stream.mu guards the tracks and the stream's state. Next holds it
//     while gathering (not while waiting); Close takes it only to mark the
//     stream closed, then stops the holder and the watcher without it.
//   - watcher.gate is a RWMutex: every look read-holds it (the watcher's
//     and the consumer's may run at once; the consumer only tries). The
//     hand-over to a holder and its end write-hold it, so that no look runs
//     while the chains change hands; tests write-hold it to pause looks.
//   - holderCheck.mu guards the pings; it is taken in poke (at the end of a
//     look, gate held), pong and expire, and expire notes its message on a
//     chain under it.
//   - chain.mu guards a chain's files and counters; a scan walks the
//     directory without it and takes it to add what it found.
//   - fileHandle.mu is a RWMutex: reads and fstat read-hold it, Close
//     write-holds it, so a file closed by its chain is never read through a
//     reused descriptor.
//   - History.mu guards a History's records and files. Read read-holds it
//     while reading the files; Append (from Next, Stream.mu held), adopt
//     (a track beginning a file) and keep (a chain letting go of a file,
//     after it released chain.mu) write-hold it; Prune too, and closes
//     the files it lets go of under it. The watcher only tries it, at the
//     end of a look (releaseDeleted): it never waits for a read.
//   - inotifyCounter.mu is a leaf: taken alone, to read and count queued
//     events; no other lock is taken under it. WatchHub.mu is its
//     counterpart for a hub, a leaf too; hubMember.run is taken by the hub
//     goroutine around a member's look (so before watcher.gate) and by
//     detach.
//   - holdConn.mu is a leaf: it serialises sends on the holder's socket
//     (the stream's pings from its watcher, its releases from the reader
//     and the receiving goroutine).
//
// Atomics stand where a lock would cost on a hot path or would have to be
// taken inside another: Stream.skipped, watcher.removed, lookAsked and onLook,
// chain.remote (the holder is in charge of this chain) and openedAt,
// holderCheck.waiting, holdSender.ping, and holder.priority.
package engine
