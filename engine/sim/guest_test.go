package sim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestKernelTruncateAndReplace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, KernelLog)
	s, err := New(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, l := range []string{"[    0.000000] Linux version 6.6.58", "[    0.100000] second"} {
		if err := s.Kernel(l); err != nil {
			t.Fatal(err)
		}
	}
	ino := inode(t, path)
	if err := s.TruncateKernel(); err != nil {
		t.Fatal(err)
	}
	if err := s.Kernel("[    0.000000] rebooted"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "[    0.000000] rebooted\n" || inode(t, path) != ino {
		t.Fatalf("after truncate: %q (inode changed: %v)", b, inode(t, path) != ino)
	}
	if err := s.ReplaceKernel(); err != nil {
		t.Fatal(err)
	}
	if err := s.Kernel("[    0.000000] new inode"); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "[    0.000000] new inode\n" || inode(t, path) == ino {
		t.Fatalf("after replace: %q (same inode: %v)", b, inode(t, path) == ino)
	}
}

func TestWriteBootError(t *testing.T) {
	dir := t.TempDir()
	errno := 28
	at := time.Date(2026, 4, 30, 20, 32, 59, 688_000_000, time.UTC)
	for _, tc := range []struct {
		errno *int
		want  string
	}{
		{&errno, `{"t":"2026-04-30T20:32:59.688Z","stage":"mount","errno":28,"message":"no space left on device"}`},
		{nil, `{"t":"2026-04-30T20:32:59.688Z","stage":"mount","errno":null,"message":"no space left on device"}`},
	} {
		if err := WriteBootError(dir, at, "mount", tc.errno, "no space left on device"); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, BootErrorFile))
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tc.want+"\n" {
			t.Fatalf("boot-error.json\n got %s\nwant %s", b, tc.want)
		}
		var v map[string]any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
	}
}
