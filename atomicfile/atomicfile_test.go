package atomicfile

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesWholeOrNotAtAll(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	if err := os.WriteFile(path, []byte("old\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err := Write(path, 0o600, func(w *bufio.Writer) error {
		_, err := w.WriteString("new\n")
		return err
	})
	if err != nil || n != 4 {
		t.Fatalf("Write: %d, %v", n, err)
	}
	b, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if string(b) != "new\n" || fi.Mode().Perm() != 0o600 {
		t.Fatalf("after Write: %q, mode %v", b, fi.Mode().Perm())
	}
	// A failing writer leaves the file as it was, and no temporary file.
	boom := errors.New("boom")
	if _, err := Write(path, 0o644, func(w *bufio.Writer) error {
		w.WriteString("half")
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("a failing writer: %v", err)
	}
	b, _ = os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if string(b) != "new\n" || len(entries) != 1 {
		t.Fatalf("after a failed Write: %q, %d entries in the directory", b, len(entries))
	}
}
