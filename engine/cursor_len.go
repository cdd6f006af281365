package engine

// CursorLen is how many positions a cursor made by a read of sources holds:
// one per log file those sources need. A caller that gets a cursor without
// the sources it was made with can tell from its length whether the system
// logs were part of the read.
func CursorLen(s Sources) int { return len(openedFiles(s)) }
