package engine

import (
	"bytes"
	"context"
	"io"
	"slices"
	"time"
)

// The first pass of a snapshot: every planned file is read in bounded
// blocks (in parallel over files) and every line parsed, but what is kept
// of a line is only where it is and when it was written: an idxRec. Lines
// in a row of one file that share a time (the untimed lines of a text
// file all take its modification time) share one record, so a file of
// millions of empty lines costs a few hundred records. The second pass
// (snapshot_emit.go) walks the records in time order and reads the lines
// again.

// recKind says what an index record stands for.
type recKind uint8

const (
	// recLines is n whole lines of the file, [off, end), that all parse
	// to entries of one time; lines skipped in between (malformed, or of
	// a source not read) are skipped again when the range is parsed.
	recLines recKind = iota
	// recLong is one line longer than the entry cap: [off, end), its '\n'
	// at end-1. Its head and tail are read again, not the whole line.
	recLong
	// recJoined is a line a rotation split: its entry is kept whole in
	// snapTrack.joined[off] (there is at most one per rotated file).
	recJoined
	// recMark is a notice of the track's start point: snapTrack.marks[off].
	recMark
)

// idxRec is one record of the index: 32 bytes. The viewer's History
// keeps these for the whole retention, one per line or per run of lines
// of one time.
type idxRec struct {
	sec  int64 // the entries' time: seconds and nanoseconds since the epoch
	off  int64
	end  int64 // the position just after the record's last entry
	nsec int32
	file uint16 // index of the file in its track
	n    uint8  // entries (runMaxLines at most)
	kind recKind
}

func (r *idxRec) setTime(t time.Time) { r.sec, r.nsec = t.Unix(), int32(t.Nanosecond()) }
func (r *idxRec) time() time.Time     { return time.Unix(r.sec, int64(r.nsec)).UTC() }

// before orders records by time.
func (r *idxRec) before(o *idxRec) bool {
	return r.sec < o.sec || r.sec == o.sec && r.nsec < o.nsec
}

// idxBlock is how much a file is read at a time while indexing; runMax
// bounds the bytes one recLines record covers, so the second pass reads
// any record in one bounded read.
// runMaxLines bounds its entries, so the entries parsed from one record
// stay a batch's worth.
const (
	idxBlock    = 256 << 10
	runMax      = 64 << 10
	runMaxLines = 255
)

// indexFile reads sf's range and appends a record for every line of it.
func (tr *snapTrack) indexFile(sf *snapFile) error {
	sf.recs, sf.headEnd, sf.lastNL, sf.maxLine = recList{}, -1, -1, 0
	tr.startKernel(sf)
	f := &sf.cf.f
	size := sf.size
	pos := sf.start
	if sf.joinHead {
		// The first line continues the previous file's last line:
		// joinTrack builds it. Find where it ends.
		e, err := nextLineEnd(f, pos, size)
		if err != nil {
			return err
		}
		if e < 0 {
			return nil
		}
		sf.headEnd, sf.lastNL, pos = e, e, e
	}
	ix := fileIndexer{tr: tr, sf: sf, p: tr.p, prev: pos}
	buf := make([]byte, 0, idxBlock)
	base := pos // file offset of buf[0]
	for pos < size {
		if cap(buf)-len(buf) < idxBlock/2 {
			// The pending line fills half the buffer: a long line.
			grown := make([]byte, len(buf), max(2*cap(buf), len(buf)+idxBlock))
			copy(grown, buf)
			buf = grown
		}
		n := int(min(size-pos, int64(cap(buf)-len(buf))))
		got, err := f.ReadAt(buf[len(buf):len(buf)+n], pos)
		if err != nil && err != io.EOF {
			return withPath("read", f.Name(), err)
		}
		if got == 0 {
			break // the file shrank since it was planned
		}
		buf = buf[:len(buf)+got]
		pos += int64(got)
		ls := 0
		for {
			i := bytes.IndexByte(buf[ls:], '\n')
			if i < 0 {
				break
			}
			end := ls + i
			ix.line(buf[ls:end:end+1], base+int64(ls), base+int64(end)+1)
			ls = end + 1
		}
		if ls > 0 {
			sf.lastNL = base + int64(ls)
		}
		if len(buf)-ls > tr.p.maxEntry {
			// A line over the cap and no end yet: keep its head, pass
			// over the rest.
			end, err := ix.long(buf[ls:], base+int64(ls), pos, size)
			if err != nil {
				return err
			}
			if end < 0 {
				return nil // the file ends inside it
			}
			sf.lastNL = end
			buf, base, pos = buf[:0], end, end
			if cap(buf) > 4*idxBlock {
				buf = make([]byte, 0, idxBlock)
			}
			continue
		}
		k := copy(buf, buf[ls:])
		buf = buf[:k]
		base += int64(ls)
	}
	return nil
}

