package lookup

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandtail/engine"
)

// TestResolve finds a sandbox's log directory, names the known sandboxes
// when the name is not there, and reports a bad name as such.
func TestResolve(t *testing.T) {
	home := t.TempDir()
	logs := filepath.Join(home, "sandboxes", "devbox", "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		t.Fatal(err)
	}
	dir, err := Resolve("devbox", home)
	if err != nil || dir != logs {
		t.Fatalf("Resolve(devbox) = %q, %v; want %q", dir, err, logs)
	}
	_, err = Resolve("nope", home)
	var nf *NotFoundError
	if !errors.As(err, &nf) || !errors.Is(err, engine.ErrNotFound) || !strings.Contains(nf.Msg, "known sandboxes: devbox") {
		t.Fatalf("Resolve(nope) = %v", err)
	}
	if _, err := Resolve("../x", home); !errors.Is(err, engine.ErrInvalidName) {
		t.Fatalf("Resolve(../x) = %v, want an invalid name", err)
	}
	if err := CheckDir("", filepath.Join(home, "missing"), home); !errors.As(err, &nf) || !strings.Contains(nf.Msg, "--dir") {
		t.Fatalf("CheckDir of a missing --dir = %v", err)
	}
}
