package engine

import (
	"context"
	"io"
	"sync/atomic"
	"time"
)

// The second pass of a snapshot: the tracks' records are merged in time
// order (stable: ties go to the earlier track), Since, Until and Tail are
// applied to them, and the lines they stand for are read again through
// each file's window, parsed again and handed over a batch at a time. The
// entries of a batch alias the windows, which are refilled only after the
// batch was handed over: the consumer must copy what it keeps.

// emitBatch is how many entries are handed over at a time.
const emitBatch = 1024

// winSize is how much of a file a window reads at a time.
const winSize = 256 << 10

// merger walks the records of every track in time order.
type merger struct {
	its []recIter
}

func newMerger(tracks []*snapTrack) *merger {
	m := &merger{its: make([]recIter, len(tracks))}
	for i, tr := range tracks {
		m.its[i] = recIter{l: &tr.recs}
	}
	return m
}

// pop returns the next record in time order and its track, or nil.
func (m *merger) pop() (int, *idxRec) {
	best := -1
	var br *idxRec
	for i := range m.its {
		r := m.its[i].peek()
		if r != nil && (best < 0 || r.before(br)) {
			best, br = i, r
		}
	}
	if best >= 0 {
		m.its[best].next()
	}
	return best, br
}

// window is what a file holds at [off, off+len(buf)).
type window struct {
	buf []byte
	off int64
	// lent is set once its buffer went to another file's window.
	lent bool
}

// emitter hands over the snapshot's entries.
type emitter struct {
	ctx     context.Context
	tracks  []*snapTrack
	fn      func([]Entry) error
	batch   []Entry
	cur     Cursor
	wins    [][]window // per track, per file
	parsers []lineParser
	discard atomic.Int64 // lines skipped again: counted in the first pass
	out     []Entry
	long    []byte
	tc      timeCache
}

// filters is Since and Until as the first and the last time kept.
type filters struct {
	since, until time.Time
}

func (f *filters) drop(r *idxRec) (drop, stop bool) {
	if !f.until.IsZero() && !r.timeBefore(f.until) {
		return true, true
	}
	if !f.since.IsZero() && r.timeBefore(f.since) {
		return true, false
	}
	return false, false
}

// timeBefore is r.time().Before(t) without making r's time.Time: it is
// asked of every record, two or three times over.
func (r *idxRec) timeBefore(t time.Time) bool {
	sec := t.Unix()
	return r.sec < sec || r.sec == sec && r.nsec < int32(t.Nanosecond())
}

func filtersOf(opts Options) filters {
	var f filters
	if opts.Start.Kind == StartSince {
		f.since = opts.Start.Since
	}
	f.until = opts.Until
	return f
}

// count returns how many entries pass Since and Until, how many of them
// Tail drops, and the time of the first one kept (zero when none is).
func count(tracks []*snapTrack, opts Options) (total, skip int, first time.Time) {
	f := filtersOf(opts)
	m := newMerger(tracks)
	for _, r := m.pop(); r != nil; _, r = m.pop() {
		drop, stop := f.drop(r)
		if stop {
			break
		}
		if !drop {
			total += int(r.n)
		}
	}
	if opts.Tail > 0 && total > opts.Tail {
		skip = total - opts.Tail
	}
	if opts.TailBytes > 0 {
		skip = max(skip, bytesSkip(tracks, f, opts.TailBytes, total))
	}
	if skip >= total {
		return total, skip, time.Time{} // none is kept: no need to look
	}
	left := skip
	m = newMerger(tracks)
	for _, r := m.pop(); r != nil; _, r = m.pop() {
		drop, stop := f.drop(r)
		if stop {
			break
		}
		if drop {
			continue
		}
		if left < int(r.n) {
			return total, skip, r.time()
		}
		left -= int(r.n)
	}
	return total, skip, time.Time{}
}

// bytesSkip returns how many of the total entries that pass the filters
// to pass over, whole records at a time, so that what is left takes at
// most limit bytes in the files; the last record is always kept.
func bytesSkip(tracks []*snapTrack, f filters, limit int64, total int) int {
	var held int64
	m := newMerger(tracks)
	for i, r := m.pop(); r != nil; i, r = m.pop() {
		drop, stop := f.drop(r)
		if stop {
			break
		}
		if !drop {
			held += recBytes(tracks[i], r)
		}
	}
	skip := 0
	m = newMerger(tracks)
	for i, r := m.pop(); r != nil && held > limit; i, r = m.pop() {
		drop, stop := f.drop(r)
		if stop {
			break
		}
		if drop {
			continue
		}
		if skip+int(r.n) >= total {
			break // the last record stays
		}
		held -= recBytes(tracks[i], r)
		skip += int(r.n)
	}
	return skip
}

