package printmode

import "sandtail/engine"

// AppendEntryJSON appends e as one line of print mode's --json output (the
// schema jsonPrinter documents), so every writer of that schema, such as
// the viewer's save, shares one implementation.
func AppendEntryJSON(b []byte, e *engine.Entry) []byte { return appendEntryJSON(b, e) }
