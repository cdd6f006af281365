package tui

import (
	"time"

	"sandtail/engine"
	"sandtail/text/level"
)

// maxLineBytes caps the bytes kept for one display line. A program that
// prints megabytes without a newline must not make one line eat the memory
// meant for the whole buffer; the rest is counted and the line is marked.
const maxLineBytes = 16 << 10

// line is one display line: everything needed to filter it and draw it
// fast, without the engine entry it came from. It is kept small: a full
// buffer holds hundreds of thousands of them.
type line struct {
	// text is the line's bytes as the program wrote them (capped at
	// maxLineBytes), without the trailing newline. It is kept so toggling
	// colour or the raw view redraws from the original.
	text string
	// plain is the sanitised text without styles: what search and filter
	// match and what y copies. For the common line that needs no
	// sanitising it shares text's memory.
	plain string
	// from is the cursor just before the entry that started this line
	// (zero when unknown): Y copies a command that resumes from it.
	from engine.Cursor
	// unixNano is the time of the line's first chunk.
	unixNano  int64
	session   uint64
	truncated int64 // bytes dropped (by the engine's entry cap or maxLineBytes)
	width     int32 // plain's width in cells
	source    engine.Source
	mark      engine.Mark
	// origin is the line's sandbox when several are read (Entry.Origin).
	origin uint16
	// hasSession is false for system lines, which belong to no session.
	hasSession bool
	// open is true while the line's last chunk had no newline: more
	// chunks of the same source and session may still extend it.
	open bool
	// overstruck is true when a \r or \b hid text the line had drawn.
	overstruck bool
	// at is where the record that started the line ends in its own file
	// (inode and offset), and file which file that is (fileExec…, 0 when
	// unknown): together with nth they name the line across rotation and
	// restarts, for marks.
	at   engine.Position
	file uint8
	// lvl is the level the line states (level.None for most output).
	lvl level.Level
	// aid holds the reading aids' per-line flags (aidContext…).
	aid aidFlags
	// ord is the History ordinal of the entry that started the line, -1
	// when the view has no History (several sandboxes, the cloud) or the
	// viewer made the line itself.
	ord int
	// nth is the line's place among the lines a read starting at from
	// would make of its entry (a continued line's piece counts as one):
	// Y passes nth+1 as --line, so a partner opens at this very line.
	nth uint32
}

// time returns the time of the line's first chunk.
func (l *line) time() time.Time { return time.Unix(0, l.unixNano) }
