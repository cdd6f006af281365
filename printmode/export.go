package printmode

import "sandtail/engine"

// AppendEntryJSON appends e as one line of print mode's --json output (the
// schema jsonPrinter documents), so every writer of that schema, such as
// the viewer's save, shares one implementation. sandbox is the entry's
// sandbox when several are read, else empty (no "sandbox" member).
func AppendEntryJSON(b []byte, e *engine.Entry, sandbox string) []byte {
	return appendEntryJSON(b, e, sandbox)
}
