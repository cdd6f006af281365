package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// A History is everything a sandbox's files hold, in the order a snapshot
// hands it over, kept as an index rather than a copy: per record, where it
// is and when it was written (32 bytes, one record per line, or per run of
// lines of one time), with the text read again from the files on demand.
// Entries are addressed by their ordinal, 0 the oldest. A follow stream
// opened with it appends what it reads (Append), so live entries are
// reachable the same way once they scroll out of a viewer's memory.
//
// The files stay readable through the descriptors the snapshot and the
// stream opened: when the stream is done with a file, the History takes
// its descriptor over instead of it being closed (one descriptor per file,
// never a second). A file that leaves retention (deleted by the producer's
// rotation) would keep its bytes alive on disk for as long as it is held,
// so Prune lets go of it and puts a notice where its lines were.
type History struct {
	mu     sync.RWMutex
	byFile map[*chainFile]*histFile // the files adopted, by their chain entry
	byIno  map[uint64]*histFile     // the same, by inode
	tr     []histTrack              // per track: its records
	// order is the track of each record in display order: one byte a
	// record, the records themselves staying where the index put them.
	order  []uint8
	ckpts  []hckpt
	n      int          // entries
	mem    []Entry      // entries kept whole: notices, lines a rotation split
	ps     []lineParser // per track
	tracks map[string]int
	last   Cursor // the cursor after the newest entry appended
	end    Cursor // the snapshot's end: where the stream began
	skip   int64  // malformed records passed over by the snapshot
	closed bool
}

// histTrack is the records of one file type, in display order among
// themselves: the snapshot index's blocks, then those appended.
type histTrack struct {
	blocks [][]idxRec
	starts []int // the index of each block's first record
	n      int
	files  []*histFile // a record's file is its index here
}

// at is record i of the track.
func (t *histTrack) at(i int) *idxRec {
	b := sort.Search(len(t.starts), func(k int) bool { return t.starts[k] > i }) - 1
	return &t.blocks[b][i-t.starts[b]]
}

// add appends r.
func (t *histTrack) add(r idxRec) {
	if k := len(t.blocks); k == 0 || len(t.blocks[k-1]) == cap(t.blocks[k-1]) {
		t.blocks = append(t.blocks, make([]idxRec, 0, recBlock))
		t.starts = append(t.starts, t.n)
	}
	b := &t.blocks[len(t.blocks)-1]
	*b = append(*b, r)
	t.n++
}

// take makes the track's list l's blocks, without copying them.
func (t *histTrack) take(l *recList) {
	for _, b := range l.blocks {
		if len(b) > 0 {
			t.blocks = append(t.blocks, b)
			t.starts = append(t.starts, t.n)
			t.n += len(b)
		}
	}
	*l = recList{}
}

// historyRecordBytes bounds what the History holds per record: the
// index record (idxRec), one byte of display order, a share of a
// checkpoint. docs/memory.md states it.
const historyRecordBytes = 35

// recMem is a record whose entry the History keeps whole (History.mem).
const recMem recKind = 8

// ckptEvery is how many records lie between two checkpoints: a read walks
// at most this many records from one to where it starts.
const ckptEvery = 64

// hckpt is where the walk stands before record k*ckptEvery of the
// display order: the ordinal of its first entry, the cursor just before
// it, and the index of the next record of each track.
type hckpt struct {
	ord int
	cur Cursor
	idx [len(fileTable)]int32
}

// histFile is a file the History reads from.
type histFile struct {
	cf    *chainFile
	mtime time.Time
	track int
	local int    // its index in its track's files
	name  string // the path it was opened by
	owned bool   // the History closes it (the chain let go of it)
	// deleted is set when the History closed it because the producer
	// deleted it (releaseDeleted); Prune then takes its records out.
	deleted bool
	gone    bool // released: its records were taken out
}

