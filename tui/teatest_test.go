package tui

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"sandtail/theme"
	"sandtail/tui/keytest"
)

// record is one exec.log line.
func record(src string, id int, d string) string {
	return fmt.Sprintf(`{"t":"2026-04-30T20:32:59.688Z","s":%q,"d":%q,"id":%d}`+"\n", src, d, id)
}

// appendFile appends s to path, as the producer does: one write per line.
func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
}

// runProgram starts the whole viewer over dir with the real engine in a
// teatest program of size w×h.
func runProgram(t *testing.T, cfg Config, w, h int) *teatest.TestModel {
	t.Helper()
	st := theme.NoColor()
	m := newModel(context.Background(), cfg, options{backend: engineBackend{}, styles: &st})
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	t.Cleanup(func() { m.shutdown() })
	return tm
}

// waitScreen waits until the program's output contains every want.
func waitScreen(t *testing.T, tm *teatest.TestModel, want ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range want {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
}

func TestProgramFollowsRealFilesAndQuits(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "exec.log")
	appendFile(t, log, record("stdout", 1, "booted fine\n")+record("stderr", 1, "a warning\n"))
	tm := runProgram(t, Config{Name: "devbox", Dir: dir}, 80, 20)
	waitScreen(t, tm, "booted fine", "a warning")

	appendFile(t, log, record("stdout", 1, "a live line\n"))
	waitScreen(t, tm, "a live line")

	tm.Send(keytest.Press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	m := tm.FinalModel(t).(*Model)
	if m.vp.Len() != 3 {
		t.Errorf("buffer holds %d lines, want 3", m.vp.Len())
	}
}

func TestProgramSourceToggleAndSearch(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "exec.log")
	var b strings.Builder
	for i := 0; i < 50; i++ {
		b.WriteString(record("stdout", 2, fmt.Sprintf("request %d ok\n", i)))
	}
	b.WriteString(record("stderr", 2, "boom: disk full\n"))
	appendFile(t, log, b.String())
	tm := runProgram(t, Config{Name: "devbox", Dir: dir}, 80, 12)
	waitScreen(t, tm, "boom: disk full")

	// The renderer sends only what changed, so wait for the changed cells.
	tm.Send(keytest.Press("2"))
	waitScreen(t, tm, "✗")
	tm.Send(keytest.Press("/"))
	tm.Type("request 7 ")
	tm.Send(keytest.Press("enter"))
	waitScreen(t, tm, "1/1")

	tm.Send(tea.WindowSizeMsg{Width: 40, Height: 10})
	tm.Send(keytest.Press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	m := tm.FinalModel(t).(*Model)
	if got := m.vp.Line(m.vp.Selected()).plain; got != "request 7 ok" {
		t.Errorf("selected %q after the search, want request 7 ok", got)
	}
	rows := strings.Split(m.screen(), "\n")
	if len(rows) != 10 {
		t.Errorf("40×10 frame has %d rows", len(rows))
	}
}

func TestProgramReportsARemovedDirectoryWithoutCrashing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	appendFile(t, filepath.Join(dir, "exec.log"), record("stdout", 1, "before removal\n"))
	tm := runProgram(t, Config{Name: "gone", Dir: dir}, 80, 12)
	waitScreen(t, tm, "before removal")
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	// Whatever the engine makes of it, the program keeps running and the
	// buffer stays; q still quits.
	time.Sleep(300 * time.Millisecond)
	tm.Send(keytest.Press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	m := tm.FinalModel(t).(*Model)
	if m.vp.Len() != 1 {
		t.Errorf("buffer holds %d lines after the directory went, want 1", m.vp.Len())
	}
}

func TestProgramOnAnEmptyDirectoryShowsLinesAsTheyCome(t *testing.T) {
	dir := t.TempDir()
	tm := runProgram(t, Config{Name: "fresh", Dir: dir}, 80, 12)
	waitScreen(t, tm, "no log lines yet")
	appendFile(t, filepath.Join(dir, "exec.log"), record("stdout", 1, "first words\n"))
	waitScreen(t, tm, "first words")
	tm.Send(keytest.Press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	if m := tm.FinalModel(t).(*Model); m.state != stateLive || m.streamErr != "" {
		t.Errorf("state %v, error %q", m.state, m.streamErr)
	}
}

func TestProgramCopiesThroughOSC52(t *testing.T) {
	dir := t.TempDir()
	appendFile(t, filepath.Join(dir, "exec.log"), record("stdout", 1, "copy me\n"))
	tm := runProgram(t, Config{Name: "devbox", Dir: dir}, 80, 12)
	waitScreen(t, tm, "copy me")
	tm.Send(keytest.Press("y"))
	// OSC 52 carries the text base64-encoded: "copy me" is Y29weSBtZQ==.
	waitScreen(t, tm, "\x1b]52;c;Y29weSBtZQ==")
	tm.Send(keytest.Press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}
