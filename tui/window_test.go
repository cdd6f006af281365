package tui

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/theme"
)

// timedRecord is an exec.log record of line n, a millisecond apart.
func timedRecord(n int, d string) string {
	ts := time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC).Add(time.Duration(n) * time.Millisecond)
	return fmt.Sprintf(`{"t":%q,"s":"stdout","d":%q,"id":1}`+"\n", ts.Format("2006-01-02T15:04:05.000Z"), d)
}

// rotateLog renames exec.log.3→.4 … exec.log→exec.log.1, as the producer
// does, and starts an empty exec.log.
func rotateLog(t *testing.T, dir string) {
	t.Helper()
	for k := 3; k >= 1; k-- {
		from := filepath.Join(dir, fmt.Sprintf("exec.log.%d", k))
		if _, err := os.Stat(from); err == nil {
			if err := os.Rename(from, filepath.Join(dir, fmt.Sprintf("exec.log.%d", k+1))); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Rename(filepath.Join(dir, "exec.log"), filepath.Join(dir, "exec.log.1")); err != nil {
		t.Fatal(err)
	}
	appendFile(t, filepath.Join(dir, "exec.log"), "")
}

// fiveFiles writes five exec.log files (four rotated) of per lines each;
// the first line of each says which file it is.
func fiveFiles(t *testing.T, dir string, per int) int {
	t.Helper()
	n := 0
	for _, name := range []string{"exec.log.4", "exec.log.3", "exec.log.2", "exec.log.1", "exec.log"} {
		var b strings.Builder
		for i := 0; i < per; i++ {
			d := fmt.Sprintf("line %d\n", n)
			if i == 0 {
				d = fmt.Sprintf("first of %s\n", name)
			}
			b.WriteString(timedRecord(n, d))
			n++
		}
		appendFile(t, filepath.Join(dir, name), b.String())
	}
	return n
}

// newRealHarness builds a model over the real engine, 80×24.
func newRealHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	if cfg.StateDir == "" {
		cfg.StateDir = t.TempDir()
	}
	ctx, cancel := context.WithCancel(context.Background())
	st := theme.NoColor()
	m := newModel(ctx, cfg, options{backend: engineBackend{}, styles: &st})
	h := &harness{t: t, m: m, results: make(chan tea.Msg, 64), cancel: cancel}
	t.Cleanup(func() { m.shutdown(); cancel() })
	h.update(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.do(m.Init())
	return h
}

// until delivers command results to the model until cond holds.
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case msg := <-h.results:
			h.deliver(msg)
		case <-deadline:
			h.t.Fatalf("%s: not after 10s", what)
		}
	}
}

// drainReady delivers the command results already there.
func (h *harness) drainReady() {
	for {
		select {
		case msg := <-h.results:
			h.deliver(msg)
		default:
			return
		}
	}
}

// deliver gives one command result to the model.
func (h *harness) deliver(msg tea.Msg) {
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			h.do(c)
		}
	default:
		h.update(msg)
	}
}

// selectedText is the plain text of the selected line.
func (h *harness) selectedText() string {
	if l := h.m.vp.Line(h.m.vp.Selected()); l != nil {
		return l.plain
	}
	return ""
}

// shows reports whether a line held and shown has text s.
func (h *harness) shows(s string) bool {
	_, ok := h.m.vp.FindBack(func(_ uint64, l *line) bool { return l.plain == s })
	return ok
}

// openFive writes five exec.log files of per lines and opens the viewer on
// them with a buffer of buffer lines (0: the default), once it shows the
// newest line through a History; it returns the directory and the number
// of lines.
func openFive(t *testing.T, per, buffer int) (*harness, string, int) {
	t.Helper()
	dir := t.TempDir()
	n := fiveFiles(t, dir, per)
	h := newRealHarness(t, Config{Name: "devbox", Dir: dir, Buffer: buffer})
	h.until("the newest line", func() bool { return h.m.win != nil && h.shows(fmt.Sprintf("line %d", n-1)) })
	return h, dir, n
}

// fiveText is the text of line i of fiveFiles with per lines a file.
func fiveText(i, per int) string {
	if i%per != 0 {
		return fmt.Sprintf("line %d", i)
	}
	if k := i / per; k < 4 {
		return fmt.Sprintf("first of exec.log.%d", 4-k)
	}
	return "first of exec.log"
}