// recBytes is what a record takes in its file (for a joined line or a
// notice, its data).
func recBytes(tr *snapTrack, r *idxRec) int64 {
	switch r.kind {
	case recMark:
		return int64(len(tr.marks[r.off].Data))
	case recJoined:
		return int64(len(tr.joined[r.off].Data))
	}
	return r.end - r.off
}

// emit hands over the entries the records stand for, in time order, with
// the cursor of everything up to each (filtered entries included). expect,
// when not nil, is told first how many entries will come.
func emit(ctx context.Context, tracks []*snapTrack, init Cursor, opts Options, fn func([]Entry) error, expect func(int)) error {
	total, skip, _ := count(tracks, opts)
	if expect != nil {
		expect(total - skip)
	}
	if skip >= total {
		// Nothing to hand over (a --since past the last entry): walking
		// the records only to pass over each would cost as much as
		// counting them did.
		return ctx.Err()
	}
	// The batch is made at its largest (a batch and a record's worth of
	// lines) at once: grown by appending, its copies cost a fresh process
	// page faults on new memory.
	em := &emitter{ctx: ctx, tracks: tracks, fn: fn, cur: init, batch: make([]Entry, 0, emitBatch+runMaxLines)}
	em.wins = make([][]window, len(tracks))
	em.parsers = make([]lineParser, len(tracks))
	for i, tr := range tracks {
		em.wins[i] = make([]window, len(tr.files))
		em.parsers[i] = tr.p
		em.parsers[i].skipped = &em.discard
	}
	f := filtersOf(opts)
	m := newMerger(tracks)
	for i, r := m.pop(); r != nil; i, r = m.pop() {
		drop, stop := f.drop(r)
		if stop {
			break
		}
		if drop {
			em.pass(i, r)
			continue
		}
		from := 0
		if skip > 0 {
			from = min(skip, int(r.n))
			skip -= from
		}
		if from == int(r.n) {
			em.pass(i, r)
			continue
		}
		if err := em.record(i, r, from); err != nil {
			return err
		}
	}
	return em.flush()
}

// pass moves the cursor over a record that is not handed over.
func (em *emitter) pass(i int, r *idxRec) {
	if r.kind == recMark {
		em.cur.pos[i] = em.tracks[i].marks[r.off].Cursor.pos[i]
		return
	}
	em.cur.pos[i] = Position{Inode: em.tracks[i].files[r.file].cf.ino, Offset: uint64(r.end)}
}

// add appends entries made for track i, each with the cursor up to it;
// the first from of them are passed over.
func (em *emitter) add(i int, es []Entry, from int) error {
	for k := range es {
		em.cur.pos[i] = es[k].Cursor.pos[i]
		if k < from {
			continue
		}
		e := es[k]
		e.Cursor = em.cur
		em.batch = append(em.batch, e)
	}
	if len(em.batch) >= emitBatch {
		return em.flush()
	}
	return nil
}

// flush hands the batch over.
func (em *emitter) flush() error {
	if err := em.ctx.Err(); err != nil {
		return err
	}
	if len(em.batch) == 0 {
		return nil
	}
	err := em.fn(em.batch)
	clear(em.batch)
	em.batch = em.batch[:0]
	return err
}

// record hands over the entries of r, but for the first from.
func (em *emitter) record(i int, r *idxRec, from int) error {
	tr := em.tracks[i]
	switch r.kind {
	case recMark:
		return em.add(i, tr.marks[r.off:r.off+1], from)
	case recJoined:
		return em.add(i, tr.joined[r.off:r.off+1], from)
	}
	sf := tr.files[r.file]
	p := &em.parsers[i]
	if r.kind == recLong {
		if err := em.flush(); err != nil {
			return err
		}
		head, tail, err := em.longParts(sf, r, p.maxEntry)
		if err != nil {
			return err
		}
		dropped := r.end - 1 - r.off - int64(p.maxEntry)
		pos := Position{Inode: sf.cf.ino, Offset: uint64(r.end)}
		em.out = p.appendTruncated(em.out[:0], head, tail, dropped, pos, sf.mtime)
		sf.kern.timeAs(em.out, r)
		if err := em.add(i, em.out, from); err != nil {
			return err
		}
		clear(em.out)
		return em.flush() // the entry aliases em.long
	}
	b, err := em.bytes(i, int(r.file), r.off, r.end)
	if err != nil {
		return err
	}
	// Parsed straight into the batch, not into em.out to be copied over:
	// most records are one line, and the copy was a tenth of them.
	n0 := len(em.batch)
	em.batch, _ = p.parseBlockCached(b, 0, r.off, sf.cf.ino, sf.mtime, em.batch, 1<<62, &em.tc)
	sf.kern.timeAs(em.batch[n0:], r)
	return em.addedInPlace(i, n0, from)
}

