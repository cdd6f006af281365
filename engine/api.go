// This file holds the types a caller of the package uses: sources,
// positions and cursors, entries, start points, options, snapshots and the
// errors a caller can tell apart. doc.go maps the rest of the package.

package engine

import (
	"errors"
	"fmt"
	"time"
)

// Source says which stream of a sandbox produced an entry.
type Source uint8

const (
	Stdout Source = iota // a session's standard output
	Stderr               // a session's standard error
	Output               // a PTY session: stdout and stderr merged
	System               // runtime, kernel and lifecycle messages
	numSources
)

// Sources is a set of Source values.
type Sources uint8

const (
	// DefaultSources is what is read when no sources are requested.
	DefaultSources = Sources(1<<Stdout | 1<<Stderr | 1<<Output)
	// AllSources holds every source.
	AllSources = Sources(1<<numSources - 1)
)

// Mark says what kind of entry an Entry is. Most are MarkNone: a log record.
// The others are notices the engine inserts into a stream so a reader can see
// where something happened; they carry no program output.
type Mark uint8

const (
	MarkNone    Mark = iota // an ordinary log record
	MarkGap                 // data was lost here (lenient resume after a missed rotation)
	MarkRestart             // a non-rotating file was truncated or replaced and is read again from 0
	// MarkNotice says something about the reading itself that loses no
	// data: a file in the log directory that is not a regular file (a
	// link, a named pipe, a device) was skipped, or the holder process
	// stopped answering and the stream watches the directory itself.
	MarkNotice
)

// Position is where reading stopped in one file: the file's inode and the
// byte just after the last consumed line.
type Position struct {
	Inode  uint64
	Offset uint64
}

// Entry is one record from a log file.
type Entry struct {
	Time       time.Time // from the record, UTC
	Source     Source
	Session    uint64 // session id; meaningful only when HasSession
	HasSession bool
	// Data is the record's raw bytes (base64 bodies decoded). It is a chunk of
	// program output, not a line: it may end mid-line or hold several lines.
	// It belongs to the caller; the engine never reuses it.
	Data []byte
	// Truncated counts bytes dropped from Data because the record was larger
	// than Options.MaxEntryBytes. The reader still advanced exactly past it.
	Truncated int64
	// Mark is MarkNone for log records; for notices, Data holds a plain-words
	// description and File names the file concerned.
	Mark Mark
	// Origin tells apart the sandboxes of a read of several at once (it
	// indexes the reader's list of them); the engine reads one sandbox
	// and leaves it 0.
	Origin uint16
	// File is the file type ("exec.log", "runtime.log", "kernel.log").
	File string
	// Cursor is the state just after this entry: resuming from it continues
	// with the next entry in every file.
	Cursor Cursor
}

// StartKind says where a read begins.
type StartKind uint8

const (
	StartBeginning StartKind = iota // oldest rotated file first
	StartSince                      // skip entries with t < Since
	StartCursor                     // exactly after a cursor (strict)
	StartLenient                    // after a cursor; a file in no rotation slot resumes at its oldest retained rotation, with a MarkGap entry
	StartEnd                        // the current end of every file: only what is written from now on
)

// Start is where a read begins. Build one with FromBeginning, Since,
// FromCursor, ResumeLenient or FromEnd.
type Start struct {
	Kind   StartKind
	Since  time.Time
	Cursor Cursor
}

func FromBeginning() Start         { return Start{Kind: StartBeginning} }
func Since(t time.Time) Start      { return Start{Kind: StartSince, Since: t} }
func FromCursor(c Cursor) Start    { return Start{Kind: StartCursor, Cursor: c} }
func ResumeLenient(c Cursor) Start { return Start{Kind: StartLenient, Cursor: c} }
func FromEnd() Start               { return Start{Kind: StartEnd} }

