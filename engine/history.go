package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
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
	files  []*histFile
	byFile map[*chainFile]int // the files adopted, by their chain entry
	byIno  map[uint64]int     // the same, by inode
	recs   []hrec
	ckpts  []hckpt
	n      int     // entries
	mem    []Entry // entries kept whole: notices, lines a rotation split
	ends   map[histKey]int64
	ps     []lineParser // per track
	tracks map[string]int
	last   Cursor // the cursor after the newest entry appended
	end    Cursor // the snapshot's end: where the stream began
	skip   int64  // malformed records passed over by the snapshot
	closed bool
}

// hrec is one record of a History: 32 bytes.
type hrec struct {
	sec   int64
	off   int64 // the file offset of the first line; for recMem the index in mem
	nsec  int32
	size  uint32 // end - off; sizeHuge when the end is kept in History.ends
	n     uint16 // entries
	file  uint16 // index in History.files
	kind  recKind
	track uint8
}

// recMem is a record whose entry the History keeps whole (History.mem).
const recMem recKind = 8

// sizeHuge marks a record longer than a uint32 can say (a line of
// gigabytes): its end is kept aside.
const sizeHuge = math.MaxUint32

type histKey struct {
	file int
	off  int64
}

// ckptEvery is how many records lie between two checkpoints: a read walks
// at most this many records from one to where it starts.
const ckptEvery = 64

// hckpt is the ordinal of the first entry of record k*ckptEvery and the
// cursor just before it.
type hckpt struct {
	ord int
	cur Cursor
}

// histFile is a file the History reads from.
type histFile struct {
	cf    *chainFile
	mtime time.Time
	track int
	name  string // the path it was opened by
	owned bool   // the History closes it (the chain let go of it)
	gone  bool   // released: its records were taken out
}

func (r *hrec) time() time.Time { return time.Unix(r.sec, int64(r.nsec)).UTC() }

func (r *hrec) setTime(t time.Time) { r.sec, r.nsec = t.Unix(), int32(t.Nanosecond()) }

// OpenHistory indexes what the files hold now (per opts.Start, Sources and
// Until; Tail is ignored) and returns the History and a stream that goes on
// exactly after it (a follow when opts.Follow is set), as
// ReadSnapshotFollow does. Close the stream before the History.
func OpenHistory(ctx context.Context, dir string, opts Options) (*History, *Stream, error) {
	sopts := opts
	sopts.Tail, sopts.TailBytes = 0, 0
	h := &History{byFile: map[*chainFile]int{}, byIno: map[uint64]int{}, ends: map[histKey]int64{}, tracks: map[string]int{}}
	sopts.hist = h
	s, err := Open(ctx, dir, sopts)
	if err != nil {
		return nil, nil, err
	}
	pts := make([]startPoint, len(s.tracks))
	for i, t := range s.tracks {
		pts[i] = startPoint{off: t.off, marks: t.pending}
	}
	ix, err := indexSnapshot(ctx, s.chains, pts, sopts)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	// The files before where the stream starts leave the chains below:
	// the History keeps their descriptors.
	h.fill(ix, sopts)
	seen := ix.seen()
	for i, t := range s.tracks {
		var pt startPoint
		if err := t.ch.startAtCursor(&pt, i, ix.snap.End.At(i), false); err != nil {
			s.Close()
			h.Close()
			return nil, nil, err
		}
		t.pending = nil
		t.hist = h
		t.begin(pt)
		t.seen = seen[i]
		s.cur.pos[i] = t.position()
	}
	return h, s, nil
}

