package engine

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// A snapshot reads each file with one read into a block sized from fstat
// (no buffered copying), counts its lines to give it an exact region of the
// result, and parses files two at a time straight into their regions.
// Entries alias the blocks, which are never reused. Files of one type are
// already in time order, so sorting is a check, plus a merge when several
// file types are read.

// snapFile is one file of a snapshot plan.
type snapFile struct {
	track   int
	cf      *chainFile
	start   int64 // first byte read
	size    int64 // bytes on disk when planned
	mtime   time.Time
	rotated bool // not the newest file of its chain: an unterminated last line continues in the next file

	block    []byte
	lines    int  // '\n' count in block
	joinHead bool // the first line continues the previous file's last line
	headEnd  int  // index just after the first '\n' (joinHead), 0 when none
	region   []Entry
	tailFrom int // index after the last '\n' in block
	parts    []*snapPart
}

// snapPart is a stretch of whole lines of a file's block, parsed by one
// worker into its own part of the file's region: parts balance the work of
// files of different sizes over the cores.
type snapPart struct {
	file     *snapFile
	from, to int // block[from:to]; to is just after a '\n'
	lines    int
	region   []Entry
	written  int
	sorted   bool  // region[:written] is in time order
	maxLine  int64 // the longest line, as far as its entries tell
}

// partBytes is the size of the stretches files are cut into for parsing.
const partBytes = 1 << 20

// snapTrack is one file type of a snapshot plan.
type snapTrack struct {
	ch    *chain
	p     lineParser
	marks []Entry
	files []*snapFile
}

// ReadSnapshot reads everything currently on disk (per opts.Start and
// opts.Sources), sorts it by time (stable: ties keep file-table and file
// order), then applies Since, Until and Tail. End is the cursor after all
// consumed content, filtered or not. With a Tail and no Until, only the end
// of each file is read.
func ReadSnapshot(ctx context.Context, dir string, opts Options) (*Snapshot, error) {
	chains, pts, err := openAndResolve(ctx, dir, opts)
	if err != nil {
		return nil, err
	}
	defer closeChains(chains)
	snap, _, err := snapshotOf(ctx, chains, pts, opts)
	return snap, err
}

// snapshotOf reads the files the chains hold now, each from its start
// point, and builds the snapshot. It also says, per chain, what the files
// read tell of the producer's rotation (for a stream that goes on).
func snapshotOf(ctx context.Context, chains []*chain, pts []startPoint, opts Options) (*Snapshot, []rotSeen, error) {
	var skipped atomic.Int64
	tracks := make([]*snapTrack, len(chains))
	for i, c := range chains {
		tr := &snapTrack{ch: c, p: newLineParser(c.ft, i, opts, &skipped), marks: pts[i].marks}
		files := c.snapshotFiles()
		for j, cf := range files {
			fs, err := statFile(&cf.f)
			if err != nil {
				return nil, nil, err
			}
			sf := &snapFile{track: i, cf: cf, size: fs.size, mtime: time.Unix(0, fs.mtime).UTC(), rotated: j < len(files)-1}
			if j == 0 {
				sf.start = min(pts[i].off, fs.size)
			}
			tr.files = append(tr.files, sf)
		}
		tracks[i] = tr
	}
	var snap *Snapshot
	var err error
	if opts.Tail > 0 && opts.Until.IsZero() {
		snap, err = tailSnapshot(ctx, tracks, opts, &skipped)
	} else {
		var entries []Entry
		var end Cursor
		entries, end, err = readTracks(ctx, tracks)
		snap = &Snapshot{Entries: applyFilters(entries, opts), End: end, Skipped: skipped.Load()}
	}
	if err != nil {
		return nil, nil, err
	}
	seen := make([]rotSeen, len(tracks))
	for i, tr := range tracks {
		seen[i] = tr.rotSeen()
	}
	return snap, seen, nil
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
		for _, pt := range sf.parts {
			r.line(pt.maxLine)
		}
	}
	return r
}

