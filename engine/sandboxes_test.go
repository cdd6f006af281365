package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestValidateName(t *testing.T) {
	good := []string{"a", "Z9", "web-1.prod_x", strings.Repeat("a", 128)}
	for _, n := range good {
		if err := ValidateName(n); err != nil {
			t.Errorf("%q: %v", n, err)
		}
	}
	bad := []string{"", "../x", ".hidden", "-x", "_x", "a/b", "a b", "é", strings.Repeat("a", 129), "x\x00"}
	for _, n := range bad {
		err := ValidateName(n)
		if !errors.Is(err, ErrInvalidName) || !strings.Contains(err.Error(), "invalid sandbox name: ") {
			t.Errorf("%q: got %v, want ErrInvalidName with a reason", n, err)
		}
	}
}

func TestLogDirValidatesBeforeDisk(t *testing.T) {
	home := t.TempDir()
	if _, err := LogDir(home, "../escape"); !errors.Is(err, ErrInvalidName) {
		t.Fatalf("got %v, want ErrInvalidName", err)
	}
	if _, err := LogDir(home, "missing"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
	want := filepath.Join(home, "sandboxes", "box", "logs")
	if err := os.MkdirAll(want, 0o755); err != nil {
		t.Fatal(err)
	}
	got, err := LogDir(home, "box")
	if err != nil || got != want {
		t.Fatalf("got %q %v, want %q", got, err, want)
	}
}

func TestHome(t *testing.T) {
	t.Setenv("MSB_HOME", "/srv/msb")
	if Home() != "/srv/msb" {
		t.Fatalf("Home() = %q", Home())
	}
	t.Setenv("MSB_HOME", "")
	t.Setenv("HOME", "/home/u")
	if Home() != "/home/u/.microsandbox" {
		t.Fatalf("Home() = %q", Home())
	}
}

func TestListSandboxesAndBootError(t *testing.T) {
	home := t.TempDir()
	if got, err := ListSandboxes(home); err != nil || len(got) != 0 {
		t.Fatalf("empty home: %v %v", got, err)
	}
	for _, n := range []string{"web", "api", "bad name"} {
		if err := os.MkdirAll(filepath.Join(home, "sandboxes", n, "logs"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(home, "sandboxes", "nologs"), 0o755); err != nil {
		t.Fatal(err)
	}
	web := filepath.Join(home, "sandboxes", "web", "logs")
	appendFile(t, web, "exec.log", "0123456789")
	appendFile(t, web, "kernel.log", "01234")
	old := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(web, "kernel.log"), old, old); err != nil {
		t.Fatal(err)
	}
	api := filepath.Join(home, "sandboxes", "api", "logs")
	appendFile(t, api, "boot-error.json", `{"t":"2026-04-30T20:32:59.688Z","stage":"mount","errno":2,"message":"no such file"}`)

	got, err := ListSandboxes(home)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "api" || got[1].Name != "web" {
		t.Fatalf("got %+v", got)
	}
	if !got[0].BootError || got[1].BootError || got[1].Size != 15 || got[1].LogDir != web {
		t.Fatalf("got %+v", got)
	}
	if time.Since(got[1].LastWrite) > time.Hour || got[1].LastWrite.Location() != time.UTC {
		t.Fatalf("LastWrite %v is not the newest file's", got[1].LastWrite)
	}

	be, err := ReadBootError(api)
	if err != nil || be == nil || be.Stage != "mount" || be.Errno == nil || *be.Errno != 2 || be.Message != "no such file" || !be.Time.Equal(t0) {
		t.Fatalf("ReadBootError: %+v %v", be, err)
	}
	if be, err := ReadBootError(web); be != nil || err != nil {
		t.Fatalf("absent boot error: %+v %v", be, err)
	}
	appendFile(t, web, "boot-error.json", `{"t":`)
	if _, err := ReadBootError(web); err == nil || !strings.Contains(err.Error(), "boot-error.json") {
		t.Fatalf("malformed boot error: %v", err)
	}
}

func TestOpenMissingDirIsNotFound(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	if _, err := Open(t.Context(), dir, Options{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Open: %v", err)
	}
	if _, err := ReadSnapshot(t.Context(), dir, Options{}); !errors.Is(err, ErrNotFound) {
		t.Fatalf("ReadSnapshot: %v", err)
	}
}
