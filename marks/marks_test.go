package marks

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func mark(i int) Mark {
	return Mark{File: "exec.log", Inode: 42, Offset: uint64(100 * (i + 1)), Cursor: "AQ", Time: time.Unix(int64(i), 0).UTC(), Source: "stdout", Text: fmt.Sprintf("line %d", i)}
}

func TestToggleKeepsMarksAcrossOpens(t *testing.T) {
	path := PathFor(t.TempDir(), "devbox", "/logs/devbox")
	s, err := Open(path, "/logs/devbox")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if on, err := s.Toggle(mark(i)); err != nil || !on {
			t.Fatalf("Toggle(%d) = %v, %v", i, on, err)
		}
	}
	if on, err := s.Toggle(mark(1)); err != nil || on {
		t.Fatalf("second Toggle(1) = %v, %v; want unmarked", on, err)
	}
	again, err := Open(path, "/logs/devbox")
	if err != nil {
		t.Fatal(err)
	}
	got := again.Marks()
	if len(got) != 2 || got[0].Key() != mark(0).Key() || got[1].Key() != mark(2).Key() {
		t.Fatalf("reopened: %+v", got)
	}
	if !again.Has(mark(2).Key()) || again.Has(mark(1).Key()) {
		t.Fatal("Has disagrees with the marks")
	}
	// No temporary file is left next to it.
	ents, _ := os.ReadDir(filepath.Dir(path))
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Fatalf("temporary file %s left behind", e.Name())
		}
	}
}

func TestPathFor(t *testing.T) {
	a := PathFor("/state", "devbox", "/home/u/.microsandbox/sandboxes/devbox/logs")
	b := PathFor("/state", "devbox", "/other/home/sandboxes/devbox/logs")
	if a == b {
		t.Fatal("two log directories share a marks file")
	}
	if !strings.HasPrefix(a, "/state/marks/devbox-") || !strings.HasSuffix(a, ".json") {
		t.Fatalf("PathFor = %s", a)
	}
	if p := PathFor("/state", "../evil", "/x"); !strings.HasPrefix(p, "/state/marks/dir-") {
		t.Fatalf("an unsafe name reached the path: %s", p)
	}
}

func TestStateDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/xdg")
	if d, _ := StateDir(); d != "/xdg/sandtail" {
		t.Fatalf("StateDir = %s", d)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/u")
	if d, _ := StateDir(); d != "/home/u/.local/state/sandtail" {
		t.Fatalf("StateDir = %s", d)
	}
}

func TestCorruptFileIsSetAside(t *testing.T) {
	path := PathFor(t.TempDir(), "devbox", "/logs")
	os.MkdirAll(filepath.Dir(path), 0o700)
	if err := os.WriteFile(path, []byte(`{"version":1,"marks":[{"file":`), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, "/logs")
	if err == nil || !strings.Contains(err.Error(), "moved it to") {
		t.Fatalf("Open of a corrupt file: %v", err)
	}
	if len(s.Marks()) != 0 {
		t.Fatal("marks from a corrupt file")
	}
	matches, _ := filepath.Glob(path + ".corrupt-*")
	if len(matches) != 1 {
		t.Fatalf("set aside: %v", matches)
	}
	if b, _ := os.ReadFile(matches[0]); !strings.Contains(string(b), `"marks"`) {
		t.Fatal("the set-aside file lost its content")
	}
	if on, err := s.Toggle(mark(0)); err != nil || !on {
		t.Fatalf("Toggle after setting aside = %v, %v", on, err)
	}
}

func TestUnreadableFileIsReportedAndKept(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	path := PathFor(t.TempDir(), "devbox", "/logs")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte(`{"version":1,"marks":[]}`), 0o000)
	s, err := Open(path, "/logs")
	if err == nil || !strings.Contains(err.Error(), "cannot read marks") {
		t.Fatalf("Open of an unreadable file: %v", err)
	}
	if _, err := s.Toggle(mark(0)); err == nil {
		t.Fatal("a change overwrote a file it could not read")
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0 {
		t.Fatal("the unreadable file was touched")
	}
}

// TestTwoWritersLoseNothing: two sandtails (two stores on one file) mark
// lines at once; every mark of both is in the file afterwards.
func TestTwoWritersLoseNothing(t *testing.T) {
	path := PathFor(t.TempDir(), "devbox", "/logs")
	const each = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for w := 0; w < 2; w++ {
		s, err := Open(path, "/logs")
		if err != nil {
			t.Fatal(err)
		}
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < each; i++ {
				if _, err := s.Toggle(mark(w*each + i)); err != nil {
					errs <- err
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s, err := Open(path, "/logs")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(s.Marks()); n != 2*each {
		t.Fatalf("%d marks in the file, want %d", n, 2*each)
	}
}

func TestRemoveAndReload(t *testing.T) {
	path := PathFor(t.TempDir(), "devbox", "/logs")
	a, _ := Open(path, "/logs")
	b, _ := Open(path, "/logs")
	a.Toggle(mark(0))
	a.Toggle(mark(1))
	if err := b.Reload(); err != nil || len(b.Marks()) != 2 {
		t.Fatalf("Reload: %v, %d marks", err, len(b.Marks()))
	}
	if err := b.Remove(mark(0).Key()); err != nil {
		t.Fatal(err)
	}
	a.Reload()
	if got := a.Marks(); len(got) != 1 || got[0].Key() != mark(1).Key() {
		t.Fatalf("after Remove: %+v", got)
	}
	if err := a.Reload(); errors.Is(err, errSetAside) {
		t.Fatal(err)
	}
}

// FuzzOpen: whatever a marks file holds, Open never panics; it yields marks
// or sets the file aside and says so, and the store then works.
func FuzzOpen(f *testing.F) {
	f.Add([]byte(`{"version":1,"log_dir":"/logs","marks":[{"file":"exec.log","inode":1,"offset":2,"line":0,"cursor":"AQ","t":"2026-04-30T20:32:59Z","s":"stdout","text":"x"}]}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"marks":null}`))
	f.Add([]byte("\x00\xff"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "m.json")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		s, warn := Open(path, "/logs")
		switch {
		case warn == nil:
			if len(s.Marks()) > MaxMarks {
				t.Fatalf("%d marks loaded", len(s.Marks()))
			}
		case IsSetAside(warn):
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("set aside but still there: %v", err)
			}
		default:
			t.Fatalf("unexpected warning: %v", warn)
		}
		if _, err := s.Toggle(mark(1)); err != nil && !strings.Contains(err.Error(), "most a sandbox keeps") {
			t.Fatalf("Toggle after Open: %v", err)
		}
	})
}
