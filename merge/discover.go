package merge

import (
	"os"
	"path/filepath"
	"time"

	"sandtail/engine"
)

// discoverEvery is how often a follow of every sandbox (--all) looks for
// new ones: a read of the sandboxes directory. A second is soon enough for a sandbox that was just created
// and costs nothing measurable.
const discoverEvery = time.Second

// discover follows sandboxes created under home after the stream started,
// each from its beginning. A sandbox directory without its log directory
// yet is looked at again on every tick until it has one.
func (s *Stream) discover(home string) {
	defer s.wg.Done()
	defer s.done()
	root := filepath.Join(home, "sandboxes")
	waiting := map[string]bool{} // names without a log directory yet
	t := time.NewTicker(discoverEvery)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		// Read every time, not only when the directory's time changed:
		// that time is coarse, and a sandbox made in the same tick as
		// the last read would never be seen.
		if des, err := os.ReadDir(root); err == nil {
			for _, de := range des {
				if engine.ValidateName(de.Name()) == nil && !s.known(logDir(home, de.Name())) {
					waiting[de.Name()] = true
				}
			}
		}
		for name := range waiting {
			dir := logDir(home, name)
			if s.known(dir) {
				delete(waiting, name)
				continue
			}
			if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
				continue // not made yet
			}
			delete(waiting, name)
			s.join(Sandbox{Name: name, Dir: dir})
		}
	}
}

// known reports whether dir is in the set already.
func (s *Stream) known(dir string) bool {
	s.set.mu.Lock()
	defer s.set.mu.Unlock()
	_, ok := s.set.byID[dir]
	return ok
}

// join adds a new sandbox to the set and follows it from its beginning,
// after a notice that says it joined.
func (s *Stream) join(sb Sandbox) {
	origin, ok := s.set.Add(sb)
	if !ok {
		return
	}
	opts := s.opts
	opts.Start = engine.FromBeginning()
	st, err := engine.Open(s.ctx, sb.Dir, opts)
	if err != nil {
		s.note(Incident{Origin: origin, Err: err})
		s.send(memberBatch{origin: origin, es: []engine.Entry{s.notice(origin, "", engine.Cursor{}, "new sandbox, but it cannot be read: "+err.Error())}})
		return
	}
	if !s.send(memberBatch{origin: origin, es: []engine.Entry{s.notice(origin, "", engine.Cursor{}, "new sandbox: following it from its beginning")}}) {
		st.Close()
		return
	}
	if !s.addMember(origin, st) {
		st.Close()
	}
}

// logDir is where a sandbox's logs are, whether or not they exist yet.
func logDir(home, name string) string { return filepath.Join(home, "sandboxes", name, "logs") }