func TestTopShowsTheOldestLineOnDiskAndBottomTheNewest(t *testing.T) {
	h, dir, n := openFive(t, 600, 500)
	if h.shows("first of exec.log.4") {
		t.Fatal("the oldest line is held with a 500-line buffer: the test shows nothing")
	}
	h.key("g")
	if got := h.selectedText(); got != "first of exec.log.4" {
		t.Fatalf("g selects %q, want the first line of exec.log.4", got)
	}
	// A live line arrives while the view is far above the lines held:
	// it is not held, and G reads it.
	appendFile(t, filepath.Join(dir, "exec.log"), timedRecord(n, "a live line\n"))
	h.until("the live line counted", func() bool { return h.m.win.live == n+1 })
	if h.shows("a live line") {
		t.Fatal("a live line joined a window far from the newest entries")
	}
	h.key("G")
	if got := h.selectedText(); got != "a live line" || !h.m.vp.Following() {
		t.Fatalf("G selects %q (following %v), want the live line", got, h.m.vp.Following())
	}
	if !h.m.win.attached() || h.m.vp.Len() > 500 {
		t.Fatalf("window %+v, %d lines held: want the newest 500 or fewer", h.m.win, h.m.vp.Len())
	}
	appendFile(t, filepath.Join(dir, "exec.log"), timedRecord(n+1, "another\n"))
	h.until("the next live line", func() bool { return h.selectedText() == "another" })
}

func TestScrollingUpPastTheLinesHeldReadsOlderOnes(t *testing.T) {
	h, _, n := openFive(t, 200, 300)
	// 1,000 lines on disk, 300 held: one line up at a time, each line
	// is selected in turn, across the edges of the windows.
	for want := n - 2; want > 0; want-- {
		h.key("k")
		if got, exp := h.selectedText(), fiveText(want, 200); got != exp {
			t.Fatalf("after %d moves up: %q, want %q", n-1-want, got, exp)
		}
	}
	h.key("k")
	if got := h.selectedText(); got != "first of exec.log.4" || h.m.win.lo != 0 || h.m.vp.Len() > 300 {
		t.Fatalf("top: %q, window at %d with %d lines, want the first line of exec.log.4", got, h.m.win.lo, h.m.vp.Len())
	}
	// And back down to the newest, line by line.
	for want := 1; want < n; want++ {
		h.key("j")
		if want%200 == 0 {
			continue
		}
		if got := h.selectedText(); got != fmt.Sprintf("line %d", want) {
			t.Fatalf("moving down: %q, want line %d", got, want)
		}
	}
	if !h.m.win.attached() {
		t.Fatal("the window does not reach the newest line again")
	}
}

func TestFileThatLeftRetentionLeavesTheViewWithANotice(t *testing.T) {
	h, dir, n := openFive(t, 50, 0)
	// The producer rotates: exec.log.4 is deleted.
	rotateLog(t, dir)
	appendFile(t, filepath.Join(dir, "exec.log"), timedRecord(n, "after the rotation\n"))
	h.until("the line after the rotation", func() bool { return h.shows("after the rotation") })
	if h.m.status != "50 lines of exec.log left retention and are no longer on disk" {
		t.Fatalf("status %q, want the file that left retention", h.m.status)
	}
	if h.shows("first of exec.log.4") {
		t.Fatal("the lines of the file that left retention are still shown")
	}
	h.key("g")
	if got := h.selectedText(); got != "50 earlier lines of exec.log left retention and are no longer on disk" {
		t.Fatalf("g selects %q, want the notice", got)
	}
	h.key("j")
	if got := h.selectedText(); got != "first of exec.log.3" {
		t.Fatalf("after the notice: %q", got)
	}
}

// scanDone reports whether the background scan of kind finished.
func (h *harness) scanDone(kind scanKind) bool {
	hs := h.m.scans[kind]
	if hs == nil {
		return false
	}
	_, _, finished, _ := hs.scan.Progress()
	return finished
}

func TestSearchFindsALineOfTheOldestFileOutsideTheLinesHeld(t *testing.T) {
	h, _, _ := openFive(t, 400, 300)
	h.key("/")
	h.typeText("first of exec.log")
	h.key("enter")
	h.until("the search over the log", func() bool { return h.scanDone(scanSearch) })
	if c := h.m.scans[scanSearch].scan.Count(); c != 5 {
		t.Fatalf("%d matches in the log, want 5", c)
	}
	// n goes up: exec.log's own first line is 400 lines up, beyond the
	// 300 held; then each older file's.
	// The search landed on the nearest match above the newest line,
	// which the lines held do not have: the search of the log found it.
	h.until("the landing", func() bool { return h.selectedText() == "first of exec.log" })
	for _, want := range []string{"first of exec.log.1", "first of exec.log.2", "first of exec.log.3", "first of exec.log.4"} {
		h.key("n")
		if got := h.selectedText(); got != want {
			t.Fatalf("n selects %q, want %q (status %q)", got, want, h.m.status)
		}
	}
	if got := h.m.matchStatus(); got != "1/5" {
		t.Fatalf("match status %q, want 1/5", got)
	}
	h.key("n")
	if got := h.selectedText(); got != "first of exec.log" || !strings.Contains(h.m.status, "wrapped") {
		t.Fatalf("n at the oldest match: %q, status %q; want the newest match, wrapped", got, h.m.status)
	}
	h.key("N")
	if got := h.selectedText(); got != "first of exec.log.4" {
		t.Fatalf("N at the newest match: %q, want to wrap to the oldest", got)
	}
}

