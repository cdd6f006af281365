package engine

import (
	"bytes"
	"errors"
	"io"
	"time"
)

// chunkMax bounds one read of a stream: how much is parsed ahead of the
// consumer per file, and so the memory a stream holds beyond what it hands
// over.
const chunkMax = 1 << 20

// track reads one file type's chain for a Stream: files[0] of its chain,
// from off, then each successor. It is used by the consumer goroutine only.
type track struct {
	idx int // index of its position in a cursor
	ch  *chain
	p   lineParser
	// hist, when set, is told of every file the track begins to read.
	hist *History

	cur     *chainFile
	off     int64 // just after the last consumed line of cur
	readOff int64 // bytes of cur read so far
	// blk is the current read block; blk[ps:] is a line still missing its
	// '\n' (pend). blk[0] lies at file offset base, negative when the block
	// starts with bytes carried over from the rotated file before cur.
	blk  []byte
	ps   int
	base int64
	// trunc is set while a line longer than the cap is being skipped over.
	trunc   *truncState
	scratch []byte

	pending []Entry // parsed; pending[ph:] is not handed over yet
	ph      int
	done    bool  // nothing more will come (bounded read, Until, error)
	err     error // terminal error, returned once pending is handed over

	// seen is what the files read say about the producer's rotation,
	// for the Loss of a missed rotation.
	seen rotSeen
}

// truncState holds what is kept of an over-long line while the rest of it
// is read and dropped.
type truncState struct {
	head    []byte
	tail    []byte // last truncTailBytes bytes seen
	dropped int64
}

func (ts *truncState) addTail(b []byte) {
	if len(b) >= truncTailBytes {
		ts.tail = append(ts.tail[:0], b[len(b)-truncTailBytes:]...)
		return
	}
	ts.tail = append(ts.tail, b...)
	if over := len(ts.tail) - truncTailBytes; over > 0 {
		ts.tail = append(ts.tail[:0], ts.tail[over:]...)
	}
}

// zeroTail is what a hole of at least truncTailBytes leaves in a tail.
var zeroTail [truncTailBytes]byte

// addZeros notes n zero bytes (a hole) as seen.
func (ts *truncState) addZeros(n int64) { ts.addTail(zeroTail[:min(n, truncTailBytes)]) }

// pend returns the unterminated bytes at the end of the block.
func (t *track) pend() []byte { return t.blk[t.ps:] }

// position is the track's cursor position: just after the last consumed line.
func (t *track) position() Position {
	if t.cur == nil {
		return Position{}
	}
	return Position{Inode: t.cur.ino, Offset: uint64(t.off)}
}

// begin sets the track at the start resolved for it.
func (t *track) begin(pt startPoint) {
	t.cur = t.ch.first()
	t.adopted()
	t.off, t.readOff, t.base = pt.off, pt.off, pt.off
	t.pending = append(t.pending, pt.marks...)
}

// advance parses what is available now into pending: it reads one chunk, or
// moves to the next file of the chain. It reports whether anything changed,
// so the caller knows whether asking again can help.
func (t *track) advance(follow bool) (bool, error) {
	if t.done {
		return false, nil
	}
	if t.takeNotices() {
		return true, nil
	}
	if follow {
		t.ch.reserve() // so that the watcher's looks need not allocate
	}
	if t.cur == nil {
		first := t.ch.first()
		if first == nil {
			if !follow {
				t.done = true
			}
			return false, nil
		}
		if g := t.ch.gapOf(first); g.any() {
			return true, t.missed(g)
		}
		t.cur = first
		t.off, t.readOff, t.base, t.blk, t.ps = 0, 0, 0, nil, 0
		t.adopted()
	}
	n, err := t.readChunk()
	if err != nil || n > 0 {
		return n > 0, err
	}
	// End of cur. A successor means cur was rotated or replaced; it was
	// seen before this read, so one more read drains anything written
	// between our last read and the rename.
	succ := t.ch.next()
	if succ == nil {
		if !follow {
			t.done = true
			return false, nil
		}
		return t.checkTruncated()
	}
	if n, err := t.readChunk(); err != nil || n > 0 {
		return n > 0, err
	}
	return true, t.moveTo()
}

