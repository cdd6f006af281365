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