func TestFilterShowsMatchesFromTheWholeLog(t *testing.T) {
	h, _, _ := openFive(t, 400, 300)
	h.key("&")
	h.typeText("first of")
	h.key("enter")
	h.until("the filter over the log", func() bool { return h.scanDone(scanShown) })
	h.key("G")
	// Going up from the newest line, the filter's lines of every file,
	// though 300 lines hold at most one of them.
	var seen []string
	for i := 0; i < 8; i++ {
		if t := h.selectedText(); len(seen) == 0 || seen[len(seen)-1] != t {
			seen = append(seen, t)
		}
		h.key("k")
	}
	want := []string{"first of exec.log", "first of exec.log.1", "first of exec.log.2", "first of exec.log.3", "first of exec.log.4"}
	if strings.Join(seen, "|") != strings.Join(want, "|") {
		t.Fatalf("moving up through the filtered log: %q, want %q", seen, want)
	}
}

func TestFileLeavingRetentionOutsideTheWindowKeepsTheLinesHeld(t *testing.T) {
	h, dir, n := openFive(t, 50, 80)
	h.key("k", "k")
	seq := h.m.vp.Selected()
	rotateLog(t, dir) // exec.log.4 goes: none of its lines is held
	appendFile(t, filepath.Join(dir, "exec.log"), timedRecord(n, "after the rotation\n"))
	h.until("the status of the file that left retention", func() bool { return strings.Contains(h.m.status, "left retention") })
	if h.m.vp.Selected() != seq || h.selectedText() != fmt.Sprintf("line %d", n-3) {
		t.Fatalf("the selection moved: %q", h.selectedText())
	}
	// The lines held know their new places: moving up across the edge
	// of the window reads the right lines, down to the notice.
	for want := n - 4; want >= 50; want-- {
		h.key("k")
		if got, exp := h.selectedText(), fiveText(want, 50); got != exp {
			t.Fatalf("moving up: %q, want %q", got, exp)
		}
	}
	h.key("k")
	if got := h.selectedText(); got != "50 earlier lines of exec.log left retention and are no longer on disk" {
		t.Fatalf("above the oldest line on disk: %q", got)
	}
}

func TestLinesHeldOfAFileThatLeftRetentionLeaveTheWindow(t *testing.T) {
	h, dir, n := openFive(t, 50, 230)
	if !h.shows("line 30") || h.m.win.lo == 0 {
		t.Fatalf("the window starts at %d: the test wants it to hold part of exec.log.4, not all of the log", h.m.win.lo)
	}
	seq := h.m.vp.Selected()
	rotateLog(t, dir) // exec.log.4 goes, and its lines held with it
	appendFile(t, filepath.Join(dir, "exec.log"), timedRecord(n, "after the rotation\n"))
	h.until("the line after the rotation", func() bool { return h.shows("after the rotation") })
	if h.shows("line 30") || h.shows("line 49") || !h.shows("first of exec.log.3") {
		t.Fatal("the lines of the file that left retention are still held, or lines after them are not")
	}
	if h.m.vp.Selected() == seq || h.selectedText() != "after the rotation" {
		t.Fatalf("following: %q selected", h.selectedText())
	}
	h.key("g")
	if got := h.selectedText(); got != "50 earlier lines of exec.log left retention and are no longer on disk" {
		t.Fatalf("g selects %q, want the notice", got)
	}
	h.key("j")
	if got := h.selectedText(); got != "first of exec.log.3" {
		t.Fatalf("after the notice: %q", got)
	}
}