// Options configure a snapshot or a stream.
type Options struct {
	Sources Sources // zero means DefaultSources
	Start   Start
	Until   time.Time // non-zero: stop (without emitting it) at the first entry with t >= Until
	Tail    int       // snapshots only: keep the last Tail entries after sorting; 0 keeps all
	// TailBytes, for snapshots, also keeps no more entries from the end
	// than fit in this many bytes as the files hold them (at least the
	// last one); 0 keeps all. It bounds a snapshot's memory whatever its
	// lines hold, where Tail only counts them.
	TailBytes int64
	Follow    bool // streams only: keep reading past the end of the live files
	// PollInterval is the fallback poll for lost filesystem events; zero picks a default.
	PollInterval time.Duration
	// MaxEntryBytes caps one entry's Data; zero picks 8 MiB.
	MaxEntryBytes int
	// Holder, for a follow on Linux, moves the looks at the rotating
	// files into a helper process: this executable run again (see
	// RunHolderIfRequested), which opens every file as it appears and
	// hands it over, so that a producer rotating every few milliseconds
	// loses less to a busy reader; it dies with the stream. If it cannot
	// start, dies, or stops answering, the stream looks by itself as
	// without it.
	Holder bool
	// HolderRealtime has the holder ask for real-time priority
	// (SCHED_FIFO, granted to root or CAP_SYS_NICE), else for a short
	// scheduler slice. It is off by default: a real-time process runs
	// before every ordinary one, so whatever makes it busy (a storm of
	// events in the log directory, which anyone who can write there can
	// make) slows the whole machine.
	HolderRealtime bool
	// HoldBudget, for a follow, bounds the bytes each rotating chain
	// (exec.log, runtime.log) keeps alive in files held open: the
	// reader's, the holder's and those between them. Past it the oldest
	// files that left the slots are let go of unread and reported as a
	// missed rotation of their exact size (hold_budget.go tells what is
	// never let go of). Zero picks DefaultHoldBudget, one retention; a
	// negative budget keeps nothing that can be let go of.
	HoldBudget int64
	// Watch, for a follow, registers the directory with a watcher shared
	// by many streams (one inotify instance for all) instead of starting
	// one of its own; the holder process is not started then, as each
	// would take an inotify instance of its own.
	Watch *WatchHub
	// hist is the History a stream opened by OpenHistory appends to
	// (unexported: only OpenHistory sets it).
	hist *History
}

// Snapshot is everything on disk, sorted by time (stable), with since, until
// and tail applied after sorting.
type Snapshot struct {
	Entries []Entry
	// End is the cursor after all consumed content, including content filtered
	// away: a stream started FromCursor(End) loses and repeats nothing.
	End Cursor
	// Skipped counts malformed records that were passed over.
	Skipped int64
}

// Errors a caller can tell apart with errors.Is and errors.As.
var (
	ErrInvalidName    = errors.New("invalid sandbox name")
	ErrNotFound       = errors.New("sandbox not found")
	ErrInvalidCursor  = errors.New("invalid cursor")
	ErrMissedRotation = errors.New("missed rotation")
)

// InvalidCursorError says which file a cursor does not fit and why.
// errors.Is(err, ErrInvalidCursor) holds for it.
type InvalidCursorError struct {
	File   string // file type, empty when the cursor could not be parsed at all
	Reason string
	// NotOnDisk is set when the position's file is in no slot of its
	// chain: it rotated out of retention, or the cursor belongs to another
	// sandbox (the two look the same). Only then may ResumeLenient go on,
	// at the oldest file kept; a file that is there with an offset that
	// cannot be a position in it is refused by ResumeLenient too.
	NotOnDisk bool
}

func (e *InvalidCursorError) Error() string {
	if e.File == "" {
		return fmt.Sprintf("invalid cursor: %s", e.Reason)
	}
	return fmt.Sprintf("invalid cursor for %s: %s", e.File, e.Reason)
}

func (e *InvalidCursorError) Is(target error) bool { return target == ErrInvalidCursor }

// MissedRotationError ends a stream whose reader fell behind retention: the
// file it was reading rotated past exec.log.4 before it could be drained.
// errors.Is(err, ErrMissedRotation) holds for it.
type MissedRotationError struct {
	File   string // file type
	Offset uint64 // offset reached in the lost file
	// Lost is what is known of how much was lost: the files that rotated
	// away unread and a lower bound of their size, or nothing.
	Lost Loss
	// Last is the cursor after the last entry handed over: resume from it
	// with ResumeLenient.
	Last Cursor
}

func (e *MissedRotationError) Error() string {
	return fmt.Sprintf("missed rotation: %s rotated past retention while the reader was at offset %d", e.File, e.Offset)
}

func (e *MissedRotationError) Is(target error) bool { return target == ErrMissedRotation }

// Sandbox describes one sandbox found under a home directory.
type Sandbox struct {
	Name      string
	LogDir    string
	LastWrite time.Time // newest modification time among its log files
	Size      int64     // total bytes of its log files
	BootError bool      // boot-error.json is present
	// Err says why the log directory could not be read (permission denied,
	// not a directory…); the fields above but Name and LogDir are then
	// zero. One such sandbox does not keep the others from being listed.
	Err error
}

// BootError is the content of boot-error.json: a sandbox that failed to start.
type BootError struct {
	Time    time.Time `json:"t"`
	Stage   string    `json:"stage"` // mount, build_vm, config, network, image, other
	Errno   *int      `json:"errno"`
	Message string    `json:"message"`
}