// fileIndexer turns the lines of one file into records.
type fileIndexer struct {
	tr   *snapTrack
	sf   *snapFile
	p    lineParser
	tc   timeCache
	out  []Entry
	prev int64 // position of the previous entry, for the longest line
	run  bool  // the newest record of sf.recs may take the next line of its time
}

// line indexes one complete line [off, end) (line is without its '\n').
func (ix *fileIndexer) line(line []byte, off, end int64) {
	if len(line) > ix.p.maxEntry {
		ix.longEntry(line[:ix.p.maxEntry], line[len(line)-min(truncTailBytes, len(line)-ix.p.maxEntry):], int64(len(line)-ix.p.maxEntry), off, end)
		return
	}
	sf := ix.sf
	ix.out = ix.p.appendLineCached(ix.out[:0], line, true, Position{Inode: sf.cf.ino, Offset: uint64(end)}, sf.mtime, &ix.tc)
	if len(ix.out) == 0 {
		return
	}
	sf.placeIndexed(line, ix.out)
	var r idxRec
	r.setTime(ix.out[0].Time)
	clear(ix.out)
	ix.noteEntry(end)
	if ix.run {
		last := sf.recs.last()
		if last.sec == r.sec && last.nsec == r.nsec && end-last.off <= runMax && last.n < runMaxLines {
			last.end = end
			last.n++
			return
		}
	}
	r.off, r.end, r.n, r.file, r.kind = off, end, 1, uint16(sf.idx), recLines
	sf.recs.add(r)
	ix.run = true
}

// noteEntry keeps the longest line, measured between entry positions.
func (ix *fileIndexer) noteEntry(end int64) {
	ix.sf.maxLine = max(ix.sf.maxLine, end-ix.prev)
	ix.prev = end
}

// longEntry indexes a line over the cap from its head and tail.
func (ix *fileIndexer) longEntry(head, tail []byte, dropped, off, end int64) {
	sf := ix.sf
	ix.out = ix.p.appendTruncated(ix.out[:0], head, tail, dropped, Position{Inode: sf.cf.ino, Offset: uint64(end)}, sf.mtime)
	if len(ix.out) == 0 {
		return
	}
	sf.placeIndexed(head, ix.out)
	r := idxRec{off: off, end: end, n: 1, file: uint16(sf.idx), kind: recLong}
	r.setTime(ix.out[0].Time)
	clear(ix.out)
	ix.noteEntry(end)
	sf.recs.add(r)
	ix.run = false
}

// long follows a line that outgrew the cap: have holds its bytes so far
// (starting at file offset off), and pos is the next byte to read. It
// returns the offset just after the line's '\n', or -1 when the file ends
// first (before size).
func (ix *fileIndexer) long(have []byte, off, pos, size int64) (int64, error) {
	f := &ix.sf.cf.f
	ts := truncState{head: have[:ix.p.maxEntry], dropped: int64(len(have) - ix.p.maxEntry)}
	ts.addTail(have[ix.p.maxEntry:])
	scratch := make([]byte, idxBlock)
	for pos < size {
		if e := holeEnd(f, pos, size); e > pos {
			ts.dropped += e - pos
			ts.addZeros(e - pos)
			pos = e
			continue
		}
		b := scratch[:min(size-pos, idxBlock)]
		got, err := f.ReadAt(b, pos)
		if err != nil && err != io.EOF {
			return 0, withPath("read", f.Name(), err)
		}
		if got == 0 {
			break
		}
		b = b[:got]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			ts.dropped += int64(i)
			ts.addTail(b[:i])
			end := pos + int64(i) + 1
			ix.longEntry(ts.head, ts.tail, ts.dropped, off, end)
			return end, nil
		}
		ts.dropped += int64(got)
		ts.addTail(b)
		pos += int64(got)
	}
	return -1, nil
}

