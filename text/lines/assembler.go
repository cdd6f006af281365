package lines

import (
	"slices"
	"time"
	"unicode/utf8"

	"sandtail/engine"
)

// DefaultMaxLine is the Assembler's cap on one line when NewAssembler is
// given zero.
const DefaultMaxLine = 1 << 20

// maxOpenLines bounds how many keys an Assembler buffers an open line for;
// past it the oldest open line is emitted (incomplete) to make room.
const maxOpenLines = 64

// Line is a display line gathered from pieces.
type Line struct {
	Key Key
	// Text is the line without its '\n'. It may alias the text of the piece
	// it came from (and so an entry's Data); it must not be modified.
	Text []byte
	// Time is the time of the line's first piece.
	Time time.Time
	// Cursor is the cursor of the last entry that contributed to the line.
	Cursor engine.Cursor
	// Mark is the mark of a notice line (MarkGap, MarkRestart).
	Mark engine.Mark
	// Truncated sums the bytes the engine cut from the entries of the line.
	Truncated int64
	// Complete says the line's '\n' was seen (always true for notices). An
	// incomplete line was emitted by Flush, because it exceeded the cap, or
	// because its stream ended it (a gap, a truncated entry, a new line
	// starting on its key).
	Complete bool
	// Cont says Text continues the previous Line of the same key: that one
	// was emitted in parts because it exceeded the cap (or too many keys
	// were open at once).
	Cont bool
}

// openLine is a line being gathered.
type openLine struct {
	line Line
	seq  uint64 // when it was opened, to emit open lines in order
}

// Assembler gathers pieces into whole lines per key, for print mode. No line
// grows past its cap: a longer one is emitted in parts (Complete false, the
// next part with Cont). An Assembler is used by one goroutine at a time.
type Assembler struct {
	maxLine int
	open    map[Key]*openLine
	seq     uint64
}

// NewAssembler returns an Assembler whose lines hold at most maxLine bytes
// (DefaultMaxLine when maxLine <= 0).
func NewAssembler(maxLine int) *Assembler {
	if maxLine <= 0 {
		maxLine = DefaultMaxLine
	}
	return &Assembler{maxLine: maxLine, open: make(map[Key]*openLine)}
}

// Add takes the next piece from a Joiner and calls emit for every line it
// completes. Lines of one key are emitted in order.
func (a *Assembler) Add(p Piece, emit func(Line)) {
	if p.Mark != engine.MarkNone {
		// Mirror the Joiner: a gap ends every open line, a restart its own.
		if p.Mark == engine.MarkGap {
			a.flushOrigin(p.Key.Origin, emit)
		} else {
			a.emitOpen(p.Key, emit)
		}
		emit(Line{Key: p.Key, Text: p.Text, Time: p.Time, Cursor: p.Cursor,
			Mark: p.Mark, Truncated: p.Truncated, Complete: true})
		return
	}
	o := a.open[p.Key]
	if p.Start && o != nil {
		a.emitOpen(p.Key, emit)
		o = nil
	}
	if o == nil {
		if p.End && len(p.Text) <= a.maxLine {
			// A whole line in one piece: the common case, with no copy.
			emit(Line{Key: p.Key, Text: p.Text, Time: p.Time, Cursor: p.Cursor,
				Truncated: p.Truncated, Complete: true, Cont: !p.Start})
			return
		}
		if len(a.open) >= maxOpenLines {
			a.emitOldest(emit)
		}
		a.seq++
		o = &openLine{seq: a.seq, line: Line{Key: p.Key, Time: p.Time, Cont: !p.Start}}
		a.open[p.Key] = o
	}
	o.line.Cursor = p.Cursor
	o.line.Truncated += p.Truncated
	text := p.Text
	for len(o.line.Text)+len(text) > a.maxLine {
		// Emit a part of exactly the cap (backed off to a rune boundary so
		// no character is split), keep the rest.
		n := a.maxLine - len(o.line.Text)
		cut := runeCut(text, n, len(o.line.Text) > 0)
		o.line.Text = append(o.line.Text, text[:cut]...)
		text = text[cut:]
		part := o.line
		part.Text = slices.Clip(part.Text)
		emit(part)
		o.line = Line{Key: p.Key, Time: p.Time, Cursor: p.Cursor, Cont: true}
	}
	o.line.Text = append(o.line.Text, text...)
	if p.End {
		o.line.Complete = true
		a.emitOpen(p.Key, emit)
		return
	}
	if p.Truncated > 0 {
		a.emitOpen(p.Key, emit) // the Joiner closed it: its end was cut away
	}
}

// runeCut returns where to cut text so that at most n bytes of it join the
// current part, backing off (by at most three bytes) to a UTF-8 character
// boundary so no character is split. It returns 0 only when mayBeEmpty (the
// part already holds text); otherwise at least one byte is taken, so every
// cut makes progress. len(text) must be greater than n.
func runeCut(text []byte, n int, mayBeEmpty bool) int {
	for cut := n; cut >= 0 && cut > n-utf8.UTFMax; cut-- {
		if utf8.RuneStart(text[cut]) && (cut > 0 || mayBeEmpty) {
			return cut
		}
	}
	if n == 0 && !mayBeEmpty {
		return 1 // cannot happen: an empty part has the whole cap to fill
	}
	return n
}

// emitOpen emits k's open line, if any, and forgets it.
func (a *Assembler) emitOpen(k Key, emit func(Line)) {
	o := a.open[k]
	if o == nil {
		return
	}
	delete(a.open, k)
	o.line.Text = slices.Clip(o.line.Text)
	emit(o.line)
}

// emitOldest emits the open line that was opened first.
func (a *Assembler) emitOldest(emit func(Line)) {
	var oldest *openLine
	for _, o := range a.open {
		if oldest == nil || o.seq < oldest.seq {
			oldest = o
		}
	}
	if oldest != nil {
		a.emitOpen(oldest.line.Key, emit)
	}
}

// Flush emits every open line (incomplete), oldest first, and forgets them:
// for the end of a bounded read.
func (a *Assembler) Flush(emit func(Line)) {
	for len(a.open) > 0 {
		a.emitOldest(emit)
	}
}

// flushOrigin emits the open lines of one sandbox (Key.Origin), oldest
// first: a gap in it ends them, while other sandboxes' lines go on.
func (a *Assembler) flushOrigin(origin uint16, emit func(Line)) {
	for {
		var oldest *openLine
		for k, o := range a.open {
			if k.Origin == origin && (oldest == nil || o.seq < oldest.seq) {
				oldest = o
			}
		}
		if oldest == nil {
			return
		}
		a.emitOpen(oldest.line.Key, emit)
	}
}