// tailSnapshot reads only as much of the end of each file as the last
// opts.Tail entries need. Each file's window holds a margin beyond Tail
// lines; the result is accepted when every narrowed window starts before
// the result does (timestamps a little out of order within a file, or
// malformed and filtered lines, cannot then change it), else the windows
// are widened.
func tailSnapshot(ctx context.Context, tracks []*snapTrack, opts Options, skipped *atomic.Int64) (*Snapshot, error) {
	starts := make([][]int64, len(tracks))
	for i, tr := range tracks {
		for _, sf := range tr.files {
			starts[i] = append(starts[i], sf.start)
		}
	}
	for need := 2*opts.Tail + tailMargin; ; need *= 2 {
		skipped.Store(0)
		narrowed := make([]bool, len(tracks))
		for i, tr := range tracks {
			if tr.ch.ft.Format != FormatJSONL {
				// A text line without a timestamp takes its file's
				// modification time, so it may sort anywhere: read these
				// (small) files whole.
				continue
			}
			whole, err := narrowTrack(tr, starts[i], need)
			if err != nil {
				return nil, err
			}
			narrowed[i] = !whole
		}
		entries, end, err := readTracks(ctx, tracks)
		if err != nil {
			return nil, err
		}
		firsts := firstTimes(entries, tracks)
		entries = applyFilters(entries, opts)
		ok := true
		for i := range tracks {
			if narrowed[i] && (len(entries) < opts.Tail || firsts[i].IsZero() || !firsts[i].Before(entries[0].Time)) {
				ok = false
			}
		}
		if ok {
			return &Snapshot{Entries: entries, End: end, Skipped: skipped.Load()}, nil
		}
	}
}

// tailMargin is how many lines beyond twice the tail each file's window
// holds at first.
const tailMargin = 64

// firstTimes returns the earliest time of each file type's entries.
func firstTimes(entries []Entry, tracks []*snapTrack) []time.Time {
	firsts := make([]time.Time, len(tracks))
	for i := range entries {
		e := &entries[i]
		for k, tr := range tracks {
			if e.File == tr.ch.ft.Name {
				if firsts[k].IsZero() || e.Time.Before(firsts[k]) {
					firsts[k] = e.Time
				}
				break
			}
		}
	}
	return firsts
}

