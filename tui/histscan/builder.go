// Package histscan searches the whole log history in the background: it
// rebuilds the viewer's display lines from the entries on disk, chunk by
// chunk, and keeps the place of every line a query keeps, so the viewer can
// show progress and jump between matches while the scan goes on.
//
// A hit must name the very line the viewer shows, so the Builder here
// mirrors the viewer's line building in tui/ingest.go (ingest, addPiece,
// extend, appendCapped, line.setText) over the pieces of text/lines'
// Joiner. A change to one must be made to the other.
package histscan

import (
	"cmp"
	"math"
	"slices"
	"time"
	"unsafe"

	"sandtail/engine"
	"sandtail/text/lines"
	"sandtail/text/sanitize"
)

// MaxLineBytes caps the text of one line, as tui's maxLineBytes does: the
// rest is counted in Line.Truncated and never searched.
const MaxLineBytes = 16 << 10

// joinerMaxOpen is the bound of lines.Joiner on the keys it keeps open. The
// Builder's open lines are swept when they reach twice as many; the sweep's
// correctness does not depend on the number, only the memory bound does.
const joinerMaxOpen = 1024

// sweepAt is the number of open lines past which the Builder drops the
// ones whose key the Joiner no longer keeps open.
const sweepAt = 2 * joinerMaxOpen

// Line is one display line as the viewer builds it.
type Line struct {
	Ord int // ordinal of the entry whose piece started the line
	// Nth is the index of that piece among the pieces lines.Joiner.Split
	// gives for its entry (the viewer's line.nth).
	Nth uint32
	// Text is the line's raw bytes, capped at MaxLineBytes.
	Text string
	// Plain is sanitize's Plain of Text, as the viewer's line.setText
	// computes it: what search and filter look at.
	Plain      string
	Time       time.Time // the starting piece's time
	Source     engine.Source
	Session    uint64 // zero when !HasSession
	HasSession bool
	Mark       engine.Mark
	Origin     uint16
	// Truncated counts the bytes of the line that are not in Text: cut by
	// the engine (an entry over its size limit) or past MaxLineBytes.
	Truncated int64
	// Cursor is the cursor just after the entry that started the line
	// (what the viewer's save writes for it).
	Cursor engine.Cursor
}

// openLine is a line whose '\n' has not come yet. Its text grows in a
// byte slice and becomes Line.Text only when the line is emitted, so a line
// of many pieces is copied once, not once per piece.
type openLine struct {
	line Line
	text []byte
	seq  uint64 // when it started, to emit open lines in the order they began
}

// Builder turns entries into display lines exactly as the viewer does
// (tui/ingest.go): each entry is cut by a lines.Joiner; a piece that does not
// start a line extends its key's open line, a piece that starts one closes
// the key's previous line first, and a line stays open until a piece with
// End. The zero value is ready to use; a Builder is used by one goroutine
// at a time.
//
// Lines are emitted when they close, which is not the order they started
// in: a line left open on stdout is emitted after the stderr lines that
// came while it was open. Each Line is emitted once, and the *Line passed
// to emit is valid only during the call (copy it to keep it).
type Builder struct {
	// Share lets the Text and Plain of a line made of one piece (most
	// lines) share the memory of the entry's Data instead of copying it:
	// a scan that only looks at each line once then allocates nothing per
	// line. Set it only when no entry's Data is ever modified, and copy
	// (strings.Clone) what is kept beyond emit, or it holds the whole
	// entry's Data alive.
	Share bool

	joiner lines.Joiner
	open   map[lines.Key]*openLine
	seq    uint64
	one    Line          // the line of a single piece, reused to spare an allocation
	cur    engine.Cursor // the cursor after the entry being added
}

// Add cuts entry e, whose ordinal is ord, into pieces and calls emit for
// every line that closes on the way.
func (b *Builder) Add(ord int, e *engine.Entry, emit func(*Line)) {
	var nth uint32
	b.cur = e.Cursor
	b.joiner.Split(e, func(p lines.Piece) {
		b.addPiece(ord, nth, p, emit)
		if nth < math.MaxUint32 {
			nth++
		}
	})
	if len(b.open) > sweepAt {
		b.sweep(emit)
	}
}

// addPiece applies one piece, as the viewer's addPiece does.
func (b *Builder) addPiece(ord int, nth uint32, p lines.Piece, emit func(*Line)) {
	if ol, ok := b.open[p.Key]; ok {
		if !p.Start {
			b.extend(ol, p, emit)
			return
		}
		// A new line closes the key's previous one even if its newline
		// never came (a restart or a mark in between).
		delete(b.open, p.Key)
		b.emitOpen(ol, emit)
	}
	l := Line{
		Ord:        ord,
		Nth:        nth,
		Time:       p.Time,
		Source:     p.Key.Source,
		Session:    p.Key.Session,
		HasSession: p.Key.HasSession,
		Mark:       p.Mark,
		Origin:     p.Key.Origin,
		Truncated:  p.Truncated,
		Cursor:     b.cur,
	}
	if p.End {
		// The common line of one piece never enters the open map.
		b.one = l
		if b.Share {
			b.one.Text = shareCapped(p.Text, &b.one.Truncated)
		} else {
			b.one.Text = appendCapped("", p.Text, &b.one.Truncated)
		}
		b.one.Plain = plainOf(b.one.Text)
		emit(&b.one)
		return
	}
	if b.open == nil {
		b.open = make(map[lines.Key]*openLine)
	}
	b.seq++
	ol := &openLine{line: l, seq: b.seq}
	ol.text = appendCappedBytes(nil, p.Text, &ol.line.Truncated)
	b.open[p.Key] = ol
}