// nextLineEnd returns the offset just after the first '\n' in [from, to),
// or -1 when there is none; holes are passed over unread.
func nextLineEnd(f *fileHandle, from, to int64) (int64, error) {
	buf := make([]byte, min(max(to-from, 0), idxBlock))
	for pos := from; pos < to; {
		if e := holeEnd(f, pos, to); e > pos {
			pos = e
			continue
		}
		b := buf[:min(to-pos, idxBlock)]
		got, err := f.ReadAt(b, pos)
		if err != nil && err != io.EOF {
			return 0, withPath("read", f.Name(), err)
		}
		if got == 0 {
			break
		}
		if i := bytes.IndexByte(b[:got], '\n'); i >= 0 {
			return pos + int64(i) + 1, nil
		}
		pos += int64(got)
	}
	return -1, nil
}

// lineAcc gathers a line from several places (the end of a rotated file
// and the start of the next) up to the entry cap, as a track does.
type lineAcc struct {
	ts  truncState
	max int
}

func (a *lineAcc) add(b []byte) {
	if room := a.max - len(a.ts.head); room > 0 {
		take := min(room, len(b))
		a.ts.head = append(a.ts.head, b[:take]...)
		b = b[take:]
	}
	if len(b) > 0 {
		a.ts.dropped += int64(len(b))
		a.ts.addTail(b)
	}
}

func (a *lineAcc) addZeros(n int64) {
	if room := int64(a.max - len(a.ts.head)); room > 0 {
		take := min(room, n)
		a.ts.head = append(a.ts.head, make([]byte, take)...)
		n -= take
	}
	if n > 0 {
		a.ts.dropped += n
		a.ts.addZeros(n)
	}
}

// addRange adds the bytes [from, to) of f.
func (a *lineAcc) addRange(f *fileHandle, from, to int64) error {
	var buf []byte
	for pos := from; pos < to; {
		if e := holeEnd(f, pos, to); e > pos {
			a.addZeros(e - pos)
			pos = e
			continue
		}
		if buf == nil {
			buf = make([]byte, min(to-from, idxBlock))
		}
		b := buf[:min(to-pos, int64(len(buf)))]
		got, err := f.ReadAt(b, pos)
		if err != nil && err != io.EOF {
			return withPath("read", f.Name(), err)
		}
		if got == 0 {
			break
		}
		a.add(b[:got])
		pos += int64(got)
	}
	return nil
}

// joinTrack builds the lines that rotations split between files (each
// goes first among its second file's records) and sets the track's
// records in file order, marks first.
func (tr *snapTrack) joinTrack() error {
	tr.joined = tr.joined[:0]
	var acc *lineAcc
	for j, sf := range tr.files {
		f := &sf.cf.f
		if sf.joinHead && acc != nil {
			if sf.headEnd < 0 {
				if err := acc.addRange(f, sf.start, sf.size); err != nil {
					return err
				}
			} else {
				if err := acc.addRange(f, sf.start, sf.headEnd-1); err != nil {
					return err
				}
				pos := Position{Inode: sf.cf.ino, Offset: uint64(sf.headEnd)}
				var one []Entry
				if acc.ts.dropped == 0 {
					one = tr.p.appendLine(nil, acc.ts.head, false, pos, sf.mtime)
				} else {
					one = tr.p.appendTruncated(nil, acc.ts.head, acc.ts.tail, acc.ts.dropped, pos, sf.mtime)
				}
				if len(one) == 1 {
					sf.kern.placeJoined(acc.ts.head, one)
					r := idxRec{off: int64(len(tr.joined)), end: sf.headEnd, n: 1, file: uint16(j), kind: recJoined}
					r.setTime(one[0].Time)
					tr.joined = append(tr.joined, one[0])
					head := recList{blocks: [][]idxRec{{r}}, n: 1}
					head.join(&sf.recs)
					sf.recs = head
				}
				acc = nil
			}
		}
		if !sf.carries {
			acc = nil
			continue
		}
		switch {
		case sf.lastNL >= 0:
			acc = &lineAcc{max: tr.p.maxEntry}
			if err := acc.addRange(f, sf.lastNL, sf.size); err != nil {
				return err
			}
		case !sf.joinHead:
			acc = &lineAcc{max: tr.p.maxEntry}
			if err := acc.addRange(f, sf.start, sf.size); err != nil {
				return err
			}
		}
	}
	var first time.Time
	for _, sf := range tr.files {
		if r := sf.recs.first(); r != nil {
			first = r.time()
			break
		}
	}
	if first.IsZero() {
		first = time.Now().UTC()
	}
	var recs recList
	for k := range tr.marks {
		r := idxRec{off: int64(k), n: 1, kind: recMark}
		r.setTime(first)
		recs.add(r)
	}
	for _, sf := range tr.files {
		recs.join(&sf.recs)
	}
	recs.sortStable()
	tr.recs = recs
	return nil
}