// addedInPlace is add for the entries the batch got from n0 on, made for
// track i: each gets the cursor up to it, and the first from of them are
// passed over.
func (em *emitter) addedInPlace(i, n0, from int) error {
	kept := n0
	for k := n0; k < len(em.batch); k++ {
		em.cur.pos[i] = em.batch[k].Cursor.pos[i]
		if k-n0 < from {
			continue
		}
		if kept != k {
			em.batch[kept] = em.batch[k]
		}
		em.batch[kept].Cursor = em.cur
		kept++
	}
	clear(em.batch[kept:])
	em.batch = em.batch[:kept]
	if len(em.batch) >= emitBatch {
		return em.flush()
	}
	return nil
}

// longParts reads again the head (the cap's worth) and the tail (what
// follows the cap, up to truncTailBytes, before the '\n') of a long line.
func (em *emitter) longParts(sf *snapFile, r *idxRec, maxEntry int) (head, tail []byte, err error) {
	if cap(em.long) < maxEntry {
		em.long = make([]byte, maxEntry)
	}
	head = em.long[:maxEntry]
	got, err := sf.cf.f.ReadAt(head, r.off)
	if err != nil && err != io.EOF {
		return nil, nil, withPath("read", sf.cf.f.Name(), err)
	}
	head = head[:got]
	lineEnd := r.end - 1
	n := min(int64(truncTailBytes), lineEnd-r.off-int64(maxEntry))
	tail = make([]byte, max(n, 0))
	if len(tail) > 0 {
		got, err := sf.cf.f.ReadAt(tail, lineEnd-n)
		if err != nil && err != io.EOF {
			return nil, nil, withPath("read", sf.cf.f.Name(), err)
		}
		tail = tail[:got]
	}
	return head, tail, nil
}

// idleBuffer takes the buffer of another file's window of track i for
// file j's first read, when one has a buffer it has not lent before (nil
// when none has). A track's files are read one after the other, so one
// buffer serves them all, where a buffer each cost a fresh process a page
// fault for every 4 KiB of them. A window that lent its buffer and is read
// again (records out of time order across a rotation) gets one of its
// own: lending once each bounds the reads it costs. Nothing aliases the
// windows here: bytes hands the batch over before it refills one.
func (em *emitter) idleBuffer(i, j int) []byte {
	for k := range em.wins[i] {
		w := &em.wins[i][k]
		if k != j && w.buf != nil && !w.lent {
			b := w.buf[:0]
			w.buf, w.off, w.lent = nil, 0, true
			return b
		}
	}
	return nil
}

// bytes returns the bytes [from, to) of file j of track i, through its
// window. A refill hands the batch over first: its entries alias the
// windows.
func (em *emitter) bytes(i, j int, from, to int64) ([]byte, error) {
	w := &em.wins[i][j]
	if from >= w.off && to <= w.off+int64(len(w.buf)) {
		return w.buf[from-w.off : to-w.off], nil
	}
	if err := em.flush(); err != nil {
		return nil, err
	}
	sf := em.tracks[i].files[j]
	n := max(to-from, min(winSize, sf.size-from))
	if w.buf == nil {
		w.buf = em.idleBuffer(i, j)
	}
	if int64(cap(w.buf)) < n || cap(w.buf) > 4*winSize && n <= winSize {
		w.buf = make([]byte, max(n, winSize))
	}
	b := w.buf[:n]
	got, err := sf.cf.f.ReadAt(b, from)
	if err != nil && err != io.EOF {
		return nil, withPath("read", sf.cf.f.Name(), err)
	}
	w.buf, w.off = b[:got], from
	return w.buf[:min(int64(got), to-from)], nil
}