// OpenHistory indexes what the files hold now (per opts.Start, Sources and
// Until; Tail is ignored) and returns the History and a stream that goes on
// exactly after it (a follow when opts.Follow is set), as
// ReadSnapshotFollow does. Close the stream before the History.
func OpenHistory(ctx context.Context, dir string, opts Options) (*History, *Stream, error) {
	sopts := opts
	sopts.Tail, sopts.TailBytes = 0, 0
	h := &History{byFile: map[*chainFile]*histFile{}, byIno: map[uint64]*histFile{}, tracks: map[string]int{}}
	sopts.hist = h
	s, pts, err := openUnread(ctx, dir, sopts)
	if err != nil {
		return nil, nil, err
	}
	ix, err := indexSnapshot(ctx, s.chains, pts, sopts)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	// The files before where the stream starts leave the chains as it
	// is set there: the History keeps their descriptors.
	h.fill(ix, sopts)
	if err := s.continueAt(ix.snap.End, ix.seen(), h); err != nil {
		s.Close()
		h.Close()
		return nil, nil, err
	}
	return h, s, nil
}

// fill takes the snapshot index's records over and lays out their
// display order (time order across the tracks).
func (h *History) fill(ix *snapIndex, opts Options) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.end, h.last, h.skip = ix.snap.End, ix.snap.End, ix.snap.Skipped
	h.tr = make([]histTrack, len(ix.tracks))
	total := 0
	for i, tr := range ix.tracks {
		p := tr.p
		// Records skipped again on a read were counted when indexed.
		p.skipped = new(atomic.Int64)
		h.ps = append(h.ps, p)
		h.tracks[tr.ch.ft.Name] = i
		for _, sf := range tr.files {
			// In the track's order: a record's file is its index there.
			h.adoptLocked(i, sf.cf, sf.mtime)
		}
		total += tr.recs.n
	}
	h.order = make([]uint8, 0, total)
	h.ckpts = make([]hckpt, 0, total/ckptEvery+1)
	f := filtersOf(opts)
	cur := ix.init
	var idx [len(fileTable)]int32
	m := newMerger(ix.tracks)
	for i, r := m.pop(); r != nil; i, r = m.pop() {
		drop, stop := f.drop(r)
		if stop {
			break
		}
		tr := ix.tracks[i]
		var pos Position
		switch r.kind {
		case recMark, recJoined:
			e := tr.marks
			if r.kind == recJoined {
				e = tr.joined
			}
			k := r.off
			pos = e[k].Cursor.pos[i]
			r.kind, r.off = recMem, int64(len(h.mem))
			h.mem = append(h.mem, e[k])
		default:
			pos = Position{Inode: tr.files[r.file].cf.ino, Offset: uint64(r.end)}
		}
		if !drop {
			// Since drops only records older than every one kept: a
			// walk from a checkpoint never meets them.
			h.addOrder(i, int(r.n), cur, idx)
		}
		idx[i]++
		cur.pos[i] = pos
	}
	for i, tr := range ix.tracks {
		h.tr[i].take(&tr.recs)
		h.tr[i].truncate(int(idx[i])) // past Until: never shown
	}
}

// truncate drops the records from i on.
func (t *histTrack) truncate(i int) {
	for len(t.blocks) > 0 && t.starts[len(t.starts)-1] >= i {
		t.blocks, t.starts = t.blocks[:len(t.blocks)-1], t.starts[:len(t.starts)-1]
	}
	if k := len(t.blocks) - 1; k >= 0 {
		t.blocks[k] = t.blocks[k][: i-t.starts[k] : i-t.starts[k]]
	}
	t.n = min(t.n, i)
}

// addOrder puts the next record of track t, of n entries, at the end of
// the display order; before is the cursor just before it and idx the
// index of each track's next record.
func (h *History) addOrder(t, n int, before Cursor, idx [len(fileTable)]int32) {
	if len(h.order)%ckptEvery == 0 {
		h.ckpts = append(h.ckpts, hckpt{ord: h.n, cur: before, idx: idx})
	}
	h.order = append(h.order, uint8(t))
	h.n += n
}

// counts is the number of records of each track.
func (h *History) counts() (idx [len(fileTable)]int32) {
	for i := range h.tr {
		idx[i] = int32(h.tr[i].n)
	}
	return idx
}

