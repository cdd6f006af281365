package engine

// OwnPosition is the position just after the entry in its own file: the
// file's inode and the offset where the record ends. It names the record
// whatever the file is called by now (exec.log or exec.log.3) and however
// the files were interleaved when it was read, so it can find the record
// again in a later read; ok is false for an entry whose cursor does not
// say (a zero cursor).
func (e *Entry) OwnPosition() (p Position, ok bool) {
	// The cursor's positions are those of the files opened for the
	// sources read, in table order; its length tells which set that was.
	// Counted here without openedFiles, which allocates: this runs for
	// every entry the viewer takes in.
	for _, src := range [...]Sources{DefaultSources, AllSources} {
		n, own := 0, -1
		for i := range fileTable {
			if fileTable[i].Produces&src == 0 {
				continue
			}
			if fileTable[i].Name == e.File {
				own = n
			}
			n++
		}
		if n == e.Cursor.Len() && own >= 0 {
			return e.Cursor.At(own), true
		}
	}
	return Position{}, false
}
