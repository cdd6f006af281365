package engine

import (
	"bytes"
	"sync/atomic"
	"time"
)

// defaultMaxEntryBytes caps one entry's Data when Options.MaxEntryBytes is 0.
const defaultMaxEntryBytes = 8 << 20

// truncTailBytes is how much of the end of an over-long record is kept: the
// fields written after "d" (the session id) live there.
const truncTailBytes = 1024

// lineParser turns the lines of one file type into entries.
type lineParser struct {
	ft       *FileType
	track    int // index of the file's position in a cursor
	maxEntry int
	want     Sources // entries of other sources are consumed but not kept
	skipped  *atomic.Int64
	// init is the cursor each entry starts from (a snapshot sets it to where
	// every file's reading begins); the entry's own position is set on it.
	init Cursor
}

func newLineParser(ft *FileType, track int, opts Options, skipped *atomic.Int64) lineParser {
	maxEntry := opts.MaxEntryBytes
	if maxEntry <= 0 {
		maxEntry = defaultMaxEntryBytes
	}
	return lineParser{ft: ft, track: track, maxEntry: maxEntry, want: opts.Sources.orDefault(), skipped: skipped}
}

// parseBlock parses the complete lines of buf[from:] and appends their
// entries to out until out reaches limit entries. buf[0] lies at file offset
// base (negative when buf starts with bytes carried from the previous file)
// and the file's inode is ino. It returns out and the index just after the
// last '\n' consumed (from, when none). Lines may be rewritten in place, and
// entries alias buf: buf must never be reused.
func (p *lineParser) parseBlock(buf []byte, from int, base int64, ino uint64, mtime time.Time, out []Entry, limit int) ([]Entry, int) {
	var tc timeCache
	return p.parseBlockCached(buf, from, base, ino, mtime, out, limit, &tc)
}

// parseBlockCached is parseBlock with the caller's timestamp cache, for a
// caller that parses many small blocks.
func (p *lineParser) parseBlockCached(buf []byte, from int, base int64, ino uint64, mtime time.Time, out []Entry, limit int, tc *timeCache) ([]Entry, int) {
	start := from
	for start < len(buf) && len(out) < limit {
		i := bytes.IndexByte(buf[start:], '\n')
		if i < 0 {
			break
		}
		end := start + i
		out = p.appendLineCached(out, buf[start:end:end+1], true, Position{Inode: ino, Offset: uint64(base + int64(end) + 1)}, mtime, tc)
		start = end + 1
	}
	return out, start
}

// appendLine appends the entry of one complete line (without its '\n') at
// pos, or counts it as skipped. withNL says the byte after line is its '\n'.
func (p *lineParser) appendLine(out []Entry, line []byte, withNL bool, pos Position, mtime time.Time) []Entry {
	return p.appendLineCached(out, line, withNL, pos, mtime, nil)
}

// appendLineCached is appendLine with a timestamp cache (nil for none).
func (p *lineParser) appendLineCached(out []Entry, line []byte, withNL bool, pos Position, mtime time.Time, tc *timeCache) []Entry {
	if len(line) > p.maxEntry {
		tail := line[len(line)-min(truncTailBytes, len(line)-p.maxEntry):]
		tail = append([]byte(nil), tail...)
		return p.appendTruncated(out, line[:p.maxEntry], tail, int64(len(line)-p.maxEntry), pos, mtime)
	}
	out = append(out, Entry{})
	e := &out[len(out)-1]
	if p.ft.Format == FormatJSONL {
		if !parseJSONLCached(line, e, tc) {
			p.skipped.Add(1)
			out[len(out)-1] = Entry{}
			return out[:len(out)-1]
		}
		if !p.want.Has(e.Source) {
			out[len(out)-1] = Entry{}
			return out[:len(out)-1]
		}
	} else {
		parseText(line, withNL, mtime, e)
	}
	e.File = p.ft.Name
	e.Cursor = p.init
	e.Cursor.pos[p.track] = pos
	return out
}

// appendTruncated appends the entry of a line longer than the cap, from its
// first maxEntry bytes (head) and its last bytes (tail). dropped is the
// number of bytes of the line not kept in head.
func (p *lineParser) appendTruncated(out []Entry, head, tail []byte, dropped int64, pos Position, mtime time.Time) []Entry {
	out = append(out, Entry{})
	e := &out[len(out)-1]
	if p.ft.Format == FormatJSONL {
		if !parseJSONLTruncated(head, tail, e) {
			p.skipped.Add(1)
			return out[:len(out)-1]
		}
		if !p.want.Has(e.Source) {
			return out[:len(out)-1]
		}
	} else {
		parseText(head, false, mtime, e)
	}
	e.Truncated = dropped
	e.File = p.ft.Name
	e.Cursor = p.init
	e.Cursor.pos[p.track] = pos
	return out
}