// adoptLocked records cf as the next file of track i.
func (h *History) adoptLocked(i int, cf *chainFile, mtime time.Time) *histFile {
	if f, ok := h.byFile[cf]; ok {
		return f
	}
	for len(h.tr) <= i {
		h.tr = append(h.tr, histTrack{})
	}
	f := &histFile{cf: cf, mtime: mtime, track: i, local: len(h.tr[i].files), name: cf.f.Name()}
	h.tr[i].files = append(h.tr[i].files, f)
	h.byFile[cf] = f
	h.byIno[cf.ino] = f
	return f
}

// adopt is told by the stream of every file it begins to read, before it
// hands over anything from it.
func (h *History) adopt(i int, cf *chainFile) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	h.adoptLocked(i, cf, time.Time{})
}

// keep is asked by a chain about to close cf: the History takes the
// descriptor over when it reads from that file.
func (h *History) keep(cf *chainFile) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, ok := h.byFile[cf]
	if !ok || h.closed {
		return false
	}
	f.owned = true
	return true
}

// Len is the number of entries.
func (h *History) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.n
}

// End is the cursor where the stream opened with the History began.
func (h *History) End() Cursor { return h.end }

// Skipped counts the malformed records the index passed over.
func (h *History) Skipped() int64 { return h.skip }

// Append adds entries a stream opened with the History handed over, in
// the order it did. Ordinals go on from Len.
func (h *History) Append(es []Entry) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for k := range es {
		h.appendOne(&es[k])
	}
}

func (h *History) appendOne(e *Entry) {
	before := h.last
	i, ok := h.tracks[e.File]
	if !ok || i >= e.Cursor.Len() {
		i = 0
	}
	own := e.Cursor.pos[i]
	prev := h.last.pos[i]
	h.last = e.Cursor
	r := idxRec{n: 1, end: int64(own.Offset)}
	r.setTime(e.Time)
	local := -1
	if f, ok := h.byIno[own.Inode]; ok && f.track == i && !f.gone {
		local = f.local
	}
	switch {
	case e.Mark == MarkNone && local >= 0 && own.Inode == prev.Inode && own.Offset > prev.Offset && e.Truncated == 0:
		r.kind, r.file, r.off = recLines, uint16(local), int64(prev.Offset)
	case e.Mark == MarkNone && local >= 0 && own.Inode != prev.Inode && e.Truncated == 0 && h.endedAt(prev, local):
		// The first line of a file, the one before it read to its end:
		// the line starts at 0.
		r.kind, r.file, r.off = recLines, uint16(local), 0
	case e.Mark == MarkNone && local >= 0 && e.Truncated > 0 && int64(own.Offset) > int64(h.ps[i].maxEntry)+e.Truncated:
		// A line over the cap: it is maxEntry+Truncated bytes and its
		// '\n', just before its position.
		r.kind, r.file = recLong, uint16(local)
		r.off = int64(own.Offset) - 1 - int64(h.ps[i].maxEntry) - e.Truncated
	default:
		// A notice, or a line whose start is not in its own file (a
		// rotation split it): kept whole. There is at most one such
		// line per rotated file, as in a snapshot (snapTrack.joined).
		c := *e
		c.Data = append([]byte(nil), e.Data...)
		r.kind, r.off = recMem, int64(len(h.mem))
		h.mem = append(h.mem, c)
	}
	h.addOrder(i, 1, before, h.counts())
	h.tr[i].add(r)
}

// endedAt reports whether p is the end of its file and the file at index
// next of the same track comes right after it: no part of a line was left
// before next for it to finish. A track that had read nothing yet has
// nothing left either.
func (h *History) endedAt(p Position, next int) bool {
	if p.Inode == 0 {
		return next == 0
	}
	f, ok := h.byIno[p.Inode]
	if !ok || f.gone || f.deleted || f.local+1 != next {
		return false
	}
	var st unix.Stat_t
	return f.cf.f.stat(&st) == nil && st.Size == int64(p.Offset)
}

// walk is a position in the display order: the next record of each
// track, the ordinal of the next entry and the cursor before it.
type walk struct {
	p   int
	ord int
	cur Cursor
	idx [len(fileTable)]int32
}