// moveTo continues with the next file of the chain, which holds one.
func (t *track) moveTo() error {
	name := t.ch.ft.Name
	if !t.ch.ft.Rotates {
		succ, _ := t.ch.stepOn(true)
		t.cur, t.off, t.readOff, t.base, t.blk, t.ps, t.trunc = succ, 0, 0, 0, nil, 0, nil
		t.adopted()
		t.pending = append(t.pending, restartMark(name, t.idx, t.position(), "was replaced; reading the new file from the start"))
		return nil
	}
	// The unterminated end of the file, taken before stepOn drops it.
	carry := t.pend()
	succ, g := t.ch.stepOn(false)
	if succ == nil {
		return t.missed(g)
	}
	t.sawRotated()
	// A rotated file's unterminated last line continues in the next file:
	// carry it over (or keep skipping it, when over the cap).
	t.cur, t.readOff = succ, 0
	t.adopted()
	if len(carry) == 0 && t.trunc == nil {
		t.off, t.base, t.blk, t.ps = 0, 0, nil, 0
		return nil
	}
	t.blk, t.ps, t.base = carry, 0, -int64(len(carry))
	return nil
}

// adopted tells the track's History, if any, of the file it begins to
// read, before anything of it is handed over.
func (t *track) adopted() {
	if t.hist != nil && t.cur != nil {
		t.hist.adopt(t.idx, t.cur)
	}
}

// sawRotated counts cur, read to its end and rotated, among the rotated
// files seen.
func (t *track) sawRotated() { t.seen.file(t.readOff) }

// noteLines keeps the longest line among freshly parsed entries, measured
// between their positions from t.off. A line skipped in between (malformed,
// or of a source not read) makes the figure larger, which only makes the
// loss reported more cautious; one carried over from the previous file is
// not measured.
func (t *track) noteLines(es []Entry) {
	prev := t.off
	for i := range es {
		o := int64(es[i].Cursor.pos[t.idx].Offset)
		t.seen.line(o - prev)
		prev = o
	}
}

// missed ends the track at gap g: files between the current one (read to
// its end) and the next one were let go of to keep within the budget (their
// sizes known) or rotated away unseen. How many of those is known when the
// looks could count them; how large, when the files read say (see rotSeen).
func (t *track) missed(g gapInfo) error {
	if t.cur != nil {
		t.sawRotated() // it left the slots: it was rotated
	}
	t.done = true
	t.err = &MissedRotationError{File: t.ch.ft.Name, Offset: uint64(t.off), Lost: g.loss(t.seen.perFile(), t.ch.budget)}
	return nil
}

// resumeAfterGap continues a track that stopped at a missed rotation with
// the file after the gap, which the chain holds: a gap notice first, then
// that file from its start. The unterminated end of the file before the gap
// (its line continued in a lost file) is dropped.
func (t *track) resumeAfterGap() {
	var mr *MissedRotationError
	if !errors.As(t.err, &mr) {
		return
	}
	// The file before the gap was read to its end before the miss was
	// reported.
	next, g := t.ch.skipGap(t.cur != nil)
	if next == nil {
		return
	}
	// Taken again: more files may have been let go of since the miss
	// was reported, while the reader was stopped at it.
	lost := mr.Lost
	if g.released > mr.Lost.Released {
		lost = g.loss(t.seen.perFile(), t.ch.budget)
	}
	t.err, t.done = nil, false
	t.cur, t.off, t.readOff, t.base, t.blk, t.ps, t.trunc = next, 0, 0, 0, nil, 0, nil
	t.adopted()
	t.pending = append(t.pending, gapEntry(t.ch.ft.Name, t.idx, t.position(), lost, "the reader fell behind rotation"))
}

// checkTruncated restarts a file that shrank below what was read: it was
// truncated in place (kernel.log) and is read again from 0, marked.
func (t *track) checkTruncated() (bool, error) {
	fs, err := statFile(&t.cur.f)
	if err != nil {
		return false, err
	}
	if fs.size >= t.readOff {
		return false, nil
	}
	t.off, t.readOff, t.base, t.blk, t.ps, t.trunc = 0, 0, 0, nil, 0, nil
	if k := kernelClockOf(t.ch); k != nil {
		k.reset() // a new boot: its stamps count from a new anchor
	}
	t.pending = append(t.pending, restartMark(t.ch.ft.Name, t.idx, t.position(), "was truncated; reading it again from the start"))
	return true, nil
}

