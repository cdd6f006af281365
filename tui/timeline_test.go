package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sandtail/engine"
	"sandtail/marks"
)

// runsLog is two runs of a sandbox: started, output, stopped, started.
func runsLog() []engine.Entry {
	offset = 0
	var es []engine.Entry
	es = append(es, ent(engine.Stdout, 1, "before any restart\n"))
	es = append(es, ent(engine.System, 0, "--- sandbox started ---\n"))
	es = append(es, outLines(0, 3)...)
	es = append(es, ent(engine.System, 0, "--- sandbox stopped ---\n"))
	es = append(es, ent(engine.System, 0, "--- sandbox started ---\n"))
	es = append(es, outLines(3, 3)...)
	return es
}

// selectedText is the plain text of the selected line.
func selectedText(h *harness) string {
	l := h.m.vp.Line(h.m.vp.Selected())
	if l == nil {
		return ""
	}
	return l.plain
}

func TestDividersShowWhateverSourcesAreOn(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, runsLog()...)
	screen := h.screenText()
	if h.m.show.Has(engine.System) {
		t.Fatal("system is on by default; the test needs it off")
	}
	for _, want := range []string{"sandbox started · 2026-04-30", "· run 1", "sandbox stopped ·", "· run 2", "──"} {
		if !strings.Contains(screen, want) {
			t.Fatalf("screen lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "--- sandbox started ---") {
		t.Fatalf("a restart is drawn as a plain line:\n%s", screen)
	}
	// A filter that matches nothing else still shows the restarts.
	h.key("&")
	h.typeText("line 4")
	h.key("enter")
	if s := h.screenText(); !strings.Contains(s, "sandbox stopped") || !strings.Contains(s, "line 4") || strings.Contains(s, "line 1") {
		t.Fatalf("filtered screen:\n%s", s)
	}
}

func TestBracesJumpBetweenRestarts(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, runsLog()...)
	h.key("{")
	if got := selectedText(h); got != "--- sandbox started ---" {
		t.Fatalf("{ from the tail selected %q", got)
	}
	h.key("{")
	if got := selectedText(h); got != "--- sandbox stopped ---" {
		t.Fatalf("second { selected %q", got)
	}
	h.key("{", "{")
	if got := selectedText(h); got != "--- sandbox started ---" {
		t.Fatalf("{ to the first restart selected %q", got)
	}
	if !strings.Contains(h.screenText(), "no restart above") {
		t.Fatalf("{ past the first restart does not say so:\n%s", h.screenText())
	}
	h.key("}")
	if got := selectedText(h); got != "--- sandbox stopped ---" {
		t.Fatalf("} selected %q", got)
	}
	h.key("}", "}")
	if !strings.Contains(h.screenText(), "no restart below") {
		t.Fatalf("} past the last restart does not say so:\n%s", h.screenText())
	}
}

func TestFooterShowsDateZoneAndPosition(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, outLines(0, 10)...)
	h.key("k", "k")
	l := h.m.vp.Line(h.m.vp.Selected())
	local := l.time().In(time.Local).Format(fullTimeLayout)
	if s := h.screenText(); !strings.Contains(s, local+" · line 8 of 10") {
		t.Fatalf("footer lacks %q:\n%s", local+" · line 8 of 10", s)
	}
	h.key("T")
	utc := l.time().UTC().Format(fullTimeLayout)
	if s := h.screenText(); !strings.Contains(s, utc+" · line 8 of 10") || !strings.HasSuffix(utc, "UTC") {
		t.Fatalf("after T the footer lacks %q:\n%s", utc, s)
	}
	// T turns the line stamps to UTC too.
	h.key("t")
	if s := h.screenText(); !strings.Contains(s, l.time().UTC().Format(timeLayout)+" out line 7") {
		t.Fatalf("stamps not in UTC:\n%s", s)
	}
}

func TestGoToTime(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	offset = 0
	var es []engine.Entry
	for i := 0; i < 10; i++ {
		e := ent(engine.Stdout, 1, "at minute "+string(rune('0'+i))+"\n")
		e.Time = t0.Add(time.Duration(i) * time.Minute)
		es = append(es, e)
	}
	h.send(0, es...)
	h.key("T") // times in UTC, so the clock forms below are t0's
	at := func(want string) {
		t.Helper()
		if got := selectedText(h); got != want {
			t.Fatalf("selected %q, want %q\n%s", got, want, h.screenText())
		}
	}
	h.key("@")
	h.typeText("2026-04-30T20:35:59Z")
	h.key("enter")
	at("at minute 3")
	h.key("@")
	h.typeText("20:37")
	h.key("enter")
	at("at minute 5")
	h.key("@")
	h.typeText("20:37:58.500")
	h.key("enter")
	at("at minute 5")
	h.key("@")
	h.typeText("20:37:59.500")
	h.key("enter")
	at("at minute 6")
	h.key("@")
	h.typeText("-2m")
	h.key("enter")
	at("at minute 7")
	// Outside the history: said, and the selection stays.
	h.key("@")
	h.typeText("-1h")
	h.key("enter")
	at("at minute 7")
	if s := h.screenText(); !strings.Contains(s, "outside the history: before the oldest line held") {
		t.Fatalf("no word on a time before the history:\n%s", s)
	}
	h.key("@")
	h.typeText("2026-05-01T00:00:00Z")
	h.key("enter")
	if s := h.screenText(); !strings.Contains(s, "after the newest line") {
		t.Fatalf("no word on a time after the history:\n%s", s)
	}
	// A time that does not parse keeps the box open, saying why.
	h.key("@")
	h.typeText("soon")
	h.key("enter")
	if h.m.tl.gotoBox == nil || !strings.Contains(h.screenText(), "is not a time") {
		t.Fatalf("a bad time closed the box or said nothing:\n%s", h.screenText())
	}
	h.key("esc")
	if h.m.tl.gotoBox != nil {
		t.Fatal("esc left the box open")
	}
	at("at minute 7")
}

