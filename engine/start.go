package engine

import (
	"bytes"
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
// *InvalidCursorError when a strict cursor does not fit.
func resolveStart(chains []*chain, opts Options) ([]startPoint, error) {
	pts := make([]startPoint, len(chains))
	st := opts.Start
	if st.Kind == StartCursor || st.Kind == StartLenient {
		if st.Cursor.Len() != len(chains) {
			return nil, &InvalidCursorError{Reason: fmt.Sprintf("it has %d positions, but %d log files are read for the requested sources", st.Cursor.Len(), len(chains))}
		}
	}
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
		if err != nil {
			return nil, err
		}
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

// startAtCursor positions a chain at a cursor position (SPEC §4, §5).
func (c *chain) startAtCursor(pt *startPoint, track int, p Position, lenient bool) error {
	if p == (Position{}) {
		return nil // all zeros: from the beginning of that file
	}
	files := c.snapshotFiles()
	at := -1
	for j, cf := range files {
		if cf.ino == p.Generation {
			at = j
			break
		}
	}
	if !c.ft.Rotates {
		return c.startKernelAtCursor(pt, track, p, files, at, lenient)
	}
	if at < 0 {
		if !lenient {
			return &InvalidCursorError{File: c.ft.Name, Reason: fmt.Sprintf("file generation %d is in no rotation slot: it rotated away, or the cursor belongs to another sandbox", p.Generation)}
		}
		pt.marks = append(pt.marks, c.gapMark(track, files, p.Offset))
		return nil
	}
	cf := files[at]
	last := at == len(files)-1
	if reason, err := checkOffset(&cf.f, p.Offset, !last); err != nil {
		return err
	} else if reason != "" {
		if !lenient {
			return &InvalidCursorError{File: c.ft.Name, Reason: fmt.Sprintf("%s (in %s)", reason, c.slotName(cf.slot))}
		}
		pt.marks = append(pt.marks, c.gapMark(track, files, 0))
		return nil
	}
	c.dropBefore(at)
	pt.off = int64(p.Offset)
	return nil
}

// startKernelAtCursor handles a non-rotating file: resume when the inode
// matches and the offset still fits, else read it again from 0, marked.
func (c *chain) startKernelAtCursor(pt *startPoint, track int, p Position, files []*chainFile, at int, lenient bool) error {
	if at < 0 {
		if len(files) > 0 {
			pt.marks = append(pt.marks, restartMark(c.ft.Name, track, Position{Generation: files[0].ino},
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
		pt.marks = append(pt.marks, restartMark(c.ft.Name, track, Position{Generation: cf.ino},
			"was truncated since the cursor was taken; reading it again from the start"))
		return nil
	}
	reason, err := checkOffset(&cf.f, p.Offset, false)
	if err != nil {
		return err
	}
	if reason != "" {
		if !lenient {
			return &InvalidCursorError{File: c.ft.Name, Reason: reason}
		}
		pt.marks = append(pt.marks, restartMark(c.ft.Name, track, Position{Generation: cf.ino},
			"does not match the cursor any more; reading it again from the start"))
		return nil
	}
	pt.off = int64(p.Offset)
	return nil
}

// checkOffset says why off cannot be a position in f ("" when it can): past
// the end, or not just after a newline. At the very end of a rotated file
// (rotated set) whose last line a rotation split, no newline is needed.
func checkOffset(f *fileHandle, off uint64, rotated bool) (string, error) {
	fs, err := statFile(f)
	if err != nil {
		return "", err
	}
	if off > uint64(fs.size) {
		return fmt.Sprintf("offset %d is past the end of the file (%d bytes)", off, fs.size), nil
	}
	if off == 0 || (rotated && off == uint64(fs.size)) {
		return "", nil
	}
	var b [1]byte
	if _, err := f.ReadAt(b[:], int64(off-1)); err != nil {
		return "", withPath("read", f.Name(), err)
	}
	if b[0] != '\n' {
		return fmt.Sprintf("the byte before offset %d is not a newline: the cursor is stale", off), nil
	}
	return "", nil
}

// gapMark is the notice for a file whose cursor generation rotated away:
// reading resumes at the oldest retained rotation. The loss is estimated
// from the size of a rotated file: the rest of the file the cursor was in.
func (c *chain) gapMark(track int, files []*chainFile, readOff uint64) Entry {
	var pos Position
	var lost int64
	if len(files) > 0 {
		pos.Generation = files[0].ino
		if len(files) > 1 {
			if fs, err := statFile(&files[0].f); err == nil {
				lost = fs.size - int64(readOff)
			}
		}
	}
	return gapEntry(c.ft.Name, track, pos, lost)
}

// gapEntry builds a MarkGap notice.
func gapEntry(name string, track int, pos Position, lost int64) Entry {
	var msg string
	if lost > 0 {
		msg = fmt.Sprintf("lost about %d bytes of %s: the reader fell behind rotation", lost, name)
	} else {
		msg = fmt.Sprintf("lost an unknown amount of %s: the reader fell behind rotation", name)
	}
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
