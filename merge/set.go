// Package merge reads several sandboxes as one: their snapshots merged by
// time, then their follow streams interleaved as entries arrive. It is a
// layer over the engine, which reads one sandbox at a time: each sandbox
// keeps its own engine stream, so its cursors, gaps and marks are exactly
// what reading it alone would give. An entry's Origin says which sandbox
// it came from and its Cursor belongs to that sandbox: resuming that one
// sandbox from it loses and repeats nothing.
//
// Followed sandboxes share one engine.WatchHub, so following hundreds of
// them takes one inotify instance. With a home to watch (--all), sandboxes
// created while the stream runs join it, read from their beginning.
package merge

import (
	"sync"
)

// Sandbox is one sandbox of a merged read.
type Sandbox struct {
	Name string // as the user names it (sandtail NAME)
	Dir  string // its log directory
}

// MaxSandboxes is how many sandboxes one merged read takes (an Origin is
// 16 bits). Past it, --all ignores new ones and says so.
const MaxSandboxes = 1 << 16

// Set is the sandboxes of a merged read, numbered by Origin in the order
// they joined. It only grows, and is safe for concurrent use: the viewer
// names lines' sandboxes while a follow adds new ones.
type Set struct {
	mu   sync.Mutex
	list []Sandbox
	byID map[string]uint16 // by Dir
}

// NewSet makes a set of the given sandboxes, in that order.
func NewSet(sbs []Sandbox) *Set {
	s := &Set{byID: map[string]uint16{}}
	for _, sb := range sbs {
		s.Add(sb)
	}
	return s
}

// Add adds sb unless its directory is in the set already, and returns its
// origin; ok is false when it was there, or the set is full.
func (s *Set) Add(sb Sandbox) (origin uint16, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, there := s.byID[sb.Dir]; there {
		return o, false
	}
	if len(s.list) >= MaxSandboxes {
		return 0, false
	}
	o := uint16(len(s.list))
	s.list = append(s.list, sb)
	s.byID[sb.Dir] = o
	return o, true
}

// Len is how many sandboxes the set holds.
func (s *Set) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.list)
}

// At returns the sandbox of an origin (the zero Sandbox if there is none).
func (s *Set) At(origin uint16) Sandbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	if int(origin) >= len(s.list) {
		return Sandbox{}
	}
	return s.list[origin]
}

// All returns a copy of the sandboxes, by origin.
func (s *Set) All() []Sandbox {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sandbox(nil), s.list...)
}