// narrowTrack sets the start of each file of tr so that only the last
// `need` lines of the chain are read (files before them get an empty
// range). orig holds the starts of the full read. It reports whether the
// whole chain is read anyway.
func narrowTrack(tr *snapTrack, orig []int64, need int) (bool, error) {
	left := need + 1 // one more: a cut first line would be a fragment
	first := len(tr.files)
	for j := len(tr.files) - 1; j >= 0 && left > 0; j-- {
		sf := tr.files[j]
		off, found, err := backLines(sf, orig[j], &left)
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

// backLines walks sf backwards from its end, counting '\n' against *left.
// When *left reaches 0 it returns the offset just after that newline and
// found; otherwise it returns lo (the whole file is needed).
func backLines(sf *snapFile, lo int64, left *int) (int64, bool, error) {
	buf := make([]byte, backChunk)
	for end := sf.size; end > lo; {
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
			if *left == 0 {
				return start + int64(i) + 1, true, nil
			}
		}
		end = start
	}
	return lo, false, nil
}

// readTracks reads and parses every planned file and returns the entries
// sorted by time with their cursors, and the end cursor.
func readTracks(ctx context.Context, tracks []*snapTrack) ([]Entry, Cursor, error) {
	var files []*snapFile
	for _, tr := range tracks {
		files = append(files, tr.files...)
	}
	// Phase 1: read and count lines, two files at a time.
	if err := parallel(ctx, files, readFile); err != nil {
		return nil, Cursor{}, err
	}
	// Phase 2: give every file a region sized by its line count.
	total := 0
	for _, tr := range tracks {
		total += len(tr.marks)
		carrying := false
		for _, sf := range tr.files {
			total += sf.lines
			sf.joinHead = carrying
			carrying = nextCarrying(sf, carrying)
		}
	}
	all := make([]Entry, total)
	at := 0
	runs := make([][]Entry, len(tracks))
	var parts []*snapPart
	for i, tr := range tracks {
		runStart := at
		at += copy(all[at:], tr.marks)
		for _, sf := range tr.files {
			sf.region = all[at : at+sf.lines : at+sf.lines]
			for _, pt := range sf.parts {
				pt.region = all[at : at+pt.lines : at+pt.lines]
				at += pt.lines
				parts = append(parts, pt)
			}
		}
		runs[i] = all[runStart:at]
	}
	// Every entry's cursor starts from where each file's reading begins.
	var init Cursor
	init.n = uint8(len(tracks))
	for i, tr := range tracks {
		if len(tr.files) > 0 {
			init.pos[i] = Position{Inode: tr.files[0].cf.ino, Offset: uint64(tr.files[0].start)}
		}
	}
	for _, tr := range tracks {
		tr.p.init = init
	}
	// Phase 3: parse every part into its region.
	if err := parallel(ctx, parts, func(pt *snapPart) error {
		tracks[pt.file.track].parsePart(pt)
		return nil
	}); err != nil {
		return nil, Cursor{}, err
	}
	// Phase 4: joined lines, holes left by skipped lines, order.
	end := init
	for i, tr := range tracks {
		end.pos[i] = tr.joinAndEnd()
		sorted := tr.partsSorted()
		runs[i] = compactRun(tr, runs[i], init)
		if !sorted {
			sortRun(runs[i])
		}
	}
	placeKernelRuns(tracks, runs)
	return mergeRuns(all, runs, init), end, nil
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

// readFile reads sf's range in one read, cuts it into parts of whole lines
// and counts their lines.
func readFile(sf *snapFile) error {
	sf.block, sf.lines, sf.tailFrom, sf.parts = nil, 0, 0, nil
	n := sf.size - sf.start
	if n <= 0 {
		return nil
	}
	sf.block = make([]byte, n)
	got, err := sf.cf.f.ReadAt(sf.block, sf.start)
	if err != nil && err != io.EOF {
		return withPath("read", sf.cf.f.Name(), err)
	}
	sf.block = sf.block[:got]
	sf.tailFrom = bytes.LastIndexByte(sf.block, '\n') + 1
	for from := 0; from < sf.tailFrom; {
		to := sf.tailFrom
		if from+partBytes < to {
			to = from + partBytes + bytes.IndexByte(sf.block[from+partBytes:], '\n') + 1
		}
		pt := &snapPart{file: sf, from: from, to: to, lines: bytes.Count(sf.block[from:to], []byte{'\n'})}
		sf.parts = append(sf.parts, pt)
		sf.lines += pt.lines
		from = to
	}
	return nil
}

// parsePart parses a part into its region and notes whether it came out
// in time order. A joined first line of the file is left for joinAndEnd
// (its slot stays empty).
func (tr *snapTrack) parsePart(pt *snapPart) {
	sf := pt.file
	from := pt.from
	out := pt.region[:0]
	if from == 0 && sf.joinHead {
		if i := bytes.IndexByte(sf.block[:pt.to], '\n'); i >= 0 {
			from, sf.headEnd = i+1, i+1
			out = pt.region[:1]
		}
	}
	out, _ = tr.p.parseBlock(sf.block[:pt.to], from, sf.start, sf.cf.ino, sf.mtime, out, len(pt.region))
	pt.written = len(out)
	pt.sorted = true
	for k := 1; k < len(out); k++ {
		if out[k].Time.Before(out[k-1].Time) {
			pt.sorted = false
			break
		}
	}
	// Entries come in file order here: the longest line is the largest
	// step between their positions (a skipped line only makes it larger).
	prev := sf.start + int64(from)
	for k := range out {
		o := int64(out[k].Cursor.pos[tr.p.track].Offset)
		pt.maxLine = max(pt.maxLine, o-prev)
		prev = o
	}
}

// partsSorted reports whether every part of the track came out in time
// order and each follows the one before: then the run needs no sort.
func (tr *snapTrack) partsSorted() bool {
	var last time.Time
	for _, sf := range tr.files {
		if sf.joinHead {
			return false // the joined line was built afterwards
		}
		for _, pt := range sf.parts {
			if !pt.sorted {
				return false
			}
			if pt.written > 0 {
				if pt.region[0].Time.Before(last) {
					return false
				}
				last = pt.region[pt.written-1].Time
			}
		}
	}
	return true
}

// nextCarrying says whether a split line is still open after sf, given
// whether one was open before it: a rotated file ending without '\n'
// opens one (or keeps it open, when it holds no '\n' at all).
func nextCarrying(sf *snapFile, carrying bool) bool {
	if !sf.rotated {
		return false
	}
	if sf.lines == 0 {
		return carrying || len(sf.block) > 0
	}
	return len(sf.block) > sf.tailFrom
}

// joinAndEnd builds the lines a rotation split (filling the slot their
// second half's file reserved) and returns the track's position after
// everything read.
func (tr *snapTrack) joinAndEnd() (end Position) {
	if len(tr.files) == 0 {
		return Position{}
	}
	var carry []byte
	for _, sf := range tr.files {
		if !sf.joinHead {
			end = Position{Inode: sf.cf.ino, Offset: uint64(sf.start)}
		}
		if sf.joinHead && sf.headEnd > 0 {
			line := append(carry, sf.block[:sf.headEnd-1]...)
			pos := Position{Inode: sf.cf.ino, Offset: uint64(sf.start) + uint64(sf.headEnd)}
			if one := tr.p.appendLine(sf.region[:0], line, false, pos, sf.mtime); len(one) == 0 {
				sf.region[0].Mark = markHole
			}
			carry = nil
		} else if sf.joinHead {
			carry = append(carry, sf.block...)
		}
		if sf.tailFrom > 0 {
			end = Position{Inode: sf.cf.ino, Offset: uint64(sf.start) + uint64(sf.tailFrom)}
		}
		if nextCarrying(sf, sf.joinHead) && sf.lines > 0 {
			carry = append([]byte(nil), sf.block[sf.tailFrom:]...)
		} else if nextCarrying(sf, sf.joinHead) && !sf.joinHead {
			carry = append([]byte(nil), sf.block...)
		}
	}
	return end
}

// markHole flags a region slot whose line was skipped; compactRun removes it.
const markHole Mark = 255

// compactRun closes the holes skipped lines left in a track's run and gives
// its notices the time of its first entry, so they sort at its start.
func compactRun(tr *snapTrack, run []Entry, init Cursor) []Entry {
	holes := false
	for _, sf := range tr.files {
		for _, pt := range sf.parts {
			if pt.written < len(pt.region) {
				clear(pt.region[pt.written:])
				for k := pt.written; k < len(pt.region); k++ {
					pt.region[k].Mark = markHole
				}
				holes = true
			}
		}
		if len(sf.region) > 0 && sf.region[0].Mark == markHole {
			holes = true
		}
	}
	if holes {
		w := 0
		for _, e := range run {
			if e.Mark != markHole {
				run[w] = e
				w++
			}
		}
		clear(run[w:])
		for k := w; k < len(run); k++ {
			run[k].Mark = markHole
		}
		run = run[:w]
	}
	if m := len(tr.marks); m > 0 {
		t := time.Now().UTC()
		if len(run) > m {
			t = run[m].Time
		}
		for k := 0; k < m; k++ {
			run[k].Time = t
			own := run[k].Cursor.pos[tr.p.track]
			run[k].Cursor = init
			run[k].Cursor.pos[tr.p.track] = own
		}
	}
	return run
}

// sortRun stably sorts a run by time unless it already is (the usual case).
func sortRun(run []Entry) {
	for k := 1; k < len(run); k++ {
		if run[k].Time.Before(run[k-1].Time) {
			slices.SortStableFunc(run, func(a, b Entry) int { return a.Time.Compare(b.Time) })
			return
		}
	}
}

// mergeRuns merges sorted runs (stable: ties go to the earlier run) into
// all and gives every entry the cursor of everything up to it; run i holds
// the entries of cursor position i and lies inside all. Entries come out of
// parsing with the cursor right for a single run, so one non-empty run is
// returned as it is. Otherwise the longest run is moved to the front of
// all, the others are copied aside, and the merge runs backwards in place:
// no second array the size of the result.
func mergeRuns(all []Entry, runs [][]Entry, init Cursor) []Entry {
	n, longest, nonEmpty := 0, 0, 0
	for i, r := range runs {
		n += len(r)
		if len(r) > 0 {
			nonEmpty++
		}
		if len(r) > len(runs[longest]) {
			longest = i
		}
	}
	if nonEmpty <= 1 {
		return runs[longest]
	}
	src := make([][]Entry, len(runs))
	for i, r := range runs {
		if i != longest {
			src[i] = slices.Clone(r)
		}
	}
	src[longest] = all[:len(runs[longest])]
	copy(src[longest], runs[longest])
	// Going backwards, the last remaining entry of each run is the last one
	// of its file at or before the output position: its cursor position.
	tails := make([]int, len(runs))
	cur := init
	for i, r := range src {
		tails[i] = len(r)
		if len(r) > 0 {
			cur.pos[i] = r[len(r)-1].Cursor.pos[i]
		}
	}
	out := all[:n]
	for d := n - 1; d >= 0; d-- {
		best := -1
		for i, r := range src {
			if tails[i] == 0 {
				continue
			}
			if best < 0 || !r[tails[i]-1].Time.Before(src[best][tails[best]-1].Time) {
				best = i
			}
		}
		tails[best]--
		e := src[best][tails[best]]
		e.Cursor = cur
		out[d] = e
		if t := tails[best]; t > 0 {
			cur.pos[best] = src[best][t-1].Cursor.pos[best]
		} else {
			cur.pos[best] = init.pos[best]
		}
	}
	clear(all[n:])
	return out
}

// applyFilters applies Since, Until and Tail to sorted entries. Notices
// carry the time of their file type's first entry and go with it.
func applyFilters(entries []Entry, opts Options) []Entry {
	if opts.Start.Kind == StartSince && !opts.Start.Since.IsZero() {
		i := sort.Search(len(entries), func(k int) bool { return !entries[k].Time.Before(opts.Start.Since) })
		entries = entries[i:]
	}
	if !opts.Until.IsZero() {
		i := sort.Search(len(entries), func(k int) bool { return !entries[k].Time.Before(opts.Until) })
		entries = entries[:i]
	}
	if opts.Tail > 0 && len(entries) > opts.Tail {
		entries = slices.Clone(entries[len(entries)-opts.Tail:])
	}
	return entries
}
