package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sandtail/engine/sim"
	"sandtail/resumecmd"
)

// openAidsLog starts the viewer over a sandbox whose log spans ten
// minutes: early stdout lines, a stop and start of the sandbox, crashes
// on stderr, levelled lines and a JSON line.
func openAidsLog(t *testing.T) *pane {
	t.Helper()
	p := newPane(t, 110, 34)
	base := time.Now().Add(-10 * time.Minute).Truncate(time.Second)
	now := base
	sb := newSim(t, filepath.Join(p.home, "sandboxes", "aids", "logs"), sim.Config{Clock: func() time.Time { return now }})
	at := func(d time.Duration) { now = base.Add(d) }
	for i := 0; i < 30; i++ {
		at(time.Duration(i) * time.Second)
		write(t, sb, "stdout", 1, "early-%d\n", i)
	}
	at(4*time.Minute + 50*time.Second)
	if err := sb.ExecSystem("--- sandbox stopped ---\n"); err != nil {
		t.Fatal(err)
	}
	at(5 * time.Minute)
	if err := sb.ExecSystem("--- sandbox started ---\n"); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 6; i++ {
		at(5*time.Minute + time.Duration(i)*time.Second)
		write(t, sb, "stderr", 2, "crash-%d\n", i)
	}
	at(8 * time.Minute)
	write(t, sb, "stdout", 2, "level=warn msg=slow-disk\n")
	write(t, sb, "stdout", 2, `{"level":"error","msg":"boom","attempt":3}`+"\n")
	at(10 * time.Minute)
	write(t, sb, "stdout", 2, "tail-line\n")
	p.run(fmt.Sprintf("%s --home %s aids", resumecmd.Quote(binary), resumecmd.Quote(p.home)))
	p.waitText("tail-line", "LIVE")
	return p
}

// TestReadingAidsInATerminal drives the reading aids in tmux: context
// around a filter match, the minimum level, expanded JSON, the activity
// strip and a jump from it.
func TestReadingAidsInATerminal(t *testing.T) {
	t.Parallel()
	p := openAidsLog(t)

	// Context: one match, then one line either side, then none again.
	p.text("&crash-2")
	p.keys("Enter")
	p.waitFor("the filter alone", func(s string) bool {
		return strings.Contains(s, "crash-2") && !strings.Contains(s, "crash-1") && !strings.Contains(s, "crash-3")
	})
	p.text("+")
	p.waitText("crash-1", "crash-2", "crash-3", "±1 1 match")
	p.text("-")
	p.waitFor("context gone", func(s string) bool {
		return strings.Contains(s, "crash-2") && !strings.Contains(s, "crash-1") && !strings.Contains(s, "±1")
	})
	p.keys("Escape")
	p.waitText("early-29", "tail-line")

	// Levels: warn and up keeps the two levelled lines.
	p.text("LL")
	p.waitFor("warn and up", func(s string) bool {
		return strings.Contains(s, "level:warn+") && strings.Contains(s, "W level=warn") &&
			strings.Contains(s, `E {"level":"error"`) && !strings.Contains(s, "tail-line") && !strings.Contains(s, "crash-0")
	})
	p.text("LL")
	p.waitFor("every level", func(s string) bool {
		return strings.Contains(s, "tail-line") && !strings.Contains(s, "level:")
	})

	// JSON: select the line and expand it.
	p.text("/boom")
	p.keys("Enter")
	p.waitFor("the JSON line selected", func(s string) bool { return strings.Contains(selectedRow(s), `{"level":"error"`) })
	p.text("J")
	p.waitText(`"msg": "boom",`, `"attempt": 3`)
	p.text("J")
	p.waitFor("folded again", func(s string) bool { return !strings.Contains(s, `"attempt": 3`) })

	// The strip: its oldest column selects the oldest line, enter goes
	// back to the lines with the strip kept.
	p.text("H")
	p.waitText("activity", "↻", "enter lines")
	p.text("g")
	p.waitFor("the oldest line selected", func(s string) bool { return strings.Contains(selectedRow(s), "early-0") })
	p.waitText("PAUSED")
	p.keys("End")
	p.waitFor("the newest line selected", func(s string) bool { return strings.Contains(selectedRow(s), "tail-line") })
	p.keys("Home")
	p.waitFor("the oldest line again", func(s string) bool { return strings.Contains(selectedRow(s), "early-0") })
	p.keys("Right")
	p.keys("Enter")
	p.waitText("H focus")
	p.text("q")
	p.waitText(strings.TrimSpace(prompt))
}

// TestSaveFromTheViewerWritesTheFilteredLines saves a filtered view as
// text, refuses to overwrite without a yes, and saves JSON Lines.
func TestSaveFromTheViewerWritesTheFilteredLines(t *testing.T) {
	t.Parallel()
	p := openAidsLog(t)
	dir := t.TempDir()
	txt := filepath.Join(dir, "crashes.txt")
	p.text("&crash")
	p.keys("Enter")
	p.waitText("filter:crash")
	p.keys("C-s")
	p.waitText("save to:")
	p.text(txt)
	p.keys("Enter")
	p.waitText("wrote 6 lines")
	b, err := os.ReadFile(txt)
	if err != nil {
		t.Fatal(err)
	}
	if want := "crash-0\ncrash-1\ncrash-2\ncrash-3\ncrash-4\ncrash-5\n"; string(b) != want {
		t.Fatalf("saved %q, want %q", b, want)
	}

	// Again to the same file: nothing is written until y.
	p.keys("Escape")
	p.waitFor("the filter cleared", func(s string) bool { return !strings.Contains(s, "filter:") })
	p.keys("C-s")
	p.waitText("save to:")
	p.text(txt)
	p.keys("Enter")
	p.waitText("it exists. y yes · n no")
	// n goes back to the path, to choose another; esc closes the box.
	p.text("n")
	p.waitFor("the path box again", func(s string) bool {
		return strings.Contains(s, "save to:") && !strings.Contains(s, "it exists")
	})
	p.keys("Escape")
	p.waitFor("the box closed", func(s string) bool { return !strings.Contains(s, "save to:") })
	if b, _ := os.ReadFile(txt); !strings.HasPrefix(string(b), "crash-0\n") {
		t.Fatalf("the file changed without a yes: %q", b)
	}

	jl := filepath.Join(dir, "all.jsonl")
	p.keys("C-s")
	p.waitText("save to:")
	p.text(jl)
	p.keys("Enter")
	p.waitText("wrote 39 lines", "JSON Lines")
	b, err = os.ReadFile(jl)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	// 30 early, 6 crashes, warn, JSON and tail; system lines are hidden.
	if len(rows) != 39 {
		t.Fatalf("saved %d JSON rows, want 39:\n%s", len(rows), b)
	}
	for _, r := range rows {
		var e struct{ T, S, D, Cursor string }
		if err := json.Unmarshal([]byte(r), &e); err != nil || e.T == "" || e.S == "" || e.Cursor == "" {
			t.Fatalf("row %q: %v %+v", r, err, e)
		}
	}
	// The cursor of the last row resumes after it: print mode from there
	// prints nothing more.
	var last struct{ Cursor string }
	json.Unmarshal([]byte(rows[len(rows)-1]), &last)
	r := sandtail(t, nil, "--home", p.home, "aids", "--print", "--from", last.Cursor)
	if r.code != 0 || r.stdout != "" {
		t.Fatalf("--from the last saved cursor: exit %d, %q", r.code, r.stdout)
	}
	p.text("q")
	p.waitText(strings.TrimSpace(prompt))
}