// seek returns the walk at the record that holds entry lo.
func (h *History) seek(lo int) walk {
	c := sort.Search(len(h.ckpts), func(k int) bool { return h.ckpts[k].ord > lo }) - 1
	ck := &h.ckpts[c]
	w := walk{p: c * ckptEvery, ord: ck.ord, cur: ck.cur, idx: ck.idx}
	for w.p < len(h.order) {
		t, r := h.next(&w)
		if w.ord+int(r.n) > lo {
			break
		}
		w.step(t, r, h.posAfter(t, r))
	}
	return w
}

// next is the record the walk stands at, and its track.
func (h *History) next(w *walk) (int, *idxRec) {
	t := int(h.order[w.p])
	return t, h.tr[t].at(int(w.idx[t]))
}

// step moves the walk past record r of track t, which ends at pos.
func (w *walk) step(t int, r *idxRec, pos Position) {
	w.cur.pos[t] = pos
	w.ord += int(r.n)
	w.idx[t]++
	w.p++
}

// Read returns entries [lo, hi) (clamped to what there is), each with
// the cursor just after it, their Data their own. It may be called from
// any goroutine. A line whose file was released reads as a notice.
func (h *History) Read(lo, hi int) ([]Entry, error) {
	es, _, err := h.ReadSources(lo, hi, AllSources)
	return es, err
}

// ReadSources is Read of the entries of the file types that can hold
// sources of want: the records of the others (runtime.log and kernel.log
// hold system lines only) are passed over without being read, each run of
// them handed over as one entry with no data that stands for the last of
// them (its cursor is after them all; it is a System entry of their file
// type). Notices are always read. ords are the ordinals of the entries
// handed over. Entries of a file type read are handed over whatever
// their source.
func (h *History) ReadSources(lo, hi int, want Sources) ([]Entry, []int, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	lo, hi = max(lo, 0), min(hi, h.n)
	if lo >= hi {
		return nil, nil, nil
	}
	w := h.seek(lo)
	rd := histReader{h: h}
	out := make([]Entry, 0, hi-lo)
	ords := make([]int, 0, hi-lo)
	var arena []byte
	skipped := -1 // the track of the run passed over, -1 when none
	passed := func(t int) {
		// One entry for the run: after its last record.
		out = append(out, Entry{Source: System, File: h.ps[t].ft.Name, Cursor: w.cur})
		ords = append(ords, min(w.ord, hi)-1)
	}
	for w.p < len(h.order) && w.ord < hi {
		t, r := h.next(&w)
		if r.kind != recMem && want&h.ps[t].ft.Produces == 0 {
			if w.ord+int(r.n) > lo {
				skipped = t
			}
			w.step(t, r, h.posAfter(t, r))
			continue
		}
		if skipped >= 0 {
			passed(skipped)
			skipped = -1
		}
		es, err := rd.entries(t, r)
		if err != nil {
			return nil, nil, err
		}
		for k := range es {
			w.cur.pos[t] = es[k].Cursor.pos[t]
			if w.ord+k < lo || w.ord+k >= hi {
				continue
			}
			e := es[k]
			e.Cursor = w.cur
			if n := len(e.Data); n > 0 {
				if cap(arena)-len(arena) < n {
					arena = make([]byte, 0, max(arenaBlock/4, n))
				}
				at := len(arena)
				arena = append(arena, e.Data...)
				e.Data = arena[at:len(arena):len(arena)]
			}
			out = append(out, e)
			ords = append(ords, w.ord+k)
		}
		w.step(t, r, w.cur.pos[t])
	}
	if skipped >= 0 {
		passed(skipped)
	}
	return out, ords, nil
}

// fileOf is the History file of record r of track t.
func (h *History) fileOf(t int, r *idxRec) *histFile { return h.tr[t].files[r.file] }

// posAfter is the position of track t just after its record r.
func (h *History) posAfter(t int, r *idxRec) Position {
	if r.kind == recMem {
		return h.mem[r.off].Cursor.pos[t]
	}
	return Position{Inode: h.fileOf(t, r).cf.ino, Offset: uint64(r.end)}
}

