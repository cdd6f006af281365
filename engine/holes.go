package engine

// A file may be sparse: `truncate -s 100G kernel.log` makes a file of 100
// GiB that takes no disk and reads as zero bytes. Reading it through takes
// minutes (about 500 MB/s of zeros from the kernel) and finds no line end,
// so the readers that walk over one over-long line ask the filesystem
// where data is instead (SEEK_DATA) and count a hole as the zero bytes it
// reads as, without reading it. Every reader still sees exactly the bytes
// it would have read.

// holeEnd returns the offset where data starts at or after off, as far as
// limit: off itself when off is in data (or the system cannot tell), limit
// when [off, limit) is all hole. Every byte in [off, holeEnd) reads as 0.
func holeEnd(f *fileHandle, off, limit int64) int64 {
	if off >= limit {
		return off
	}
	d, ok := f.seekData(off)
	if !ok {
		return off
	}
	if d < 0 || d > limit {
		return limit // no data up to limit (or none at all after off)
	}
	return d
}

// holeStart returns the lowest offset s in [lo, end] such that [s, end)
// is all hole, probing backwards in growing steps: a walk backwards over
// a sparse file costs a few system calls per hole instead of reading it.
// It returns end when the bytes just before end are data.
func holeStart(f *fileHandle, lo, end int64) int64 {
	s := end
	for step := int64(backChunk); s > lo; step *= 2 {
		try := max(end-step, lo)
		if holeEnd(f, try, end) != end {
			break
		}
		s = try
	}
	return s
}
