package engine

import (
	"context"
	"io"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// A snapshot is read in two passes over bounded blocks, never a whole
// file at once: an index of where every line is and when it was written
// (snapshot_index.go), then the lines again in time order, a batch at a
// time (snapshot_emit.go). What it holds is the index, a few blocks per
// file and one batch, whatever the files hold: a file of 100 GiB, or of
// millions of empty lines, or of lines of megabytes, costs no more than
// its index. Files of one type are already in time order, so sorting is
// a check, plus a merge when several file types are read.

// snapFile is one file of a snapshot plan.
type snapFile struct {
	track   int
	idx     int // index in its track
	cf      *chainFile
	start   int64 // first byte read
	size    int64 // bytes on disk when planned
	mtime   time.Time
	rotated bool // not the newest file of its chain: an unterminated last line continues in the next file

	joinHead bool  // the first line continues the previous file's last line
	carries  bool  // the last line continues in the next file
	headEnd  int64 // just after the first '\n' (joinHead), -1 when none
	lastNL   int64 // just after the last '\n' read, -1 when none
	recs     recList
	maxLine  int64 // the longest line, as far as its entries tell

	kern snapKernel // kernel.log: the file's wall-clock anchor (kernel_index.go)
	life lifeTimes  // exec.log: its lifecycle records' times (kernel_index.go)
}

// snapTrack is one file type of a snapshot plan.
type snapTrack struct {
	ch     *chain
	p      lineParser
	marks  []Entry
	files  []*snapFile
	joined []Entry // lines a rotation split (recJoined)
	recs   recList // the track's records in time order, marks first
}

// ReadSnapshot reads everything currently on disk (per opts.Start and
// opts.Sources), sorts it by time (stable: ties keep file-table and file
// order), then applies Since, Until and Tail. End is the cursor after all
// consumed content, filtered or not. With a Tail and no Until, only the end
// of each file is read. The entries are copied into memory of their own:
// to go through a large snapshot without holding it, use ScanSnapshot.
func ReadSnapshot(ctx context.Context, dir string, opts Options) (*Snapshot, error) {
	chains, pts, err := openAndResolve(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	defer closeChains(chains)
	var c collector
	snap, _, err := snapshotOf(ctx, chains, pts, opts, c.add, c.expect)
	if err != nil {
		return nil, err
	}
	snap.Entries = c.entries
	return snap, nil
}

// ScanSnapshot reads the snapshot ReadSnapshot returns, but hands its
// entries to fn in order, a batch at a time, instead of keeping them: the
// Data of the entries is valid only during the call, and the batch is
// reused afterwards. The Snapshot returned has no Entries. An error from
// fn ends the read and is returned.
func ScanSnapshot(ctx context.Context, dir string, opts Options, fn func([]Entry) error) (*Snapshot, error) {
	chains, pts, err := openAndResolve(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	defer closeChains(chains)
	snap, _, err := snapshotOf(ctx, chains, pts, opts, fn, nil)
	return snap, err
}

// collector keeps the entries of a scan, with their Data copied into
// blocks of its own.
type collector struct {
	entries []Entry
	arena   []byte
}

// arenaBlock is the size of the collector's blocks of Data.
const arenaBlock = 1 << 20

// expect makes room for n entries at once: an append-grown slice of
// entries would allocate and copy several times its size.
func (c *collector) expect(n int) { c.entries = make([]Entry, 0, n) }

func (c *collector) add(es []Entry) error {
	for _, e := range es {
		if n := len(e.Data); n > 0 {
			if cap(c.arena)-len(c.arena) < n {
				c.arena = make([]byte, 0, max(arenaBlock, n))
			}
			at := len(c.arena)
			c.arena = append(c.arena, e.Data...)
			e.Data = c.arena[at:len(c.arena):len(c.arena)]
		}
		c.entries = append(c.entries, e)
	}
	return nil
}

// snapshotOf reads the files the chains hold now, each from its start
// point, and hands the snapshot's entries to fn (expect, when not nil,
// is told how many first). It also says, per chain,
// what the files read tell of the producer's rotation (for a stream that
// goes on).
func snapshotOf(ctx context.Context, chains []*chain, pts []startPoint, opts Options, fn func([]Entry) error, expect func(int)) (*Snapshot, []rotSeen, error) {
	ix, err := indexSnapshot(ctx, chains, pts, opts)
	if err != nil {
		return nil, nil, err
	}
	if err := emit(ctx, ix.tracks, ix.init, opts, fn, expect); err != nil {
		return nil, nil, err
	}
	return ix.snap, ix.seen(), nil
}

// snapIndex is the first pass of a snapshot: the tracks with their
// records, the cursor every entry starts from, and the snapshot's End.
type snapIndex struct {
	tracks []*snapTrack
	init   Cursor
	snap   *Snapshot
}

// seen says, per track, what its files tell of the producer's rotation.
func (ix *snapIndex) seen() []rotSeen {
	seen := make([]rotSeen, len(ix.tracks))
	for i, tr := range ix.tracks {
		seen[i] = tr.rotSeen()
	}
	return seen
}

// indexSnapshot plans the files the chains hold now, each from its start
// point, and indexes them.
func indexSnapshot(ctx context.Context, chains []*chain, pts []startPoint, opts Options) (*snapIndex, error) {
	var skipped atomic.Int64
	tracks := make([]*snapTrack, len(chains))
	for i, c := range chains {
		tr := &snapTrack{ch: c, p: newLineParser(c.ft, i, opts, &skipped), marks: pts[i].marks}
		files := c.snapshotFiles()
		for j, cf := range files {
			fs, err := statFile(&cf.f)
			if err != nil {
				return nil, err
			}
			sf := &snapFile{track: i, idx: j, cf: cf, size: fs.size, mtime: time.Unix(0, fs.mtime).UTC(), rotated: j < len(files)-1}
			if j == 0 {
				sf.start = min(pts[i].off, fs.size)
			}
			tr.files = append(tr.files, sf)
		}
		tracks[i] = tr
	}
	// Every entry's cursor starts from where each file's reading begins.
	var init Cursor
	init.n = uint8(len(tracks))
	for i, tr := range tracks {
		if len(tr.files) > 0 {
			init.pos[i] = Position{Inode: tr.files[0].cf.ino, Offset: uint64(tr.files[0].start)}
		}
		tr.p.init = init
	}
	var err error
	if (opts.Tail > 0 || opts.TailBytes > 0) && opts.Until.IsZero() {
		err = tailIndex(ctx, tracks, opts, &skipped)
	} else {
		err = buildIndex(ctx, tracks)
	}
	if err != nil {
		return nil, err
	}
	end := init
	for i, tr := range tracks {
		end.pos[i] = tr.endPosition()
		for k := range tr.marks {
			own := tr.marks[k].Cursor.pos[i]
			tr.marks[k].Cursor = init
			tr.marks[k].Cursor.pos[i] = own
		}
	}
	for _, tr := range tracks {
		tr.recs.each(func(r *idxRec) bool {
			if r.kind == recMark {
				tr.marks[r.off].Time = r.time()
			}
			return true
		})
	}
	return &snapIndex{tracks: tracks, init: init, snap: &Snapshot{End: end, Skipped: skipped.Load()}}, nil
}

// rotSeen is what the snapshot's files tell of the rotation: the size of
// every rotated file (its size is known even where only its end was
// read) and the longest line read.
func (tr *snapTrack) rotSeen() rotSeen {
	var r rotSeen
	for _, sf := range tr.files {
		if sf.rotated {
			r.file(sf.size)
		}
		r.line(sf.maxLine)
	}
	return r
}

// tailIndex indexes only as much of the end of each file as the last
// opts.Tail entries need. Each file's window holds a margin beyond Tail
// lines; the index is accepted when every narrowed window starts before
// the first entry kept does (timestamps a little out of order within a
// file, or malformed and filtered lines, cannot then change it), else the
// windows are widened.
func tailIndex(ctx context.Context, tracks []*snapTrack, opts Options, skipped *atomic.Int64) error {
	starts := make([][]int64, len(tracks))
	for i, tr := range tracks {
		for _, sf := range tr.files {
			starts[i] = append(starts[i], sf.start)
		}
	}
	needBytes := int64(-1) // no bound by bytes
	if opts.TailBytes > 0 {
		needBytes = 2*opts.TailBytes + backChunk
	}
	need := 2*opts.Tail + tailMargin
	if opts.Tail == 0 {
		need = math.MaxInt / 2 // bounded by bytes alone
	}
	for ; ; need, needBytes = min(2*need, math.MaxInt/2), min(2*needBytes, math.MaxInt64/2) {
		skipped.Store(0)
		narrowed := make([]bool, len(tracks))
		for i, tr := range tracks {
			if tr.ch.ft.Format != FormatJSONL {
				// A text line without a timestamp takes its file's
				// modification time, so it may sort anywhere: index
				// these files whole.
				continue
			}
			whole, err := narrowTrack(tr, starts[i], need, needBytes)
			if err != nil {
				return err
			}
			narrowed[i] = !whole
		}
		if err := buildIndex(ctx, tracks); err != nil {
			return err
		}
		total, _, first := count(tracks, opts)
		ok := true
		for i, tr := range tracks {
			if !narrowed[i] {
				continue
			}
			var earliest *idxRec
			tr.recs.each(func(r *idxRec) bool {
				if earliest == nil || r.before(earliest) {
					earliest = r
				}
				return true
			})
			if total < opts.Tail || earliest == nil || !earliest.time().Before(first) {
				ok = false
			}
		}
		if ok {
			return nil
		}
	}
}

// tailMargin is how many lines beyond twice the tail each file's window
// holds at first.
const tailMargin = 64

// narrowTrack sets the start of each file of tr so that only the last
// `need` lines of the chain are read, or as many whole lines as take
// needBytes (when not negative), whichever is less (files before them get
// an empty range). orig holds the starts of the full read. It reports
// whether the whole chain is read anyway.
func narrowTrack(tr *snapTrack, orig []int64, need int, needBytes int64) (bool, error) {
	left := need + 1 // one more: a cut first line would be a fragment
	bytesLeft := needBytes
	first := len(tr.files)
	for j := len(tr.files) - 1; j >= 0 && left > 0; j-- {
		sf := tr.files[j]
		off, found, err := backLines(sf, orig[j], &left, &bytesLeft)
		if err != nil {
			return false, err
		}
		sf.start, first = off, j
		if found {
			break
		}
	}
	whole := first == 0 && tr.files != nil && tr.files[0].start == orig[0]
	if len(tr.files) == 0 {
		whole = true
	}
	for j := 0; j < first; j++ {
		tr.files[j].start = tr.files[j].size // nothing from the older files
	}
	// Starting at 0 of a file whose predecessor ends mid-line would cut the
	// joined line: begin at that predecessor's last line instead.
	if first > 0 && first < len(tr.files) && tr.files[first].start == 0 {
		prev := tr.files[first-1]
		end, err := lastLineEnd(&prev.cf.f, prev.size)
		if err != nil {
			return false, err
		}
		prev.start = max(end, orig[first-1])
	}
	return whole, nil
}

// backLines walks sf backwards from its end, counting '\n' against *left
// and the bytes walked against *bytesLeft (when not negative). When either
// runs out at a newline it returns the offset just after it and found;
// otherwise it returns lo (the whole file is needed).
func backLines(sf *snapFile, lo int64, left *int, bytesLeft *int64) (int64, bool, error) {
	if *bytesLeft >= 0 {
		defer func(budget int64) { *bytesLeft = max(budget-(sf.size-lo), 0) }(*bytesLeft)
	}
	buf := make([]byte, backChunk)
	for end := sf.size; end > lo; {
		if end < sf.size {
			// No line end in the last chunk: a long line, perhaps a
			// sparse file's hole, which holds none.
			if s := holeStart(&sf.cf.f, lo, end); s < end {
				end = s
				continue
			}
		}
		start := max(end-backChunk, lo)
		b := buf[:end-start]
		if _, err := sf.cf.f.ReadAt(b, start); err != nil && err != io.EOF {
			return 0, false, withPath("read", sf.cf.f.Name(), err)
		}
		for i := len(b) - 1; i >= 0; i-- {
			if b[i] != '\n' {
				continue
			}
			*left--
			at := start + int64(i) + 1
			if *left == 0 || *bytesLeft >= 0 && sf.size-at >= *bytesLeft {
				return at, true, nil
			}
		}
		end = start
	}
	return lo, false, nil
}

// parallel runs fn over files on up to GOMAXPROCS goroutines.
func parallel[T any](ctx context.Context, files []T, fn func(T) error) error {
	workers := min(runtime.GOMAXPROCS(0), len(files))
	var next atomic.Int64
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(files) || ctx.Err() != nil {
					return
				}
				errs[i] = fn(files[i])
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
