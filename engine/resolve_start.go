package engine

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// startPoint is where one file type's reading begins, once a Start has been
// resolved against the chain on disk: files[0] of the chain (earlier files
// are dropped) at off, after the notices in marks.
type startPoint struct {
	off   int64
	marks []Entry
}

// resolveStart applies opts.Start to freshly scanned chains. It drops the
// chain files before each start, and fails up front with an
// *InvalidCursorError when a cursor does not fit: a position whose file is
// there but whose offset is stale is reported before one whose file is
// gone, which a lenient start would get past.
func resolveStart(chains []*chain, opts Options) ([]startPoint, error) {
	pts := make([]startPoint, len(chains))
	st := opts.Start
	if st.Kind == StartCursor || st.Kind == StartLenient {
		if st.Cursor.Len() != len(chains) {
			return nil, &InvalidCursorError{Reason: fmt.Sprintf("it has %d positions, but %d log files are read for the requested sources", st.Cursor.Len(), len(chains))}
		}
	}
	var gone error
	for i, c := range chains {
		var err error
		switch st.Kind {
		case StartBeginning, StartSince:
			// Oldest file from 0: nothing to drop.
		case StartEnd:
			err = c.startAtEnd(&pts[i])
		case StartCursor, StartLenient:
			err = c.startAtCursor(&pts[i], i, st.Cursor.At(i), st.Kind == StartLenient)
		default:
			err = fmt.Errorf("unknown start kind %d", st.Kind)
		}
		var ic *InvalidCursorError
		if errors.As(err, &ic) && ic.NotOnDisk {
			if gone == nil {
				gone = err
			}
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	if gone != nil {
		return nil, gone
	}
	return pts, nil
}

// startAtEnd starts at the live file, just after its last complete line.
func (c *chain) startAtEnd(pt *startPoint) error {
	files := c.snapshotFiles()
	if len(files) == 0 {
		return nil
	}
	last := files[len(files)-1]
	fs, err := statFile(&last.f)
	if err != nil {
		return err
	}
	end, err := lastLineEnd(&last.f, fs.size)
	if err != nil {
		return err
	}
	c.dropBefore(len(files) - 1)
	pt.off = end
	return nil
}

// startAtCursor positions a chain at a cursor position. An inode in no
// slot rotated away (or the cursor is from elsewhere): refused when
// strict, marked as a gap and read from the oldest file kept when lenient.
// An inode that is in a slot must have an offset that is a position in
// that file, strict or lenient: anything else is a stale cursor (an inode
// reused, a cursor edited), and resuming there would start mid-line.
func (c *chain) startAtCursor(pt *startPoint, track int, p Position, lenient bool) error {
	if p == (Position{}) {
		return nil // all zeros: from the beginning of that file
	}
	files := c.snapshotFiles()
	at := -1
	for j, cf := range files {
		if cf.ino == p.Inode {
			at = j
			break
		}
	}
	if !c.ft.Rotates {
		return c.startKernelAtCursor(pt, track, p, files, at)
	}
	if at < 0 {
		if !lenient {
			return &InvalidCursorError{File: c.ft.Name, NotOnDisk: true,
				Reason: fmt.Sprintf("the file with inode %d is in no rotation slot: it rotated away, or the cursor belongs to another sandbox", p.Inode)}
		}
		pt.marks = append(pt.marks, c.gapMark(track, files))
		return nil
	}
	cf := files[at]
	last := at == len(files)-1
	if reason, err := checkOffset(&cf.f, p.Offset, !last, c.slotName(cf.slot)); err != nil {
		return err
	} else if reason != "" {
		return &InvalidCursorError{File: c.ft.Name, Reason: reason}
	}
	c.dropBefore(at)
	pt.off = int64(p.Offset)
	return nil
}

// startKernelAtCursor handles a non-rotating file: resume when the inode
// matches and the offset fits; read it again from 0, marked, when it was
// replaced (another inode) or truncated (shorter than the offset). An
// offset inside it that is not just after a newline is a stale cursor.
func (c *chain) startKernelAtCursor(pt *startPoint, track int, p Position, files []*chainFile, at int) error {
	if at < 0 {
		if len(files) > 0 {
			pt.marks = append(pt.marks, restartMark(c.ft.Name, track, Position{Inode: files[0].ino},
				"was replaced since the cursor was taken; reading it again from the start"))
		}
		return nil
	}
	cf := files[at]
	fs, err := statFile(&cf.f)
	if err != nil {
		return err
	}
	if int64(p.Offset) > fs.size {
		pt.marks = append(pt.marks, restartMark(c.ft.Name, track, Position{Inode: cf.ino},
			"was truncated since the cursor was taken; reading it again from the start"))
		return nil
	}
	reason, err := checkOffset(&cf.f, p.Offset, false, c.ft.Name)
	if err != nil {
		return err
	}
	if reason != "" {
		return &InvalidCursorError{File: c.ft.Name, Reason: reason}
	}
	pt.off = int64(p.Offset)
	return nil
}

// checkOffset says why off cannot be a position in f, the file called name
// ("" when it can): past the end, or not just after a newline. At the very
// end of a rotated file (rotated set) whose last line a rotation split, no
// newline is needed.
func checkOffset(f *fileHandle, off uint64, rotated bool, name string) (string, error) {
	fs, err := statFile(f)
	if err != nil {
		return "", err
	}
	if off > uint64(fs.size) {
		return fmt.Sprintf("offset %d is past the end of %s (%d bytes): the cursor is stale", off, name, fs.size), nil
	}
	if off == 0 || (rotated && off == uint64(fs.size)) {
		return "", nil
	}
	var b [1]byte
	if _, err := f.ReadAt(b[:], int64(off-1)); err != nil {
		return "", withPath("read", f.Name(), err)
	}
	if b[0] != '\n' {
		return fmt.Sprintf("offset %d is in the middle of a line of %s (the byte before it is not a newline): the cursor is stale", off, name), nil
	}
	return "", nil
}

// gapMark is the notice for a file whose cursor inode is in no slot:
// reading resumes at the oldest retained rotation. How much was lost is not
// known: the rest of the cursor's file, and any number of files after it,
// went by unseen.
func (c *chain) gapMark(track int, files []*chainFile) Entry {
	var pos Position
	if len(files) > 0 {
		pos.Inode = files[0].ino
	}
	return gapEntry(c.ft.Name, track, pos, Loss{}, "the cursor's file is no longer on disk (rotated out of retention)")
}

// gapEntry builds a MarkGap notice: lost, and why.
func gapEntry(name string, track int, pos Position, lost Loss, why string) Entry {
	msg := fmt.Sprintf("lost %s of %s: %s", lost, name, why)
	e := Entry{Time: time.Now().UTC(), Source: System, Mark: MarkGap, File: name, Data: []byte(msg)}
	e.Cursor.pos[track] = pos
	return e
}

// restartMark builds a MarkRestart notice.
func restartMark(name string, track int, pos Position, why string) Entry {
	e := Entry{Time: time.Now().UTC(), Source: System, Mark: MarkRestart, File: name, Data: []byte(name + " " + why)}
	e.Cursor.pos[track] = pos
	return e
}

// backChunk is how much lastLineEnd reads per step backwards.
const backChunk = 64 << 10

// lastLineEnd returns the offset just after the last '\n' in f's first size
// bytes (0 when there is none), reading backwards in bounded steps.
func lastLineEnd(f *fileHandle, size int64) (int64, error) {
	buf := make([]byte, backChunk)
	for end := size; end > 0; {
		if end < size {
			// No line end in the last chunk: a long line, perhaps a
			// sparse file's hole, which holds none.
			if s := holeStart(f, 0, end); s < end {
				end = s
				continue
			}
		}
		start := max(end-backChunk, 0)
		b := buf[:end-start]
		if _, err := f.ReadAt(b, start); err != nil && err != io.EOF {
			return 0, withPath("read", f.Name(), err)
		}
		if i := bytes.LastIndexByte(b, '\n'); i >= 0 {
			return start + int64(i) + 1, nil
		}
		end = start
	}
	return 0, nil
}
