package engine

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPermissionErrorNamesPathOnce opens a chain with an unreadable
// rotated file: the error names that file once and is still a permission
// error.
func TestPermissionErrorNamesPathOnce(t *testing.T) {
	dir := logDir(t)
	writeExec(t, dir, 0, 3)
	rotate(t, dir, "exec.log")
	writeExec(t, dir, 3, 3)
	path := filepath.Join(dir, "exec.log.1")
	if err := os.Chmod(path, 0); err != nil {
		t.Fatal(err)
	}
	if f, err := os.Open(path); err == nil {
		f.Close()
		t.Skip("running as a user who can read a file with mode 000")
	}
	_, err := Open(t.Context(), dir, Options{})
	if err == nil {
		t.Fatal("opened a chain with an unreadable file")
	}
	if !errors.Is(err, fs.ErrPermission) || strings.Count(err.Error(), path) != 1 {
		t.Fatalf("got %q, want a permission error naming %s once", err, path)
	}
}

// TestReadErrorNamesPathOnce makes boot-error.json a directory, which even
// root cannot read as a file: the error names it once, and says what it is.
func TestReadErrorNamesPathOnce(t *testing.T) {
	dir := logDir(t)
	path := filepath.Join(dir, bootErrorFile)
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := ReadBootError(dir)
	if err == nil || strings.Count(err.Error(), path) != 1 || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("got %v, want an error naming %s once", err, path)
	}
}

// TestWithPath checks both sides of the rule: an error that names the path
// is kept as is, one that does not gets it.
func TestWithPath(t *testing.T) {
	pe := &fs.PathError{Op: "open", Path: "/x/exec.log", Err: fs.ErrPermission}
	if got := withPath("open", "/x/exec.log", pe); got != error(pe) {
		t.Fatalf("wrapped again: %v", got)
	}
	got := withPath("open", "/x/exec.log", fs.ErrPermission)
	if got.Error() != "open /x/exec.log: permission denied" || !errors.Is(got, fs.ErrPermission) {
		t.Fatalf("got %v", got)
	}
}