// endPosition is the track's position after everything read.
func (tr *snapTrack) endPosition() (end Position) {
	for _, sf := range tr.files {
		if !sf.joinHead {
			end = Position{Inode: sf.cf.ino, Offset: uint64(sf.start)}
		}
		if sf.lastNL >= 0 {
			end = Position{Inode: sf.cf.ino, Offset: uint64(sf.lastNL)}
		}
	}
	return end
}

// planJoins says which files begin with the rest of their predecessor's
// last line: a rotated file whose range does not end in '\n' hands its
// last line on (an empty range passes on what it was handed).
func (tr *snapTrack) planJoins() error {
	carrying := false
	var b [1]byte
	for _, sf := range tr.files {
		sf.joinHead = carrying
		switch {
		case !sf.rotated:
			carrying = false
		case sf.start >= sf.size:
		default:
			got, err := sf.cf.f.ReadAt(b[:], sf.size-1)
			if err != nil && err != io.EOF {
				return withPath("read", sf.cf.f.Name(), err)
			}
			carrying = got == 1 && b[0] != '\n'
		}
		sf.carries = carrying
	}
	return nil
}

// buildIndex indexes every planned file and sets each track's records.
func buildIndex(ctx context.Context, tracks []*snapTrack) error {
	var files []*snapFile
	for _, tr := range tracks {
		if err := tr.planJoins(); err != nil {
			return err
		}
		files = append(files, tr.files...)
	}
	if err := parallel(ctx, files, func(sf *snapFile) error {
		return tracks[sf.track].indexFile(sf)
	}); err != nil {
		return err
	}
	checkKernelIndex(tracks)
	for _, tr := range tracks {
		if err := tr.joinTrack(); err != nil {
			return err
		}
	}
	return nil
}

// recList holds records in blocks of a fixed size: growing it never
// copies what it holds (an append-grown slice of 300k records allocates
// and copies five times its size), and lists join by their blocks.
type recList struct {
	blocks [][]idxRec
	n      int
}

// recBlock is the number of records in a block.
const recBlock = 4096

func (l *recList) add(r idxRec) {
	if k := len(l.blocks); k == 0 || len(l.blocks[k-1]) == cap(l.blocks[k-1]) {
		l.blocks = append(l.blocks, make([]idxRec, 0, recBlock))
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, r)
	l.n++
}

// last is the newest record (the list is not empty).
func (l *recList) last() *idxRec {
	b := l.blocks[len(l.blocks)-1]
	return &b[len(b)-1]
}

// first is the oldest record, nil when there is none.
func (l *recList) first() *idxRec {
	for _, b := range l.blocks {
		if len(b) > 0 {
			return &b[0]
		}
	}
	return nil
}

// join moves o's records after l's.
func (l *recList) join(o *recList) {
	for _, b := range o.blocks {
		if len(b) > 0 {
			l.blocks = append(l.blocks, b[:len(b):len(b)])
		}
	}
	l.n += o.n
	*o = recList{}
}

// each calls fn on every record in order until it returns false.
func (l *recList) each(fn func(*idxRec) bool) {
	for _, b := range l.blocks {
		for k := range b {
			if !fn(&b[k]) {
				return
			}
		}
	}
}

// sortStable sorts the records by time, stably, unless they already are.
func (l *recList) sortStable() {
	var prev *idxRec
	sorted := true
	l.each(func(r *idxRec) bool {
		if prev != nil && r.before(prev) {
			sorted = false
			return false
		}
		prev = r
		return true
	})
	if sorted {
		return
	}
	flat := make([]idxRec, 0, l.n)
	for _, b := range l.blocks {
		flat = append(flat, b...)
	}
	slices.SortStableFunc(flat, func(a, b idxRec) int {
		switch {
		case a.before(&b):
			return -1
		case b.before(&a):
			return 1
		}
		return 0
	})
	l.blocks = [][]idxRec{flat}
}

// recIter walks a recList.
type recIter struct {
	l    *recList
	b, i int
}

// peek returns the current record, nil at the end.
func (it *recIter) peek() *idxRec {
	for it.b < len(it.l.blocks) {
		if blk := it.l.blocks[it.b]; it.i < len(blk) {
			return &blk[it.i]
		}
		it.b, it.i = it.b+1, 0
	}
	return nil
}

func (it *recIter) next() { it.i++ }
