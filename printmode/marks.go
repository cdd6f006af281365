package printmode

import (
	"sandtail/engine"
	"sandtail/marks"
)

// markKey names a record by where it ends in its own file.
type markKey struct {
	file   string
	inode  uint64
	offset uint64
}

// markFilter keeps the entries whose records hold a marked line (--marks):
// what the viewer's m marked in this sandbox.
type markFilter struct {
	keys map[markKey]bool
}

// loadMarks reads the sandbox's marks. A marks file that could not be read
// is said on stderr; with no marks nothing is printed, and stderr says why.
func loadMarks(cfg Config, notes *notifier) *markFilter {
	f := &markFilter{keys: map[markKey]bool{}}
	state := cfg.StateDir
	if state == "" {
		d, err := marks.StateDir()
		if err != nil {
			notes.say("--marks: %v", err)
			return f
		}
		state = d
	}
	s, warn := marks.Open(marks.PathFor(state, cfg.Name, cfg.Dir), cfg.Dir)
	if warn != nil {
		notes.say("--marks: %v", warn)
	}
	for _, m := range s.Marks() {
		f.keys[markKey{m.File, m.Inode, m.Offset}] = true
	}
	if len(f.keys) == 0 {
		notes.say("--marks: no marked lines for this sandbox (mark lines with m in the viewer)")
	}
	return f
}

// keep returns the marked entries of es (a new slice; es is left alone).
// Notices (gaps, restarts) are kept: they explain what is missing.
func (f *markFilter) keep(es []engine.Entry) []engine.Entry {
	var out []engine.Entry
	for i := range es {
		e := &es[i]
		if e.Mark != engine.MarkNone {
			out = append(out, *e)
			continue
		}
		if p, ok := e.OwnPosition(); ok && f.keys[markKey{e.File, p.Inode, p.Offset}] {
			out = append(out, *e)
		}
	}
	return out
}

// markRing holds the last n marked entries of a snapshot read a batch at a
// time (--marks with --tail): the entries' Data is copied, as the batch it
// came in is reused, so it holds n entries whatever the logs hold.
type markRing struct {
	buf  []engine.Entry
	next int  // where the next entry goes once buf is full
	full bool // buf has n entries and next wraps around
	n    int
}

func newMarkRing(n int) *markRing { return &markRing{n: n} }

// add keeps es (already filtered), dropping the oldest beyond n.
func (r *markRing) add(es []engine.Entry) {
	for _, e := range es {
		e.Data = append([]byte(nil), e.Data...)
		if !r.full {
			r.buf = append(r.buf, e)
			if len(r.buf) == r.n {
				r.full = true
			}
			continue
		}
		r.buf[r.next] = e
		r.next = (r.next + 1) % r.n
	}
}

// entries are the entries held, oldest first.
func (r *markRing) entries() []engine.Entry {
	if !r.full {
		return r.buf
	}
	return append(append([]engine.Entry(nil), r.buf[r.next:]...), r.buf[:r.next]...)
}
