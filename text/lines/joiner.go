// Package lines turns exec.log chunks into display lines: the unit the
// viewer shows, selects and searches, and print mode writes (see
// docs/viewer.md).
//
// A record's data is a raw chunk of program output, not a line: a record
// whose data does not end in '\n' leaves its line open and the next record of
// the same source and session continues it, and one record with several
// '\n' gives several lines. The Joiner splits entries into Pieces that say
// which line they belong to; the viewer appends them to its ring, and print
// mode feeds them to an Assembler that gathers whole lines.
package lines

import (
	"bytes"
	"time"

	"sandtail/engine"
)

// Key names the stream a line belongs to: lines of different keys never
// join.
type Key struct {
	Source     engine.Source
	Session    uint64 // zero when !HasSession
	HasSession bool
	// File is the entry's file type ("exec.log", "runtime.log" …), so a
	// system line left open in exec.log is never continued by a line of
	// runtime.log, which shares its source.
	File string
	// Origin is the entry's sandbox in a read of several (engine.Entry's
	// Origin): two sandboxes' session 1 are two streams.
	Origin uint16
}

// KeyOf returns the key of an entry.
func KeyOf(e *engine.Entry) Key {
	k := Key{Source: e.Source, HasSession: e.HasSession, File: e.File, Origin: e.Origin}
	if e.HasSession {
		k.Session = e.Session
	}
	return k
}

// Piece is part of one display line, cut from one entry.
type Piece struct {
	Key Key
	// Text is part of one line without its '\n' (it may be empty). It aliases
	// the entry's Data: it must not be modified, and it is only as long-lived
	// as the caller keeps the entry's Data unchanged. A '\r' before the '\n'
	// (CRLF) stays in Text, for the sanitiser to resolve.
	Text []byte
	// Start says this piece begins a new line; otherwise it continues Key's
	// open line.
	Start bool
	// End says the line is complete: its '\n' was seen.
	End bool
	// Time is the entry's time; a line's time is its Start piece's.
	Time time.Time
	// Cursor is the cursor of the entry this piece came from: resuming from
	// it continues after the entry.
	Cursor engine.Cursor
	// Mark is copied from the entry. MarkGap and MarkRestart pieces are whole
	// lines (Start and End) holding the notice's description.
	Mark engine.Mark
	// Truncated is copied from the entry, on its last piece only (where the
	// data was cut).
	Truncated int64
}

// maxOpen bounds how many keys a Joiner remembers as open. Past it, the
// oldest-opened is forgotten: its next chunk starts a new line. Only a
// sandbox running this many sessions at once, each leaving a line unfinished,
// can reach it.
const maxOpen = 1024

// Joiner splits entries into Pieces, remembering which keys have an open
// line. The zero value is ready to use. A Joiner is used by one goroutine at
// a time.
type Joiner struct {
	open  map[Key]uint64 // key → when its line was opened (for eviction)
	clock uint64
}

// Split cuts e into pieces and calls emit for each, in order.
//
// Rules beyond the plain joining: a notice (MarkGap, MarkRestart) is one
// whole line; a gap also closes every open line, since the data that would
// have continued them is lost, and a restart closes its own key's line. A
// truncated entry closes its line too: the bytes that were cut may have held
// its '\n', so the next chunk starts a new line rather than being glued on.
func (j *Joiner) Split(e *engine.Entry, emit func(Piece)) {
	k := KeyOf(e)
	base := Piece{Key: k, Time: e.Time, Cursor: e.Cursor, Mark: e.Mark}
	if e.Mark != engine.MarkNone {
		if e.Mark == engine.MarkGap {
			// Data of this sandbox was lost; the others' lines go on.
			for open := range j.open {
				if open.Origin == k.Origin {
					delete(j.open, open)
				}
			}
		} else {
			delete(j.open, k)
		}
		p := base
		p.Text = bytes.TrimSuffix(e.Data, []byte("\n"))
		p.Start, p.End, p.Truncated = true, true, e.Truncated
		emit(p)
		return
	}
	_, open := j.open[k]
	data := e.Data
	for {
		i := bytes.IndexByte(data, '\n')
		if i < 0 {
			break
		}
		p := base
		p.Text, p.Start, p.End = data[:i:i], !open, true
		data = data[i+1:]
		if len(data) == 0 {
			p.Truncated = e.Truncated
		}
		emit(p)
		open = false
	}
	if len(data) > 0 || e.Truncated > 0 && len(e.Data) == 0 {
		p := base
		p.Text, p.Start, p.Truncated = data, !open, e.Truncated
		emit(p)
		open = e.Truncated == 0
	}
	if open {
		j.markOpen(k)
	} else {
		delete(j.open, k)
	}
}

// markOpen records that k's line is open.
func (j *Joiner) markOpen(k Key) {
	if j.open == nil {
		j.open = make(map[Key]uint64)
	}
	if _, ok := j.open[k]; ok {
		return
	}
	if len(j.open) >= maxOpen {
		var oldest Key
		first := true
		for key, t := range j.open {
			if first || t < j.open[oldest] {
				oldest, first = key, false
			}
		}
		delete(j.open, oldest)
	}
	j.clock++
	j.open[k] = j.clock
}

// Reset forgets every open line, after a stream restart: the next chunk of
// every key starts a new line.
func (j *Joiner) Reset() {
	clear(j.open)
}

// Open reports whether k has an open line.
func (j *Joiner) Open(k Key) bool {
	_, ok := j.open[k]
	return ok
}
