package tui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sandtail/engine"
)

// statusText is the status message under the view, its rows joined.
func (h *harness) statusText() string { return strings.ReplaceAll(h.m.status, "\n", " ") }

func saveTo(h *harness, path string) {
	h.key("ctrl+s")
	h.typeText(path)
	h.key("enter")
}

func TestSavePlainTextIsWhatIsShown(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, numbered(12, 2, 9)...)
	h.send(0, ent(engine.Stdout, 1, "colour \x1b[31mred\x1b[0m hit\n"))
	filterFor(h, "hit")
	h.key("+")
	path := filepath.Join(t.TempDir(), "out.log")
	saveTo(h, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := "line 1\nhit 2\nline 3\n--\nline 8\nhit 9\nline 10\nline 11\ncolour red hit\n"
	if string(b) != want {
		t.Fatalf("saved\n%q\nwant\n%q", b, want)
	}
	if f := h.statusText(); !strings.Contains(f, "wrote 8 lines") || !strings.Contains(f, "plain text") || !strings.Contains(f, "out.log") {
		t.Errorf("footer: %q", f)
	}
}

func TestSaveJSONLinesUsesThePrintSchemaWithCursors(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, ent(engine.Stdout, 3, "one\n"), ent(engine.Stderr, 4, "two \x1b[2J\n"), ent(engine.Stdout, 3, "three\n"))
	h.key("2") // hide stderr: the save follows the sources shown
	path := filepath.Join(t.TempDir(), "out.jsonl")
	saveTo(h, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(rows) != 2 {
		t.Fatalf("saved %d rows, want 2:\n%s", len(rows), b)
	}
	var cursors []string
	for i, want := range []string{"one\n", "three\n"} {
		var e struct {
			T, S, D, Cursor string
			ID              *uint64 `json:"id"`
		}
		if err := json.Unmarshal([]byte(rows[i]), &e); err != nil {
			t.Fatalf("row %d is not JSON: %v %q", i, err, rows[i])
		}
		if e.S != "stdout" || e.D != want || e.ID == nil || *e.ID != 3 || e.T == "" || e.Cursor == "" {
			t.Errorf("row %d = %+v", i, e)
		}
		cursors = append(cursors, e.Cursor)
	}
	if cursors[0] == cursors[1] {
		t.Errorf("both lines have the same cursor %s", cursors[0])
	}
	// The cursor is the one after the entry, as print mode writes it:
	// the next entry's starting cursor.
	cur, err := engine.ParseCursor(cursors[0])
	if err != nil {
		t.Fatal(err)
	}
	if l := h.m.vp.Line(h.m.vp.First() + 1); l == nil || cur != l.from {
		t.Errorf("cursor of line 1 is not the cursor after its entry")
	}
	if !strings.Contains(h.statusText(), "JSON Lines") {
		t.Errorf("footer: %q", h.statusText())
	}
}

func TestSaveAsksBeforeOverwriting(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, numbered(3)...)
	path := filepath.Join(t.TempDir(), "keep.txt")
	if err := os.WriteFile(path, []byte("precious\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	saveTo(h, path)
	if f := h.footer(); !strings.Contains(f, "keep.txt? it exists. y yes · n no") {
		t.Fatalf("no question: %q", f)
	}
	h.key("n")
	if b, _ := os.ReadFile(path); string(b) != "precious\n" {
		t.Fatalf("n overwrote the file: %q", b)
	}
	h.key("esc")
	if h.m.save != nil {
		t.Fatal("esc left the box open")
	}
	saveTo(h, path)
	h.key("y")
	b, _ := os.ReadFile(path)
	if string(b) != "line 0\nline 1\nline 2\n" {
		t.Fatalf("after y: %q", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("overwriting changed the mode to %v", fi.Mode().Perm())
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("a temporary file was left: %v", entries)
	}
}

func TestSaveSaysWhatWentWrong(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, numbered(3)...)
	dir := t.TempDir()
	saveTo(h, dir)
	if f := h.footer(); !strings.Contains(f, "is a directory") {
		t.Errorf("footer: %q", f)
	}
	h.key("esc")
	saveTo(h, filepath.Join(dir, "missing", "x.log"))
	if f := h.statusText(); !strings.Contains(f, "could not save to") || !strings.Contains(f, "ctrl+s") {
		t.Errorf("footer: %q", f)
	}
}

// A restart divider is drawn whatever is filtered, but a save holds only
// the lines that pass the filter: the divider of a hidden system line is
// not written.
func TestSaveLeavesOutDividersTheFilterDoesNotPass(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, runsLog()...)
	filterFor(h, "line ")
	if !strings.Contains(h.screenText(), "sandbox started") {
		t.Fatalf("no divider on screen:\n%s", h.screenText())
	}
	path := filepath.Join(t.TempDir(), "out.log")
	saveTo(h, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "sandbox") || strings.Count(string(b), "\n") != 6 {
		t.Fatalf("saved %q, want the 6 output lines only", b)
	}
}

// In a view of several sandboxes each saved line's cursor is its own
// sandbox's: resuming that sandbox from it goes on after the line.
func TestSaveJSONOfSeveralSandboxesKeepsEachCursor(t *testing.T) {
	a0 := from(0, ent(engine.Stdout, 1, "a0\n"))
	b0 := from(1, ent(engine.Stdout, 1, "b0\n"))
	a1 := from(0, ent(engine.Stdout, 1, "a1\n"))
	h := newMultiHarness(t, &fakeBackend{log: []engine.Entry{a0, b0, a1}}, "alpha", "beta")
	path := filepath.Join(t.TempDir(), "out.jsonl")
	saveTo(h, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	want := []struct{ sandbox, text, cursor string }{
		{"alpha", "a0\n", a0.Cursor.String()},
		{"beta", "b0\n", b0.Cursor.String()},
		{"alpha", "a1\n", a1.Cursor.String()},
	}
	if len(rows) != len(want) {
		t.Fatalf("saved %d rows, want %d:\n%s", len(rows), len(want), b)
	}
	for i, w := range want {
		var e struct{ Sandbox, D, Cursor string }
		if err := json.Unmarshal([]byte(rows[i]), &e); err != nil {
			t.Fatal(err)
		}
		if e.Sandbox != w.sandbox || e.D != w.text || e.Cursor != w.cursor {
			t.Errorf("row %d: %+v, want %+v", i, e, w)
		}
	}
}