// histReader reads records again; its buffers serve one Read.
type histReader struct {
	h   *History
	buf []byte
	out []Entry
	tc  timeCache
}

// entries returns exactly r.n entries for record r of track t: what its
// file holds there, or notices where the file no longer does.
func (rd *histReader) entries(t int, r *idxRec) ([]Entry, error) {
	h := rd.h
	if r.kind == recMem {
		return h.mem[r.off : r.off+1], nil
	}
	hf := h.fileOf(t, r)
	p := h.ps[t]
	pos := Position{Inode: hf.cf.ino, Offset: uint64(r.end)}
	rd.out = rd.out[:0]
	var err error
	if r.kind == recLong {
		err = rd.long(hf, &p, r)
	} else {
		err = rd.lines(hf, &p, r.off, r.end)
	}
	if err != nil {
		if !errors.Is(err, unix.EBADF) && !errors.Is(err, os.ErrClosed) {
			return nil, err
		}
		rd.out = rd.out[:0]
	}
	tm := r.time()
	for k := range rd.out {
		if rd.out[k].Mark == MarkNone {
			rd.out[k].Time = tm
		}
	}
	return rd.fit(t, r, hf, pos), nil
}

// lines parses the whole lines of [off, end).
func (rd *histReader) lines(hf *histFile, p *lineParser, off, end int64) error {
	n := end - off
	if n > int64(p.maxEntry)+runMax {
		// Not one run of short lines: the entry at its end is what
		// counts (lines before it were skipped when it was read).
		off = max(off, end-int64(p.maxEntry)-1)
		n = end - off
	}
	if int64(cap(rd.buf)) < n {
		rd.buf = make([]byte, n)
	}
	b := rd.buf[:n]
	got, err := hf.cf.f.ReadAt(b, off)
	if err != nil && err != io.EOF {
		return err
	}
	rd.out, _ = p.parseBlockCached(b[:got], 0, off, hf.cf.ino, hf.mtime, rd.out, 1<<30, &rd.tc)
	return nil
}

// long reads a line over the cap again: its head and its tail.
func (rd *histReader) long(hf *histFile, p *lineParser, r *idxRec) error {
	head := make([]byte, p.maxEntry)
	got, err := hf.cf.f.ReadAt(head, r.off)
	if err != nil && err != io.EOF {
		return err
	}
	head = head[:got]
	lineEnd := r.end - 1
	n := min(int64(truncTailBytes), lineEnd-r.off-int64(p.maxEntry))
	tail := make([]byte, max(n, 0))
	if len(tail) > 0 {
		got, err := hf.cf.f.ReadAt(tail, lineEnd-n)
		if err != nil && err != io.EOF {
			return err
		}
		tail = tail[:got]
	}
	dropped := lineEnd - r.off - int64(p.maxEntry)
	rd.out = p.appendTruncated(rd.out, head, tail, dropped, Position{Inode: hf.cf.ino, Offset: uint64(r.end)}, hf.mtime)
	return nil
}

// fit makes the entries read for record r of track t exactly r.n: the
// last ones when more were read, notices for what is missing (a file
// changed under it).
func (rd *histReader) fit(t int, r *idxRec, hf *histFile, pos Position) []Entry {
	out := rd.out
	if len(out) > int(r.n) {
		out = out[len(out)-int(r.n):]
	}
	for len(out) < int(r.n) {
		e := Entry{Time: r.time(), Source: System, Mark: MarkNotice, File: rd.h.ps[t].ft.Name,
			Data: fmt.Appendf(nil, "a line of %s is no longer there to read", hf.name)}
		e.Cursor.n = rd.h.last.n
		e.Cursor.pos[t] = pos
		out = append(out, e)
	}
	return out
}

// Close lets go of every file the History holds.
func (h *History) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	h.closed = true
	for i := range h.tr {
		for _, f := range h.tr[i].files {
			if f.owned && !f.gone && !f.deleted {
				f.cf.f.Close()
			}
		}
	}
	return nil
}

