// Package marks keeps the lines a user marked in a sandbox's logs, in a
// file per sandbox under the user's state directory, so that marks survive
// sandtail's exit. A mark names its line by where the line's record lies in
// its own file (inode and end offset), which stays true when the file is
// renamed by rotation, and carries the line's cursor so that it can be
// opened again with --from.
//
// Several sandtails may mark the same sandbox at once. Every change is made
// under a lock file (flock) as read, change, write: the file is read again
// under the lock, the one change is applied to what it holds, and the
// result replaces it atomically (a temporary file, fsync, rename). So no
// sandtail loses another's marks, and a crash never leaves half a file.
package marks

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sandtail/atomicfile"
	"slices"
	"time"

	"golang.org/x/sys/unix"
)

// Mark is one marked line.
type Mark struct {
	// Where the line's record is: its file type, the file's inode and the
	// offset just after the record; Line is the line's place among the
	// lines of that record (0 for the first).
	File   string `json:"file"`
	Inode  uint64 `json:"inode"`
	Offset uint64 `json:"offset"`
	Line   uint32 `json:"line"`
	// Cursor is the base64 cursor just before the record (--from), and
	// the rest describes the line for the list of marks when the line
	// itself is no longer on disk.
	Cursor string    `json:"cursor"`
	Time   time.Time `json:"t"`
	Source string    `json:"s"`
	Text   string    `json:"text"`
}

// Key identifies the marked line.
type Key struct {
	File   string
	Inode  uint64
	Offset uint64
	Line   uint32
}

// Key returns the mark's identity.
func (m Mark) Key() Key { return Key{m.File, m.Inode, m.Offset, m.Line} }

// MaxMarks bounds the marks of one sandbox: a file of this many stays small
// enough to read again on every change.
const MaxMarks = 10000

// maxTextBytes bounds the text a mark keeps for the list.
const maxTextBytes = 200

// maxFileBytes bounds what is read of a marks file.
const maxFileBytes = 16 << 20

// file is the marks file's content.
type file struct {
	Version int    `json:"version"`
	LogDir  string `json:"log_dir"`
	Marks   []Mark `json:"marks"`
}

// Store is the marks of one sandbox.
type Store struct {
	path   string
	logDir string
	marks  []Mark
}

// StateDir is where sandtail keeps its state: $XDG_STATE_HOME/sandtail, else
// ~/.local/state/sandtail.
func StateDir() (string, error) {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "sandtail"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no state directory for marks: neither XDG_STATE_HOME nor a home directory is set (%w)", err)
	}
	return filepath.Join(home, ".local", "state", "sandtail"), nil
}

// PathFor is the marks file of the sandbox whose logs are in logDir: one
// file per log directory, named after the sandbox (name may be empty) and a
// hash of the directory's absolute path.
func PathFor(stateDir, name, logDir string) string {
	abs, err := filepath.Abs(logDir)
	if err != nil {
		abs = logDir
	}
	sum := sha256.Sum256([]byte(abs))
	base := "dir"
	if name != "" && safeName(name) {
		base = name
	}
	return filepath.Join(stateDir, "marks", base+"-"+hex.EncodeToString(sum[:6])+".json")
}

// safeName reports whether name can be part of a file name as it is.
func safeName(name string) bool {
	if len(name) > 128 {
		return false
	}
	for _, c := range []byte(name) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return name[0] != '.'
}

// Open loads the marks stored at path for the logs in logDir. A missing
// file is no marks. A file that cannot be read as marks is moved aside
// (to path.corrupt-TIME) and reported in the returned warning; the store
// then starts empty and works. Only a failure to set it aside makes the
// store refuse changes (the error of each change says why).
func Open(path, logDir string) (*Store, error) {
	s := &Store{path: path, logDir: logDir}
	marks, warn := s.read()
	s.marks = marks
	return s, warn
}

// Path is the marks file.
func (s *Store) Path() string { return s.path }

// Marks returns the marks, oldest mark first by time.
func (s *Store) Marks() []Mark { return slices.Clone(s.marks) }

// Has reports whether k is marked.
func (s *Store) Has(k Key) bool {
	return slices.ContainsFunc(s.marks, func(m Mark) bool { return m.Key() == k })
}

// Reload reads the file again (another sandtail may have changed it).
func (s *Store) Reload() error {
	marks, warn := s.read()
	s.marks = marks
	return warn
}