// fill lays the snapshot index's records out in time order.
func (h *History) fill(ix *snapIndex, opts Options) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.end, h.last, h.skip = ix.snap.End, ix.snap.End, ix.snap.Skipped
	fileOf := make([][]int, len(ix.tracks))
	for i, tr := range ix.tracks {
		p := tr.p
		// Records skipped again on a read were counted when indexed.
		p.skipped = new(atomic.Int64)
		h.ps = append(h.ps, p)
		h.tracks[tr.ch.ft.Name] = i
		for _, sf := range tr.files {
			fileOf[i] = append(fileOf[i], h.adoptLocked(i, sf.cf, sf.mtime))
		}
	}
	total := 0
	for _, tr := range ix.tracks {
		total += tr.recs.n
	}
	// Sized once: an append-grown list of a million records would copy
	// itself several times and leave the copies to the collector.
	h.recs = make([]hrec, 0, total)
	h.ckpts = make([]hckpt, 0, total/ckptEvery+1)
	f := filtersOf(opts)
	cur := ix.init
	m := newMerger(ix.tracks)
	for i, r := m.pop(); r != nil; i, r = m.pop() {
		drop, stop := f.drop(r)
		if stop {
			break
		}
		tr := ix.tracks[i]
		var pos Position
		hr := hrec{n: uint16(r.n), track: uint8(i), kind: r.kind}
		hr.setTime(r.time())
		switch r.kind {
		case recMark:
			pos = tr.marks[r.off].Cursor.pos[i]
			hr.kind, hr.off = recMem, int64(len(h.mem))
			if !drop {
				h.mem = append(h.mem, tr.marks[r.off])
			}
		case recJoined:
			pos = Position{Inode: tr.files[r.file].cf.ino, Offset: uint64(r.end)}
			hr.kind, hr.off = recMem, int64(len(h.mem))
			if !drop {
				h.mem = append(h.mem, tr.joined[r.off])
			}
		default:
			pos = Position{Inode: tr.files[r.file].cf.ino, Offset: uint64(r.end)}
			hr.file, hr.off = uint16(fileOf[i][r.file]), r.off
			h.setSize(&hr, r.end)
		}
		if !drop {
			h.add(hr, cur)
		}
		cur.pos[i] = pos
	}
}

// setSize sets r's size from its end, keeping an end past a uint32 aside.
func (h *History) setSize(r *hrec, end int64) {
	if size := end - r.off; size < sizeHuge {
		r.size = uint32(size)
		return
	}
	r.size = sizeHuge
	h.ends[histKey{int(r.file), r.off}] = end
}

// recEnd is the offset just after r.
func (h *History) recEnd(r *hrec) int64 {
	if r.size == sizeHuge {
		return h.ends[histKey{int(r.file), r.off}]
	}
	return r.off + int64(r.size)
}

// add appends r, which comes just after cursor before.
func (h *History) add(r hrec, before Cursor) {
	if len(h.recs)%ckptEvery == 0 {
		h.ckpts = append(h.ckpts, hckpt{ord: h.n, cur: before})
	}
	h.recs = append(h.recs, r)
	h.n += int(r.n)
}

// adoptLocked records cf as a file of track i and returns its index.
func (h *History) adoptLocked(i int, cf *chainFile, mtime time.Time) int {
	if k, ok := h.byFile[cf]; ok {
		return k
	}
	k := len(h.files)
	h.files = append(h.files, &histFile{cf: cf, mtime: mtime, track: i, name: cf.f.Name()})
	h.byFile[cf] = k
	h.byIno[cf.ino] = k
	return k
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
	k, ok := h.byFile[cf]
	if !ok || h.closed {
		return false
	}
	h.files[k].owned = true
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
	r := hrec{n: 1, track: uint8(i)}
	r.setTime(e.Time)
	fi, held := h.byIno[own.Inode]
	switch {
	case e.Mark == MarkNone && held && own.Inode == prev.Inode && own.Offset > prev.Offset && e.Truncated == 0:
		r.kind, r.file, r.off = recLines, uint16(fi), int64(prev.Offset)
		h.setSize(&r, int64(own.Offset))
	case e.Mark == MarkNone && held && e.Truncated > 0 && int64(own.Offset) > int64(h.ps[i].maxEntry)+e.Truncated:
		// A line over the cap: it is maxEntry+Truncated bytes and its
		// '\n', just before its position.
		r.kind, r.file = recLong, uint16(fi)
		r.off = int64(own.Offset) - 1 - int64(h.ps[i].maxEntry) - e.Truncated
		h.setSize(&r, int64(own.Offset))
	default:
		// A notice, or a line whose start is not in its own file (a
		// rotation split it): kept whole.
		c := *e
		c.Data = append([]byte(nil), e.Data...)
		r.kind, r.off = recMem, int64(len(h.mem))
		h.mem = append(h.mem, c)
	}
	h.add(r, before)
}