// readChunk reads up to chunkMax new bytes of cur and parses the lines they
// complete. It returns the number of bytes read (0 at the end of the file).
func (t *track) readChunk() (int, error) {
	fs, err := statFile(&t.cur.f)
	if err != nil {
		return 0, err
	}
	avail := fs.size - t.readOff
	if avail <= 0 {
		return 0, nil
	}
	n := int(min(avail, chunkMax))
	mtime := time.Unix(0, fs.mtime).UTC()
	if t.trunc != nil {
		return t.skipLong(n, fs.size, mtime)
	}
	pend := t.pend()
	var blk []byte
	if t.ps+len(pend) == len(t.blk) && cap(t.blk)-len(t.blk) >= n {
		// Room after the pending line: nothing handed over lives there.
		blk = t.blk[:len(t.blk)+n]
	} else {
		extra := 0
		if len(pend) > 64<<10 {
			extra = len(pend) // a long line: grow geometrically
		}
		blk = make([]byte, len(pend)+n, len(pend)+n+extra)
		copy(blk, pend)
		t.base += int64(t.ps)
		t.ps = 0
	}
	got, err := t.cur.f.ReadAt(blk[len(blk)-n:], t.readOff)
	if err != nil && err != io.EOF {
		return 0, withPath("read", t.cur.f.Name(), err)
	}
	blk = blk[:len(blk)-n+got]
	t.readOff += int64(got)
	// Parse from the first new '\n': the pending bytes hold none.
	from := t.ps
	if i := bytes.IndexByte(blk[len(blk)-got:], '\n'); i < 0 {
		from = len(blk)
	}
	var next int
	if from < len(blk) {
		n0 := len(t.pending)
		t.pending, next = t.p.parseBlock(blk, t.ps, t.base, t.cur.ino, mtime, t.pending, 1<<62)
		t.noteLines(t.pending[n0:])
		t.placeKernel(t.pending[n0:])
	} else {
		next = t.ps
	}
	if next > t.ps {
		t.off = t.base + int64(next)
	}
	t.blk, t.ps = blk, next
	if len(blk)-next > t.p.maxEntry {
		// The line is over the cap: keep its head, skip the rest.
		p := blk[next:]
		ts := &truncState{head: p[:t.p.maxEntry], dropped: int64(len(p) - t.p.maxEntry)}
		ts.addTail(p[t.p.maxEntry:])
		t.trunc = ts
		t.blk, t.ps, t.base = nil, 0, t.readOff
	}
	return got, nil
}

// skipLong reads past the rest of an over-long line without keeping it;
// a hole before size (a sparse file) is passed over unread.
func (t *track) skipLong(n int, size int64, mtime time.Time) (int, error) {
	if e := holeEnd(&t.cur.f, t.readOff, size); e > t.readOff {
		k := e - t.readOff
		t.trunc.dropped += k
		t.trunc.addZeros(k)
		t.readOff = e
		return int(k), nil
	}
	if cap(t.scratch) < n {
		t.scratch = make([]byte, n)
	}
	b := t.scratch[:n]
	got, err := t.cur.f.ReadAt(b, t.readOff)
	if err != nil && err != io.EOF {
		return 0, withPath("read", t.cur.f.Name(), err)
	}
	b = b[:got]
	ts := t.trunc
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		ts.dropped += int64(got)
		ts.addTail(b)
		t.readOff += int64(got)
		return got, nil
	}
	ts.dropped += int64(i)
	ts.addTail(b[:i])
	t.readOff += int64(i) + 1
	t.seen.line(t.readOff - t.off)
	t.off = t.readOff
	t.trunc = nil
	t.blk, t.ps, t.base = nil, 0, t.readOff
	pos := Position{Inode: t.cur.ino, Offset: uint64(t.off)}
	n0 := len(t.pending)
	t.pending = t.p.appendTruncated(t.pending, ts.head, ts.tail, ts.dropped, pos, mtime)
	t.placeKernel(t.pending[n0:])
	return i + 1, nil
}