// Toggle marks m's line, or unmarks it when it is marked in the file as it
// is now. It reports whether the line is marked afterwards.
func (s *Store) Toggle(m Mark) (bool, error) {
	if len(m.Text) > maxTextBytes {
		m.Text = cutUTF8(m.Text, maxTextBytes)
	}
	marked := false
	err := s.change(func(cur []Mark) ([]Mark, error) {
		i := slices.IndexFunc(cur, func(x Mark) bool { return x.Key() == m.Key() })
		if i >= 0 {
			return slices.Delete(cur, i, i+1), nil
		}
		if len(cur) >= MaxMarks {
			return nil, fmt.Errorf("%d marks is the most a sandbox keeps; unmark some first", MaxMarks)
		}
		marked = true
		return append(cur, m), nil
	})
	return marked, err
}

// Remove unmarks k (a mark listed as gone, for example).
func (s *Store) Remove(k Key) error {
	return s.change(func(cur []Mark) ([]Mark, error) {
		return slices.DeleteFunc(cur, func(x Mark) bool { return x.Key() == k }), nil
	})
}

// change applies fn to the marks in the file, under the lock, and writes
// the result.
func (s *Store) change(fn func([]Mark) ([]Mark, error)) error {
	if err := os.MkdirAll(filepath.Dir(s.path), 0o700); err != nil {
		return fmt.Errorf("cannot keep marks: %w", err)
	}
	unlock, err := lock(s.path + ".lock")
	if err != nil {
		return err
	}
	defer unlock()
	cur, warn := s.read()
	if warn != nil && !errors.Is(warn, errSetAside) {
		return warn
	}
	next, err := fn(cur)
	if err != nil {
		s.marks = cur
		return err
	}
	slices.SortStableFunc(next, func(a, b Mark) int { return a.Time.Compare(b.Time) })
	if err := s.write(next); err != nil {
		s.marks = cur
		return err
	}
	s.marks = next
	return warn
}

// IsSetAside reports whether err (from Open, Reload or a change) says a
// corrupt marks file was moved aside: marks were lost, and the store works.
func IsSetAside(err error) bool { return errors.Is(err, errSetAside) }

// errSetAside marks the warning of a corrupt file that was moved aside: the
// store goes on without it.
var errSetAside = errors.New("set aside")

// setAsideError says that a marks file could not be read as marks and
// where it went.
type setAsideError struct {
	path, aside string
	why         error
}

func (e *setAsideError) Error() string {
	return fmt.Sprintf("marks file %s could not be read (%v): moved it to %s and started with no marks", e.path, e.why, e.aside)
}

func (e *setAsideError) Is(target error) bool { return target == errSetAside }

// read returns the marks in the file. A missing file is none; a corrupt
// one is set aside (reported); an unreadable one is reported and left.
func (s *Store) read() ([]Mark, error) {
	f, err := os.Open(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot read marks from %s: %w; marks made now are not kept until it can be read", s.path, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read marks from %s: %w; marks made now are not kept until it can be read", s.path, err)
	}
	var fl file
	why := error(nil)
	switch {
	case len(b) > maxFileBytes:
		why = fmt.Errorf("larger than %d MiB", maxFileBytes>>20)
	default:
		if err := json.Unmarshal(b, &fl); err != nil {
			why = err
		} else if fl.Version != 1 {
			why = fmt.Errorf("unknown version %d", fl.Version)
		} else if len(fl.Marks) > MaxMarks {
			why = fmt.Errorf("%d marks, more than %d", len(fl.Marks), MaxMarks)
		}
	}
	if why == nil {
		return fl.Marks, nil
	}
	aside := fmt.Sprintf("%s.corrupt-%s", s.path, time.Now().UTC().Format("20060102T150405.000000000"))
	if err := os.Rename(s.path, aside); err != nil {
		return nil, fmt.Errorf("marks file %s could not be read (%v) nor moved aside (%w); move or delete it to keep marks", s.path, why, err)
	}
	return nil, &setAsideError{path: s.path, aside: aside, why: why}
}

// write replaces the file with marks, whole or not at all (atomicfile).
func (s *Store) write(marks []Mark) error {
	b, err := json.MarshalIndent(file{Version: 1, LogDir: s.logDir, Marks: marks}, "", " ")
	if err != nil {
		return fmt.Errorf("cannot encode marks: %w", err)
	}
	if _, err := atomicfile.Write(s.path, 0o600, func(w *bufio.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return fmt.Errorf("cannot save marks to %s: %w", s.path, err)
	}
	return nil
}

// lock takes an exclusive flock on path, waiting for another sandtail's
// change to finish (each holds it for one read and one write).
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("cannot lock marks: %w", err)
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("cannot lock marks (%s): %w", path, err)
	}
	return func() {
		unix.Flock(int(f.Fd()), unix.LOCK_UN)
		f.Close()
	}, nil
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n]
}