// Read returns entries [lo, hi) (clamped to what there is), each with
// the cursor just after it, their Data their own. It may be called from
// any goroutine. A line whose file was released reads as a notice.
func (h *History) Read(lo, hi int) ([]Entry, error) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	lo, hi = max(lo, 0), min(hi, h.n)
	if lo >= hi {
		return nil, nil
	}
	c := sort.Search(len(h.ckpts), func(k int) bool { return h.ckpts[k].ord > lo }) - 1
	ri, ord, cur := c*ckptEvery, h.ckpts[c].ord, h.ckpts[c].cur
	for ri < len(h.recs) && ord+int(h.recs[ri].n) <= lo {
		cur.pos[h.recs[ri].track] = h.posAfter(&h.recs[ri])
		ord += int(h.recs[ri].n)
		ri++
	}
	rd := histReader{h: h}
	out := make([]Entry, 0, hi-lo)
	var arena []byte
	for ; ri < len(h.recs) && ord < hi; ri++ {
		r := &h.recs[ri]
		es, err := rd.entries(r)
		if err != nil {
			return nil, err
		}
		for k := range es {
			if ord+k < lo || ord+k >= hi {
				cur.pos[r.track] = es[k].Cursor.pos[r.track]
				continue
			}
			e := es[k]
			cur.pos[r.track] = e.Cursor.pos[r.track]
			e.Cursor = cur
			if n := len(e.Data); n > 0 {
				if cap(arena)-len(arena) < n {
					arena = make([]byte, 0, max(arenaBlock/4, n))
				}
				at := len(arena)
				arena = append(arena, e.Data...)
				e.Data = arena[at:len(arena):len(arena)]
			}
			out = append(out, e)
		}
		ord += int(r.n)
	}
	return out, nil
}

// posAfter is the position of r's track just after r.
func (h *History) posAfter(r *hrec) Position {
	if r.kind == recMem {
		return h.mem[r.off].Cursor.pos[r.track]
	}
	return Position{Inode: h.files[r.file].cf.ino, Offset: uint64(h.recEnd(r))}
}

// histReader reads records again; its buffers serve one Read.
type histReader struct {
	h   *History
	buf []byte
	out []Entry
	tc  timeCache
}