func TestSearchFindsLinesThatArrivedAfterItWhileAwayFromTheNewest(t *testing.T) {
	h, dir, n := openFive(t, 400, 300)
	h.key("/")
	h.typeText("first of exec.log")
	h.key("enter")
	h.until("the search over the log", func() bool { return h.scanDone(scanSearch) })
	h.key("g")
	appendFile(t, filepath.Join(dir, "exec.log"), timedRecord(n, "first of exec.log, again\n"))
	h.until("the live line counted", func() bool { return h.m.win.live == n+1 })
	// N goes down through the matches of the log to the newest...
	for range 4 {
		h.key("N")
	}
	if got := h.selectedText(); got != "first of exec.log" {
		t.Fatalf("N: %q", got)
	}
	// ...and past it, the line that arrived after the search was done
	// is searched for and found.
	h.key("N")
	h.until("the search of what arrived", func() bool { return h.scanDone(scanSearch) })
	h.key("N")
	if got := h.selectedText(); got != "first of exec.log, again" {
		t.Fatalf("N after the search of what arrived: %q (status %q)", got, h.m.status)
	}
}

func TestSaveWritesWhatIsShownOfTheWholeLog(t *testing.T) {
	dir := t.TempDir()
	n := fiveFiles(t, dir, 400)
	// A line cut across two records, that the save writes whole.
	appendFile(t, filepath.Join(dir, "exec.log"), timedRecord(n, "cut ")+timedRecord(n+1, "in two\n"))
	h := newRealHarness(t, Config{Name: "devbox", Dir: dir, Buffer: 300})
	h.until("the newest line", func() bool { return h.m.win != nil && h.shows("cut in two") })
	path := filepath.Join(t.TempDir(), "all.jsonl")
	saveTo(h, path)
	h.until("the save", func() bool {
		return strings.Contains(h.statusText(), "wrote") || strings.Contains(h.statusText(), "could not")
	})
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	rows := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(rows) != n+1 {
		t.Fatalf("saved %d lines of the log's %d (%s)", len(rows), n+1, h.statusText())
	}
	all, err := h.m.win.h.Read(0, n+2)
	if err != nil {
		t.Fatal(err)
	}
	for i, row := range rows {
		var e struct{ D, Cursor string }
		if err := json.Unmarshal([]byte(row), &e); err != nil {
			t.Fatal(err)
		}
		want := string(all[i].Data)
		if i == n {
			want = "cut in two\n"
		}
		if e.D != want || e.Cursor != all[i].Cursor.String() {
			t.Fatalf("line %d: %q at %s, want %q at %s", i, e.D, e.Cursor, want, all[i].Cursor)
		}
	}
	// A filter: what it shows of the whole log, as text.
	filterFor(h, "first of")
	path = filepath.Join(t.TempDir(), "firsts.log")
	saveTo(h, path)
	h.until("the save", func() bool {
		return strings.Contains(h.statusText(), "firsts.log") && strings.Contains(h.statusText(), "wrote")
	})
	b, _ = os.ReadFile(path)
	if want := "first of exec.log.4\nfirst of exec.log.3\nfirst of exec.log.2\nfirst of exec.log.1\nfirst of exec.log\n"; string(b) != want {
		t.Fatalf("saved\n%s\nwant\n%s", b, want)
	}
}

func TestGoToTimeAndMarksReachLinesOutsideTheWindow(t *testing.T) {
	h, _, _ := openFive(t, 400, 300)
	h.key("@")
	h.typeText("2026-04-30T20:00:00.123Z")
	h.key("enter")
	if got := h.selectedText(); got != "line 123" {
		t.Fatalf("@ selects %q (status %q), want line 123 of exec.log.4", got, h.m.status)
	}
	h.key("m")
	h.key("G")
	if h.shows("line 123") {
		t.Fatal("line 123 is still held: the test shows nothing")
	}
	h.key("M")
	h.key("enter")
	if got := h.selectedText(); got != "line 123" {
		t.Fatalf("the mark's Enter selects %q (status %q), want line 123", got, h.m.status)
	}
}

func TestRunsAreNumberedFromTheOldestStartOnDisk(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	rec := func(i int, src, d string) {
		ts := time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond)
		fmt.Fprintf(&b, `{"t":%q,"s":%q,"d":%q,"id":1}`+"\n", ts.Format("2006-01-02T15:04:05.000Z"), src, d)
	}
	// Three runs of 300 lines each; the window of 200 holds the third.
	for run := 0; run < 3; run++ {
		rec(run*1000, "system", "--- sandbox started ---\n")
		for i := 1; i <= 300; i++ {
			rec(run*1000+i, "stdout", fmt.Sprintf("run %d line %d\n", run+1, i))
		}
	}
	appendFile(t, filepath.Join(dir, "exec.log"), b.String())
	h := newRealHarness(t, Config{Name: "devbox", Dir: dir, Buffer: 400})
	h.until("the newest line", func() bool { return h.m.win != nil && h.shows("run 3 line 300") })
	h.until("the starts counted", func() bool { return h.scanDone(scanStarts) })
	if h.m.win.lo == 0 || len(h.m.tl.dividers) != 1 {
		t.Fatalf("window at %d with %d dividers: the test wants the third start only", h.m.win.lo, len(h.m.tl.dividers))
	}
	if d := h.m.tl.dividers[0]; d.run != 3 {
		t.Fatalf("the third run's divider says run %d", d.run)
	}
	h.key("g")
	if d := h.m.tl.dividers[0]; d.run != 1 {
		t.Fatalf("at the top, the first run's divider says run %d", d.run)
	}
}