// extend appends a continuation piece to an open line, and emits it when
// the piece ends it.
func (b *Builder) extend(ol *openLine, p lines.Piece, emit func(*Line)) {
	ol.text = appendCappedBytes(ol.text, p.Text, &ol.line.Truncated)
	ol.line.Truncated += p.Truncated
	if p.End {
		delete(b.open, p.Key)
		b.emitOpen(ol, emit)
	}
}

// emitOpen gives an open line its final text and emits it.
func (b *Builder) emitOpen(ol *openLine, emit func(*Line)) {
	ol.line.Text = string(ol.text)
	ol.line.Plain = plainOf(ol.line.Text)
	emit(&ol.line)
}

// sweep emits and forgets the open lines whose key the Joiner has
// forgotten (past its own bound, or after a gap or a truncated entry): the
// Joiner will start that key's next piece as a new line, so nothing can
// extend them any more. Closing them now changes no line, and keeps the
// Builder's memory bounded by the Joiner's.
func (b *Builder) sweep(emit func(*Line)) {
	var done []*openLine
	for k, ol := range b.open {
		if !b.joiner.Open(k) {
			done = append(done, ol)
			delete(b.open, k)
		}
	}
	slices.SortFunc(done, func(x, y *openLine) int { return cmp.Compare(x.seq, y.seq) })
	for _, ol := range done {
		b.emitOpen(ol, emit)
	}
}

// Open calls fn for every line still open, in the order they started, with
// the text they have now. The lines stay open: later entries may still
// extend them. The *Line is valid only during the call.
func (b *Builder) Open(fn func(*Line)) {
	for _, ol := range b.sortedOpen() {
		l := ol.line
		l.Text = string(ol.text)
		l.Plain = plainOf(l.Text)
		fn(&l)
	}
}

// Flush emits every open line, in the order they started, and forgets them
// and the Joiner's state: the end of the entries ends every line.
func (b *Builder) Flush(emit func(*Line)) {
	open := b.sortedOpen()
	clear(b.open)
	b.joiner.Reset()
	for _, ol := range open {
		b.emitOpen(ol, emit)
	}
}

// OldestOpen is the place (entry and piece) of the oldest line still
// open; ok is false when none is. Lines emitted so far that start before
// it can be put in order: nothing older can come.
func (b *Builder) OldestOpen() (ord int, nth uint32, ok bool) {
	for _, ol := range b.open {
		if !ok || ol.line.Ord < ord || ol.line.Ord == ord && ol.line.Nth < nth {
			ord, nth, ok = ol.line.Ord, ol.line.Nth, true
		}
	}
	return ord, nth, ok
}

// OpenLines reports how many lines are open.
func (b *Builder) OpenLines() int { return len(b.open) }

// sortedOpen lists the open lines in the order they started.
func (b *Builder) sortedOpen() []*openLine {
	all := make([]*openLine, 0, len(b.open))
	for _, ol := range b.open {
		all = append(all, ol)
	}
	slices.SortFunc(all, func(x, y *openLine) int { return cmp.Compare(x.seq, y.seq) })
	return all
}

// plainOf is the viewer's plain text of a line (line.setText).
func plainOf(text string) string {
	return sanitize.LineString(text, sanitize.Options{TabWidth: 8}).Plain
}

// appendCapped is the viewer's appendCapped: add appended to s up to
// MaxLineBytes, what does not fit counted in *dropped. The result never
// aliases add, which may be an entry's data.
func appendCapped(s string, add []byte, dropped *int64) string {
	room := max(MaxLineBytes-len(s), 0)
	if len(add) > room {
		*dropped += int64(len(add) - room)
		add = add[:room]
	}
	return s + string(add)
}

// shareCapped is appendCapped("", add, dropped) without the copy: the
// string shares add's memory, which must never change.
func shareCapped(add []byte, dropped *int64) string {
	if len(add) > MaxLineBytes {
		*dropped += int64(len(add) - MaxLineBytes)
		add = add[:MaxLineBytes]
	}
	return unsafe.String(unsafe.SliceData(add), len(add))
}

// appendCappedBytes is appendCapped for an open line's growing text.
func appendCappedBytes(text, add []byte, dropped *int64) []byte {
	room := max(MaxLineBytes-len(text), 0)
	if len(add) > room {
		*dropped += int64(len(add) - room)
		add = add[:room]
	}
	return append(text, add...)
}