// entries returns exactly r.n entries for r: what its file holds there,
// or notices where the file no longer does.
func (rd *histReader) entries(r *hrec) ([]Entry, error) {
	h := rd.h
	if r.kind == recMem {
		return h.mem[r.off : r.off+1], nil
	}
	hf := h.files[r.file]
	p := h.ps[r.track]
	end := h.recEnd(r)
	pos := Position{Inode: hf.cf.ino, Offset: uint64(end)}
	rd.out = rd.out[:0]
	var err error
	if r.kind == recLong {
		err = rd.long(hf, &p, r, end)
	} else {
		err = rd.lines(hf, &p, r.off, end)
	}
	if err != nil {
		if !errors.Is(err, unix.EBADF) && !errors.Is(err, os.ErrClosed) {
			return nil, err
		}
		rd.out = rd.out[:0]
	}
	t := r.time()
	for k := range rd.out {
		if rd.out[k].Mark == MarkNone {
			rd.out[k].Time = t
		}
	}
	return rd.fit(r, hf, pos), nil
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
func (rd *histReader) long(hf *histFile, p *lineParser, r *hrec, end int64) error {
	head := make([]byte, p.maxEntry)
	got, err := hf.cf.f.ReadAt(head, r.off)
	if err != nil && err != io.EOF {
		return err
	}
	head = head[:got]
	lineEnd := end - 1
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
	rd.out = p.appendTruncated(rd.out, head, tail, dropped, Position{Inode: hf.cf.ino, Offset: uint64(end)}, hf.mtime)
	return nil
}

// fit makes the entries read for r exactly r.n: the last ones when more
// were read, notices for what is missing (a file changed under it).
func (rd *histReader) fit(r *hrec, hf *histFile, pos Position) []Entry {
	out := rd.out
	if len(out) > int(r.n) {
		out = out[len(out)-int(r.n):]
	}
	for len(out) < int(r.n) {
		e := Entry{Time: r.time(), Source: System, Mark: MarkNotice, File: rd.h.ps[r.track].ft.Name,
			Data: fmt.Appendf(nil, "a line of %s is no longer there to read", hf.name)}
		e.Cursor.n = rd.h.last.n
		e.Cursor.pos[r.track] = pos
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
	for _, f := range h.files {
		if f.owned && !f.gone {
			f.cf.f.Close()
		}
	}
	return nil
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
// any, remap, which turns an ordinal from before into the ordinal of the
// same entry now (of the notice, for an entry taken out).
func (h *History) Prune() (released []Released, remap func(int) int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, nil
	}
	var st unix.Stat_t
	gone := map[int]bool{}
	for k, f := range h.files {
		if !f.owned || f.gone {
			continue
		}
		if err := f.cf.f.stat(&st); err == nil && st.Nlink > 0 {
			continue
		}
		gone[k] = true
	}
	if len(gone) == 0 {
		return nil, nil
	}
	counts := map[int]int{}
	for _, r := range h.recs {
		if r.kind != recMem && gone[int(r.file)] {
			counts[int(r.file)] += int(r.n)
		}
	}
	old, oldCk := h.recs, h.ckpts
	h.recs, h.ckpts, h.n = make([]hrec, 0, len(old)), nil, 0
	oldStarts, newStarts := make([]int, 0, len(old)), make([]int, 0, len(old))
	taken := make([]bool, 0, len(old))
	fileOf := make([]int, 0, len(old))
	cur, ord := oldCk[0].cur, 0
	noted := map[int]int{} // the notice's ordinal, per file
	for _, r := range old {
		oldStarts, newStarts = append(oldStarts, ord), append(newStarts, h.n)
		ord += int(r.n)
		k := int(r.file)
		taken = append(taken, r.kind != recMem && gone[k])
		fileOf = append(fileOf, k)
		if r.kind == recMem || !gone[k] {
			h.add(r, cur)
			cur.pos[r.track] = h.posAfter(&r)
			continue
		}
		pos := Position{Inode: h.files[k].cf.ino, Offset: uint64(h.recEnd(&r))}
		if _, ok := noted[k]; !ok {
			noted[k] = h.n
			n := Entry{Time: r.time(), Source: System, Mark: MarkNotice, File: h.ps[r.track].ft.Name,
				Data: fmt.Appendf(nil, "%d earlier lines of %s left retention and are no longer on disk", counts[k], h.ps[r.track].ft.Name)}
			n.Cursor = cur
			n.Cursor.pos[r.track] = pos
			m := hrec{n: 1, track: r.track, kind: recMem, off: int64(len(h.mem))}
			m.setTime(r.time())
			h.mem = append(h.mem, n)
			h.add(m, cur)
		}
		cur.pos[r.track] = pos
	}
	for k := range gone {
		f := h.files[k]
		f.gone = true
		f.cf.f.Close()
		released = append(released, Released{File: f.name, Type: h.ps[f.track].ft.Name, Lines: counts[k]})
	}
	sort.Slice(released, func(a, b int) bool { return released[a].File < released[b].File })
	total := h.n
	return released, func(o int) int {
		if o >= ord {
			return o - ord + total
		}
		i := sort.SearchInts(oldStarts, o+1) - 1
		if i < 0 {
			return 0
		}
		if taken[i] {
			return noted[fileOf[i]]
		}
		return min(newStarts[i]+(o-oldStarts[i]), total)
	}
}
