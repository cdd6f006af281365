package engine

// OwnPosition is the position just after the entry in its own file: the
// file's inode and the offset where the record ends. It names the record
// whatever the file is called by now (exec.log or exec.log.3) and however
// the files were interleaved when it was read, so it can find the record
// again in a later read; ok is false for an entry whose cursor does not
// say (a zero cursor).
func (e *Entry) OwnPosition() (p Position, ok bool) {
	for _, src := range [...]Sources{DefaultSources, AllSources} {
		idx := openedFiles(src)
		if len(idx) != e.Cursor.Len() {
			continue
		}
		for k, i := range idx {
			if fileTable[i].Name == e.File {
				return e.Cursor.At(k), true
			}
		}
	}
	return Position{}, false
}