// releaseDeleted closes the files the History holds that the producer
// has deleted (rotated out of retention): holding them would keep their
// bytes alive on disk until the next Prune, which a slow screen delays.
// Their records stay until Prune takes them out; a read of them meanwhile
// gives notices. The watcher calls it after every look; when the History
// is busy (a read under way) it leaves the files to the next look rather
// than make the watcher wait.
func (h *History) releaseDeleted() {
	if !h.mu.TryLock() {
		return
	}
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	var st unix.Stat_t
	for i := range h.tr {
		for _, f := range h.tr[i].files {
			if !f.owned || f.gone || f.deleted {
				continue
			}
			if err := f.cf.f.stat(&st); err == nil && st.Nlink > 0 {
				continue
			}
			f.deleted = true
			f.cf.f.Close()
		}
	}
}

// Released is a file the History let go of because it left retention.
type Released struct {
	File  string // the path it was opened by (it may have been renamed since)
	Type  string // its file type: "exec.log", "runtime.log"
	Lines int    // entries of it that were taken out
}

// Prune lets go of the files the stream is done with that the producer
// deleted (rotated out of retention): holding them would keep their bytes
// on disk. Their entries are taken out, and a notice takes the place of
// the first of each. It returns the files let go of and, when there are
// any, moved, which turns an ordinal from before into the ordinal of the
// same entry now (of the notice, for an entry taken out).
func (h *History) Prune() (released []Released, moved *Moved) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil
	}
	var st unix.Stat_t
	gone := map[*histFile]bool{}
	for i := range h.tr {
		for _, f := range h.tr[i].files {
			if !f.owned || f.gone {
				continue
			}
			if !f.deleted {
				if err := f.cf.f.stat(&st); err == nil && st.Nlink > 0 {
					continue
				}
			}
			gone[f] = true
		}
	}
	if len(gone) == 0 {
		return nil, nil
	}
	// The records in display order, as they are now, with their files.
	type placed struct {
		t int
		r idxRec
		f *histFile // nil for a record kept whole
	}
	old := make([]placed, 0, len(h.order))
	counts := map[*histFile]int{}
	start := walk{cur: h.ckpts[0].cur, idx: h.ckpts[0].idx}
	for w := start; w.p < len(h.order); {
		t, r := h.next(&w)
		pr := placed{t: t, r: *r}
		if r.kind != recMem {
			pr.f = h.tr[t].files[r.file]
			if gone[pr.f] {
				counts[pr.f] += int(r.n)
			}
		}
		old = append(old, pr)
		w.step(t, r, Position{})
	}
	// Each track keeps the files not gone, numbered again.
	fresh := make([]histTrack, len(h.tr))
	for i := range h.tr {
		for _, f := range h.tr[i].files {
			if gone[f] {
				continue
			}
			f.local = len(fresh[i].files)
			fresh[i].files = append(fresh[i].files, f)
		}
	}
	// Entries kept whole move to a list of their own, with those still
	// referred to only.
	oldMem := h.mem
	h.mem = nil
	h.tr, h.order, h.ckpts, h.n = fresh, make([]uint8, 0, len(old)), nil, 0
	oldStarts, newStarts := make([]int, 0, len(old)), make([]int, 0, len(old))
	takenFrom := make([]*histFile, 0, len(old)) // the gone file of a record taken out
	cur, ord := start.cur, 0
	noted := map[*histFile]int{} // the notice's ordinal, per file
	for _, pr := range old {
		t, r, f := pr.t, pr.r, pr.f
		oldStarts, newStarts = append(oldStarts, ord), append(newStarts, h.n)
		ord += int(r.n)
		if f == nil || !gone[f] {
			takenFrom = append(takenFrom, nil)
			if f != nil {
				r.file = uint16(f.local)
			} else {
				r.off, h.mem = int64(len(h.mem)), append(h.mem, oldMem[r.off])
			}
			h.addOrder(t, int(r.n), cur, h.counts())
			h.tr[t].add(r)
			cur.pos[t] = h.posAfter(t, &r)
			continue
		}
		takenFrom = append(takenFrom, f)
		pos := Position{Inode: f.cf.ino, Offset: uint64(r.end)}
		if _, ok := noted[f]; !ok {
			noted[f] = h.n
			n := Entry{Time: r.time(), Source: System, Mark: MarkNotice, File: h.ps[t].ft.Name,
				Data: fmt.Appendf(nil, "%d earlier lines of %s left retention and are no longer on disk", counts[f], h.ps[t].ft.Name)}
			n.Cursor = cur
			n.Cursor.pos[t] = pos
			m := idxRec{n: 1, kind: recMem, off: int64(len(h.mem))}
			m.sec, m.nsec = r.sec, r.nsec
			h.mem = append(h.mem, n)
			h.addOrder(t, 1, cur, h.counts())
			h.tr[t].add(m)
		}
		cur.pos[t] = pos
	}
	for f := range gone {
		f.gone = true
		if !f.deleted {
			f.cf.f.Close()
		}
		if h.byFile[f.cf] == f {
			delete(h.byFile, f.cf)
		}
		if h.byIno[f.cf.ino] == f {
			delete(h.byIno, f.cf.ino)
		}
		released = append(released, Released{File: f.name, Type: h.ps[f.track].ft.Name, Lines: counts[f]})
	}
	sort.Slice(released, func(a, b int) bool { return released[a].File < released[b].File })
	return released, &Moved{oldStarts: oldStarts, newStarts: newStarts, takenFrom: takenFrom, noted: noted, oldTotal: ord, total: h.n}
}