func TestSaveWithContextOverTheWholeLog(t *testing.T) {
	h, _, _ := openFive(t, 100, 150)
	filterFor(h, "first of")
	h.key("+")
	path := filepath.Join(t.TempDir(), "around.log")
	saveTo(h, path)
	h.until("the save", func() bool {
		return strings.Contains(h.statusText(), "wrote") || strings.Contains(h.statusText(), "could not")
	})
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Each file's first line with one line either side, groups apart,
	// from every file though 150 lines are held.
	want := "first of exec.log.4\nline 1\n--\nline 99\nfirst of exec.log.3\nline 101\n--\nline 199\nfirst of exec.log.2\nline 201\n--\n" +
		"line 299\nfirst of exec.log.1\nline 301\n--\nline 399\nfirst of exec.log\nline 401\n"
	if string(b) != want {
		t.Fatalf("saved\n%s\nwant\n%s", b, want)
	}
	if !strings.Contains(h.statusText(), "wrote 14 lines") {
		t.Fatalf("status %q", h.statusText())
	}
}

func TestMovingPastManyHiddenLinesFindsTheNextShownOne(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 2000; i++ {
		src, d := "system", fmt.Sprintf("system %d\n", i)
		if i == 100 || i == 1999 {
			src, d = "stdout", fmt.Sprintf("shown %d\n", i)
		}
		ts := time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond)
		fmt.Fprintf(&b, `{"t":%q,"s":%q,"d":%q,"id":1}`+"\n", ts.Format("2006-01-02T15:04:05.000Z"), src, d)
	}
	appendFile(t, filepath.Join(dir, "exec.log"), b.String())
	h := newRealHarness(t, Config{Name: "devbox", Dir: dir, Buffer: 100})
	h.until("the newest shown line", func() bool { return h.m.win != nil && h.selectedText() == "shown 1999" })
	// 1,898 hidden system lines, many windows of 100, lie between the
	// two shown lines.
	h.key("k")
	if got := h.selectedText(); got != "shown 100" {
		t.Fatalf("up from the newest shown line: %q", got)
	}
	h.key("j")
	if got := h.selectedText(); got != "shown 1999" {
		t.Fatalf("down again: %q", got)
	}
}

func TestWindowHoldsTheSourcesShownOnly(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	for i := 0; i < 12000; i++ {
		src, d := "stdout", fmt.Sprintf("shown %d\n", i)
		if i >= 500 {
			src, d = "system", fmt.Sprintf("system %d\n", i) // the newest 11,500: hidden
		}
		ts := time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Millisecond)
		fmt.Fprintf(&b, `{"t":%q,"s":%q,"d":%q,"id":1}`+"\n", ts.Format("2006-01-02T15:04:05.000Z"), src, d)
	}
	appendFile(t, filepath.Join(dir, "exec.log"), b.String())
	h := newRealHarness(t, Config{Name: "devbox", Dir: dir})
	// The first window (4,096 entries) would hold hidden lines only if it
	// counted them: it reaches back to the shown ones.
	h.until("the History's window", func() bool { return h.m.win != nil })
	if got := h.selectedText(); got != "shown 499" {
		t.Fatalf("the newest shown line is not selected: %q (%d lines held)", got, h.m.vp.Len())
	}
	if n := h.m.counts[engine.System]; n != 0 {
		t.Fatalf("%d hidden system lines held", n)
	}
	// Shown, they are read.
	h.key("4")
	if got := h.selectedText(); got != "system 11999" || h.m.counts[engine.System] == 0 {
		t.Fatalf("with system shown: %q selected, %d system lines held", got, h.m.counts[engine.System])
	}
	h.key("4")
	if got := h.selectedText(); got != "shown 499" || h.m.counts[engine.System] != 0 {
		t.Fatalf("system hidden again: %q selected, %d system lines held", got, h.m.counts[engine.System])
	}
}