func TestMarksSurviveARestartOfTheViewer(t *testing.T) {
	state := t.TempDir()
	cfg := Config{StateDir: state}
	h := newHarness(t, cfg, &fakeBackend{})
	h.send(0, runsLog()...)
	h.key("k", "k", "m")
	marked := selectedText(h)
	if !strings.Contains(h.screenText(), markGlyphText+"out "+marked) {
		t.Fatalf("no mark in the gutter:\n%s", h.screenText())
	}
	h.key("k", "k", "k", "m") // a second mark, across the restart divider
	second := selectedText(h)
	files, _ := filepath.Glob(filepath.Join(state, "marks", "devbox-*.json"))
	if len(files) != 1 {
		t.Fatalf("marks files: %v", files)
	}

	// A new viewer on the same logs finds both.
	again := newHarness(t, cfg, &fakeBackend{})
	again.send(0, runsLog()...)
	if n := strings.Count(again.screenText(), markGlyphText); n != 2 {
		t.Fatalf("%d marks shown after a restart, want 2:\n%s", n, again.screenText())
	}
	again.key("'")
	if got := selectedText(again); got != second {
		t.Fatalf("' from the tail (wrapping) selected %q, want %q", got, second)
	}
	again.key("'")
	if got := selectedText(again); got != marked {
		t.Fatalf("' selected %q, want %q", got, marked)
	}
	again.key("\"")
	if got := selectedText(again); got != second {
		t.Fatalf("\" selected %q, want %q", got, second)
	}
	// M lists them; Enter goes to the highlighted one (the newest first).
	again.key("G", "M")
	s := again.screenText()
	if !strings.Contains(s, "Marks (2)") || !strings.Contains(s, marked) {
		t.Fatalf("list of marks:\n%s", s)
	}
	again.key("up", "enter")
	if got := selectedText(again); got != second {
		t.Fatalf("enter in the list selected %q, want %q", got, second)
	}
	// m again unmarks, and the file says so.
	again.key("m")
	s2, err := marks.Open(files[0], "/logs/devbox")
	if err != nil || len(s2.Marks()) != 1 {
		t.Fatalf("after unmarking: %v, %d marks", err, len(s2.Marks()))
	}
}

func TestMarkOfALineNoLongerHeld(t *testing.T) {
	state := t.TempDir()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	path := marks.PathFor(state, "devbox", dir)
	s, _ := marks.Open(path, dir)
	if _, err := s.Toggle(marks.Mark{File: "exec.log", Inode: 1, Offset: 10, Time: t0, Source: "stdout", Text: "rotated away long ago", Cursor: "AQ"}); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Config{Name: "devbox", Dir: dir, StateDir: state}, &fakeBackend{})
	h.send(0, outLines(0, 3)...)
	h.key("M")
	if sc := h.screenText(); !strings.Contains(sc, "gone (its file left retention)") || !strings.Contains(sc, "rotat") {
		t.Fatalf("a gone mark is not listed as gone:\n%s", sc)
	}
	h.key("enter")
	if sc := h.screenText(); !strings.Contains(sc, "gone") {
		t.Fatalf("enter on a gone mark says nothing:\n%s", sc)
	}
}

func TestCorruptMarksFileIsReported(t *testing.T) {
	state := t.TempDir()
	path := marks.PathFor(state, "devbox", "/logs/devbox")
	os.MkdirAll(filepath.Dir(path), 0o700)
	os.WriteFile(path, []byte("{not json"), 0o600)
	h := newHarness(t, Config{StateDir: state}, &fakeBackend{})
	h.send(0, outLines(0, 3)...)
	h.key("m")
	if s := h.screenText(); !strings.Contains(s, "marked") {
		t.Fatalf("marking after a corrupt file:\n%s", s)
	}
	if aside, _ := filepath.Glob(path + ".corrupt-*"); len(aside) != 1 {
		t.Fatalf("corrupt file not set aside: %v", aside)
	}
}

// Marking the newest line while following marks it and keeps following.
func TestMarkWhileFollowing(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, outLines(0, 3)...)
	h.key("m")
	if !h.m.vp.Following() {
		t.Fatal("m paused the view")
	}
	h.send(0, outLines(3, 2)...)
	s := h.screenText()
	if !strings.Contains(s, markGlyphText+"out line 2") || !strings.Contains(s, "line 4") {
		t.Fatalf("the newest line at the time was not marked, or following stopped:\n%s", s)
	}
	if !h.m.vp.Following() {
		t.Fatal("not following after new lines")
	}
}