// Moved says where the entries went when a Prune took some out.
type Moved struct {
	oldStarts, newStarts []int // per record before: its first entry's ordinal before and after
	takenFrom            []*histFile
	noted                map[*histFile]int
	oldTotal, total      int
}

// Ord turns an ordinal from before the Prune into the ordinal of the same
// entry now; an entry taken out gives the notice that stands for its file.
func (m *Moved) Ord(o int) int {
	if o >= m.oldTotal {
		return o - m.oldTotal + m.total // appended since
	}
	i := sort.SearchInts(m.oldStarts, o+1) - 1
	if i < 0 {
		return 0
	}
	if f := m.takenFrom[i]; f != nil {
		return m.noted[f]
	}
	return min(m.newStarts[i]+(o-m.oldStarts[i]), m.total)
}

// Gone reports whether the entry at ordinal o (from before) was taken out.
func (m *Moved) Gone(o int) bool {
	if o < 0 || o >= m.oldTotal {
		return false
	}
	i := sort.SearchInts(m.oldStarts, o+1) - 1
	return i >= 0 && m.takenFrom[i] != nil
}

// Seek returns the ordinal of the first entry at or after t, Len when
// every entry is older. Entries are in time order, but for the ones a
// follow appended out of it (a clock that went back): it finds one place.
func (h *History) Seek(t time.Time) int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	sec, nsec := t.Unix(), int32(t.Nanosecond())
	older := func(r *idxRec) bool { return r.sec < sec || r.sec == sec && r.nsec < nsec }
	at := func(k int) walk {
		ck := &h.ckpts[k]
		return walk{p: k * ckptEvery, ord: ck.ord, cur: ck.cur, idx: ck.idx}
	}
	c := sort.Search(len(h.ckpts), func(k int) bool {
		w := at(k)
		_, r := h.next(&w)
		return !older(r)
	}) - 1
	if c < 0 {
		return 0
	}
	for w := at(c); w.p < len(h.order); {
		tr, r := h.next(&w)
		if !older(r) {
			return w.ord
		}
		w.step(tr, r, Position{})
	}
	return h.n
}

// Span is the time of the oldest entry and of the newest; ok is false when
// there is none.
func (h *History) Span() (oldest, newest time.Time, ok bool) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	if len(h.order) == 0 {
		return time.Time{}, time.Time{}, false
	}
	ck := &h.ckpts[len(h.ckpts)-1]
	w := walk{p: (len(h.ckpts) - 1) * ckptEvery, idx: ck.idx}
	first := walk{idx: h.ckpts[0].idx}
	_, r0 := h.next(&first)
	oldest, newest = r0.time(), r0.time()
	for w.p < len(h.order) {
		tr, r := h.next(&w)
		newest = r.time()
		w.step(tr, r, Position{})
	}
	return oldest, newest, true
}
