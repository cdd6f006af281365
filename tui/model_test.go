package tui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"io"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/settings"
	"sandtail/tui/keytest"
)

// screenText is the frame without styles.
func (h *harness) screenText() string { return ansi.Strip(h.m.View().Content) }

// rows is the frame's rows without styles.
func (h *harness) rows() []string { return strings.Split(h.screenText(), "\n") }

// selText is the plain text of the selected line.
func (h *harness) selText() string {
	if l := h.m.vp.Line(h.m.vp.Selected()); l != nil {
		return l.plain
	}
	return ""
}

func mustContain(t *testing.T, s, want string) {
	t.Helper()
	if !strings.Contains(s, want) {
		t.Fatalf("screen lacks %q:\n%s", want, s)
	}
}

func mustNotContain(t *testing.T, s, bad string) {
	t.Helper()
	if strings.Contains(s, bad) {
		t.Fatalf("screen has %q:\n%s", bad, s)
	}
}

func TestStartupReadsFastThenFullSnapshotThenFollowsFromItsEnd(t *testing.T) {
	b := &fakeBackend{log: outLines(0, 1000)}
	h := newHarness(t, Config{}, b)
	if len(b.snaps) != 2 || b.snaps[0].Tail != fastTail || b.snaps[1].Tail != DefaultBuffer {
		t.Fatalf("snapshots asked: %+v", b.snaps)
	}
	if h.m.vp.Len() != 1000 || h.m.vp.VisibleLen() != 1000 {
		t.Fatalf("ring holds %d lines, %d visible; want 1000 (fast snapshot replaced, not repeated)", h.m.vp.Len(), h.m.vp.VisibleLen())
	}
	if b.snaps[0].Sources != engine.DefaultSources || b.snaps[1].Sources != engine.AllSources {
		t.Errorf("fast snapshot read %v, full %v; want the shown sources, then all", b.snaps[0].Sources, b.snaps[1].Sources)
	}
	if len(b.opens) != 1 || b.opens[0].Start != engine.FromCursor(b.log[999].Cursor) || !b.opens[0].Follow {
		t.Fatalf("stream opened with %+v, want a follow from the snapshot's end", b.opens)
	}
	if b.opens[0].Sources != engine.AllSources {
		t.Errorf("stream reads %v, want every source so toggles need no re-read", b.opens[0].Sources)
	}
	h.send(0, outLines(1000, 1)...)
	if h.selText() != "line 1000" {
		t.Errorf("following selects %q, want the newest line", h.selText())
	}
	mustContain(t, h.screenText(), "● LIVE")
}

func TestChunksJoinIntoLinesAndOpenLineUpdatesLive(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, ent(engine.Stdout, 1, "hel"), ent(engine.Stderr, 1, "oops\n"))
	mustContain(t, h.screenText(), "out hel")
	h.send(0, ent(engine.Stdout, 1, "lo wor"), ent(engine.Stdout, 2, "other\n"))
	mustContain(t, h.screenText(), "out hello wor")
	h.send(0, ent(engine.Stdout, 1, "ld\nnext\n"))
	s := h.screenText()
	mustContain(t, s, "out hello world")
	mustContain(t, s, "out next")
	if h.m.vp.Len() != 4 {
		t.Errorf("ring holds %d lines, want 4 (hello world, oops, other, next)", h.m.vp.Len())
	}
}

func TestScrollUpPausesAndCountsNewLinesThenGResumes(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, outLines(0, 100)...)
	h.key("k")
	if h.m.vp.Following() || h.selText() != "line 98" {
		t.Fatalf("after k: follow=%v sel=%q", h.m.vp.Following(), h.selText())
	}
	before := h.rows()[1]
	h.send(0, outLines(100, 5)...)
	s := h.screenText()
	mustContain(t, s, "PAUSED ↓5 new")
	mustContain(t, s, "↓ 5 new")
	if h.rows()[1] != before {
		t.Errorf("view moved while paused: %q → %q", before, h.rows()[1])
	}
	h.key("G")
	if !h.m.vp.Following() || h.selText() != "line 104" || h.m.vp.NewBelow() != 0 {
		t.Fatalf("after G: follow=%v sel=%q new=%d", h.m.vp.Following(), h.selText(), h.m.vp.NewBelow())
	}
	mustContain(t, h.screenText(), "● LIVE")
}

func TestFollowKeyPausesExplicitly(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, outLines(0, 10)...)
	h.key("f")
	h.send(0, outLines(10, 3)...)
	if h.m.vp.Following() || h.selText() != "line 9" {
		t.Fatalf("f did not pause: follow=%v sel=%q", h.m.vp.Following(), h.selText())
	}
	h.key("j") // at the bottom of what was shown, an explicit pause holds
	if h.m.vp.Following() {
		t.Error("moving down resumed following after an explicit pause")
	}
	h.key("f")
	if !h.m.vp.Following() || h.selText() != "line 12" {
		t.Fatalf("f did not resume: follow=%v sel=%q", h.m.vp.Following(), h.selText())
	}
}

func TestEvictionKeepsTheViewStillThenClampsToOldest(t *testing.T) {
	h := newHarness(t, Config{Buffer: 100}, &fakeBackend{})
	h.send(0, outLines(0, 100)...)
	h.key("g")
	for i := 0; i < 30; i++ {
		h.key("j")
	}
	if h.selText() != "line 30" {
		t.Fatalf("selected %q, want line 30", h.selText())
	}
	before := h.rows()[1:5]
	h.send(0, outLines(100, 5)...) // evicts lines 0-4, which are above the view
	after := h.rows()[1:5]
	if strings.Join(before, "\n") != strings.Join(after, "\n") {
		t.Fatalf("view jumped on eviction:\n%s\n---\n%s", strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
	if h.selText() != "line 30" {
		t.Errorf("selection moved to %q", h.selText())
	}
	h.send(0, outLines(105, 55)...) // evicts through line 59: the view clamps
	if got := h.rows()[1]; !strings.Contains(got, "line 60") {
		t.Errorf("first row after eviction %q, want the oldest kept line 60", got)
	}
	if h.selText() != "line 60" {
		t.Errorf("selection %q, want the oldest kept line", h.selText())
	}
	if h.m.vp.Len() != 100 {
		t.Errorf("ring holds %d, want its size 100", h.m.vp.Len())
	}
}

func TestSourceTogglesAreInstantWithCounts(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	snaps := len(h.b.snaps)
	h.send(0, ent(engine.Stdout, 1, "to out\n"), ent(engine.Stderr, 1, "to err\n"),
		ent(engine.Output, 2, "to pty\n"), ent(engine.System, 0, "to sys\n"))
	s := h.screenText()
	mustContain(t, s, "stdout ✓ 1")
	mustContain(t, s, "system ✗ 1")
	mustNotContain(t, s, "to sys")
	h.key("2")
	s = h.screenText()
	mustContain(t, s, "stderr ✗ 1")
	mustNotContain(t, s, "to err")
	mustContain(t, s, "to out")
	h.key("4", "2")
	s = h.screenText()
	mustContain(t, s, "to sys")
	mustContain(t, s, "to err")
	if len(h.b.snaps) != snaps || len(h.b.opens) != 1 {
		t.Errorf("toggling re-read the logs: %d snapshots, %d streams", len(h.b.snaps), len(h.b.opens))
	}
}

func TestSearchMovesAsYouTypeAndEscReturns(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, outLines(0, 50)...)
	h.key("/")
	h.typeText("line 1")
	if h.selText() != "line 19" {
		t.Fatalf("incremental search selected %q, want the nearest match above the tail, line 19", h.selText())
	}
	h.typeText("2")
	if h.selText() != "line 12" {
		t.Fatalf("selected %q, want line 12", h.selText())
	}
	h.key("esc")
	if !h.m.vp.Following() || h.m.search != nil || h.selText() != "line 49" {
		t.Fatalf("Esc did not return: follow=%v search=%v sel=%q", h.m.vp.Following(), h.m.search, h.selText())
	}
	h.key("/")
	h.typeText("LINE 4")
	if h.m.vp.MatchLen() != 0 {
		t.Errorf("smart case: an upper-case query matched %d lines", h.m.vp.MatchLen())
	}
	h.key("backspace", "backspace", "backspace", "backspace", "backspace", "backspace")
	h.typeText("line 4")
	h.key("enter")
	// From the bottom (line 49) the nearest match is line 49 itself.
	if h.m.prompt != nil || h.selText() != "line 49" {
		t.Fatalf("Enter: prompt=%v sel=%q", h.m.prompt, h.selText())
	}
	mustContain(t, h.screenText(), "/line 4 11/11")
	h.key("n")
	if h.selText() != "line 48" {
		t.Errorf("n selected %q, want line 48 (upwards)", h.selText())
	}
	h.key("N", "N")
	if h.selText() != "line 4" {
		t.Errorf("N N selected %q, want line 4 (wrapped)", h.selText())
	}
	mustContain(t, h.screenText(), "1/11")
	mustContain(t, h.screenText(), "search wrapped around")
	h.key("n")
	if h.selText() != "line 49" {
		t.Errorf("n selected %q, want line 49 (wrapped)", h.selText())
	}
}

func TestInvalidRegexShowsErrorAndKeepsLastGoodSearch(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, ent(engine.Stdout, 1, "abc\n"), ent(engine.Stdout, 1, "a(b\n"), ent(engine.Stdout, 1, "xyz\n"))
	h.key("/", "ctrl+r")
	h.typeText("a")
	if n := h.m.vp.MatchLen(); n != 2 {
		t.Fatalf("regex a matched %d lines, want 2", n)
	}
	h.typeText("(")
	mustContain(t, h.screenText(), "invalid regex: missing closing )")
	if h.m.search == nil || h.m.search.query != "a" || !h.m.search.isRegex() || h.m.vp.MatchLen() != 2 {
		t.Fatalf("last good search not kept: %+v", h.m.search)
	}
	h.key("enter")
	if h.m.search.query != "a" {
		t.Errorf("Enter on an invalid regex kept %q", h.m.search.query)
	}
	// Toggle: the same text as a literal.
	h.key("/")
	h.typeText("a(b")
	h.key("ctrl+r")
	if h.m.search.isRegex() || h.m.vp.MatchLen() != 1 {
		t.Fatalf("literal a(b: regex=%v matches=%d", h.m.search.isRegex(), h.m.vp.MatchLen())
	}
	h.key("ctrl+r")
	mustContain(t, h.screenText(), "ctrl+r regex ✓")
	mustContain(t, h.screenText(), "invalid regex")
	h.key("esc")
}

func TestFilterShowsOnlyMatchesExcludesAndAppliesToNewLines(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, ent(engine.Stdout, 1, "GET /a 200\n"), ent(engine.Stdout, 1, "GET /b 500\n"), ent(engine.Stderr, 1, "panic: 500\n"))
	h.key("&")
	h.typeText("500")
	h.key("enter")
	s := h.screenText()
	mustNotContain(t, s, "/a 200")
	mustContain(t, s, "/b 500")
	mustContain(t, s, "filter:500")
	h.send(0, ent(engine.Stdout, 1, "GET /c 200\n"), ent(engine.Stdout, 1, "GET /d 500\n"))
	s = h.screenText()
	mustNotContain(t, s, "/c 200")
	mustContain(t, s, "/d 500")
	h.key("&", "ctrl+x", "enter") // exclude instead
	s = h.screenText()
	mustContain(t, s, "exclude:500")
	mustContain(t, s, "/a 200")
	mustNotContain(t, s, "/b 500")
	mustNotContain(t, s, "panic")
	h.key("esc")
	mustContain(t, h.screenText(), "panic: 500")
}

func TestFilterOnAnOpenLineThatStartsMatchingLater(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.key("&")
	h.typeText("error")
	h.key("enter")
	h.send(0, ent(engine.Stdout, 1, "an "))
	mustNotContain(t, h.screenText(), "out an")
	h.send(0, ent(engine.Stdout, 1, "error here\n"))
	mustContain(t, h.screenText(), "out an error here")
}

func TestSessionSoloAndBack(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, ent(engine.Stdout, 1, "one a\n"), ent(engine.Stdout, 2, "two a\n"), ent(engine.Stderr, 1, "one b\n"), ent(engine.Stdout, 2, "two b\n"))
	h.key("k") // select "one b"
	h.key("s")
	s := h.screenText()
	mustContain(t, s, "solo [1]")
	mustContain(t, s, "one a")
	mustNotContain(t, s, "two a")
	h.key("s")
	mustContain(t, h.screenText(), "two a")
}

func TestCopyCommandOpensTheSameSpotAndIsShown(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	entries := outLines(0, 3)
	h.send(0, entries...)
	h.key("k")
	_, cmd := h.m.Update(keytest.Press("Y"))
	// The viewer reads every source, so its cursors have a position per
	// file, which the partner's sandtail reads that way by itself: no
	// --source.
	want := "sandtail devbox --from " + entries[0].Cursor.String()
	if h.m.shownCommand == nil || h.m.shownCommand.String() != want {
		t.Fatalf("shown command %v, want %q", h.m.shownCommand, want)
	}
	s := h.screenText()
	mustContain(t, s, "copied a command that opens this line")
	mustContain(t, s, "sandtail devbox --from \\\n "+entries[0].Cursor.String())
	if cmd == nil || !strings.Contains(fmt.Sprint(cmd()), want) {
		t.Error("Y did not copy the command through the clipboard")
	}
	_, cmd = h.m.Update(keytest.Press("y"))
	if cmd == nil || !strings.Contains(fmt.Sprint(cmd()), "line 1") {
		t.Error("y did not copy the line")
	}
	mustNotContain(t, h.screenText(), "--from")
}

func TestCopyCommandWithDirQuotes(t *testing.T) {
	h := newHarness(t, Config{Dir: "/tmp/my logs"}, &fakeBackend{})
	h.send(0, outLines(0, 2)...)
	h.key("Y")
	if got := h.m.shownCommand.String(); !strings.HasPrefix(got, "sandtail --dir '/tmp/my logs' --from ") {
		t.Errorf("command %q", got)
	}
}

// TestMissedRotationResumeGoesOnWithTheSameStream: Resume in the dialog
// continues the stream that stopped, past the gap, with the files it still
// holds: nothing more is lost than the engine reported, and the gap line
// the engine then inserts says what the dialog said.
func TestMissedRotationResumeGoesOnWithTheSameStream(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	first := outLines(0, 10)
	h.send(0, first...)
	lost := engine.Loss{Files: 2, Bytes: 3 << 20}
	h.fail(0, &engine.MissedRotationError{File: "exec.log", Offset: 4096, Lost: lost, Last: first[9].Cursor})
	s := h.screenText()
	mustContain(t, s, "Fell behind log rotation")
	mustContain(t, s, "MiB (2 files rotated away unread).")
	mustContain(t, s, "ERROR")
	stream := h.b.stream(t, 0)
	if stream.isClosed() {
		t.Fatal("the stopped stream was closed: Resume could not go on with what it holds")
	}
	h.key("k") // the dialog has the keys, not the view
	if h.m.vp.Following() == false {
		t.Error("a key went to the view under the dialog")
	}
	old := h.m.gen.id
	h.key("r")
	if h.m.overlay.Active() || h.m.gen.id != old || stream.resumed() != 1 || len(h.b.opens) != 1 {
		t.Fatalf("resume: dialog open=%v gen %d→%d, %d resumes, %d streams opened; want the same stream resumed once",
			h.m.overlay.Active(), old, h.m.gen.id, stream.resumed(), len(h.b.opens))
	}
	gap := engine.Entry{Source: engine.System, Mark: engine.MarkGap, Data: []byte("lost " + lost.String() + " of exec.log\n"), Cursor: first[9].Cursor, Time: t0}
	h.send(0, append([]engine.Entry{gap}, outLines(10, 2)...)...)
	s = h.screenText()
	mustContain(t, s, "gap lost at least 3 MiB (2 files rotated away unread) of exec.log")
	mustContain(t, s, "line 11")
	mustContain(t, s, "● LIVE")
	if h.m.vp.Len() != 13 {
		t.Errorf("buffer holds %d lines, want the 10 kept + gap + 2", h.m.vp.Len())
	}
}

// TestMissedRotationResumeFallsBackToANewGeneration: when the stopped
// stream cannot go on, Resume opens a new one leniently from the last good
// cursor, and the old one is closed.
func TestMissedRotationResumeFallsBackToANewGeneration(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	first := outLines(0, 10)
	h.send(0, first...)
	last := first[9].Cursor
	h.b.stream(t, 0).resumeErr = errors.New("nothing to resume")
	h.fail(0, &engine.MissedRotationError{File: "exec.log", Offset: 4096, Last: last})
	old := h.m.gen.id
	h.key("r")
	if h.m.overlay.Active() || h.m.gen.id != old+1 {
		t.Fatalf("resume: dialog open=%v gen %d→%d", h.m.overlay.Active(), old, h.m.gen.id)
	}
	if got := h.b.opens[1].Start; got != engine.ResumeLenient(last) {
		t.Fatalf("resumed at %+v, want lenient from the last good cursor", got)
	}
	if !h.b.stream(t, 0).isClosed() {
		t.Error("the stopped stream was not closed")
	}
	gap := engine.Entry{Source: engine.System, Mark: engine.MarkGap, Data: []byte("data lost in exec.log\n"), Cursor: last, Time: t0}
	h.send(1, append([]engine.Entry{gap}, outLines(10, 2)...)...)
	s := h.screenText()
	mustContain(t, s, "gap data lost in exec.log")
	mustContain(t, s, "line 11")
	mustContain(t, s, "● LIVE")
}

// TestClosingTheHelpKeepsTheStream: the help closes the way the
// missed-rotation dialog's Close does; a live stream must go on.
func TestClosingTheHelpKeepsTheStream(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, outLines(0, 3)...)
	h.key("?")
	h.key("esc")
	if h.m.overlay.Active() || h.b.stream(t, 0).isClosed() {
		t.Fatalf("after the help: dialog open=%v, stream closed=%v", h.m.overlay.Active(), h.b.stream(t, 0).isClosed())
	}
	h.send(0, outLines(3, 1)...)
	mustContain(t, h.screenText(), "line 3")
}

// TestMissedRotationOtherChoicesCloseTheStoppedStream: jump to now, reload
// and close let go of the stream that stopped (and of the files it holds).
func TestMissedRotationOtherChoicesCloseTheStoppedStream(t *testing.T) {
	for _, k := range []string{"n", "b", "c"} {
		t.Run(k, func(t *testing.T) {
			h := newHarness(t, Config{}, &fakeBackend{})
			h.send(0, outLines(0, 3)...)
			h.fail(0, &engine.MissedRotationError{File: "exec.log"})
			h.key(k)
			if h.m.overlay.Active() || !h.b.stream(t, 0).isClosed() || h.b.stream(t, 0).resumed() != 0 {
				t.Fatalf("after %q: dialog open=%v, stopped stream closed=%v, resumed %d times", k,
					h.m.overlay.Active(), h.b.stream(t, 0).isClosed(), h.b.stream(t, 0).resumed())
			}
		})
	}
}

func TestStaleMessagesOfAReplacedStreamAreDropped(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, outLines(0, 5)...)
	oldStream := h.m.gen.stream
	h.fail(0, &engine.MissedRotationError{File: "exec.log", Last: h.m.vp.Line(h.m.vp.Selected()).from})
	h.key("n") // jump to now
	if h.b.opens[1].Start != engine.FromEnd() {
		t.Fatalf("jump to now opened %+v", h.b.opens[1].Start)
	}
	n := h.m.vp.Len()
	h.update(batchMsg{gen: 1, stream: oldStream, entries: outLines(100, 3)})
	h.settle()
	if h.m.vp.Len() != n {
		t.Errorf("a stale batch was ingested: %d → %d lines", n, h.m.vp.Len())
	}
	mustContain(t, h.screenText(), "jumped to now")
}

func TestDialogReloadAndClose(t *testing.T) {
	b := &fakeBackend{}
	h := newHarness(t, Config{}, b)
	h.send(0, outLines(0, 5)...)
	h.fail(0, &engine.MissedRotationError{File: "exec.log"})
	h.key("esc")
	if h.m.overlay.Active() || h.m.state != stateError || h.m.vp.Len() != 5 {
		t.Fatalf("close: dialog=%v state=%v lines=%d", h.m.overlay.Active(), h.m.state, h.m.vp.Len())
	}
	h.key("k")
	if h.selText() != "line 3" {
		t.Errorf("frozen buffer does not scroll: sel %q", h.selText())
	}
	h.fail(0, nil) // nothing reads it any more; must not block
}

func TestOtherErrorsGoToTheStatusLineAndKeepTheBuffer(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, outLines(0, 5)...)
	h.fail(0, fmt.Errorf("read exec.log: %w", errors.New("permission denied\x1b]0;pwned\x07")))
	s := h.screenText()
	mustContain(t, s, "✗ ERROR")
	mustContain(t, s, "stream stopped: read exec.log: permission denied")
	mustContain(t, s, "line 4")
	if strings.Contains(h.m.View().Content, "\x1b]0;") {
		t.Error("an OSC sequence from an error reached the screen")
	}
}

func TestNotFoundAtStartQuitsWithTheError(t *testing.T) {
	b := &fakeBackend{snapErr: fmt.Errorf("open devbox: %w", engine.ErrNotFound)}
	h := newHarness(t, Config{}, b)
	if !errors.Is(h.m.fatal, engine.ErrNotFound) {
		t.Fatalf("fatal = %v, want not found", h.m.fatal)
	}
}

func TestBootErrorShownAndSystemSwitchedOn(t *testing.T) {
	errno := 28
	b := &fakeBackend{boot: &engine.BootError{Stage: "mount", Errno: &errno, Message: "no space left on device"}}
	h := newHarness(t, Config{}, b)
	h.send(0, ent(engine.System, 0, "runtime: mounting rootfs\n"))
	s := h.screenText()
	mustContain(t, s, "✗ sandbox failed to start (stage mount, errno 28): no space left on device")
	mustContain(t, s, "system ✓ 1")
	mustContain(t, s, "mounting rootfs")
}

func TestTogglesTimestampsIdsWrapRaw(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	long := strings.Repeat("x", 150) + "END"
	h.send(0, ent(engine.Stdout, 3, long+"\n"), ent(engine.Stdout, 3, "tab\there\x1b[2J\n"))
	h.key("G")
	s := h.screenText()
	mustContain(t, s, "END") // wrapped onto a second row
	h.key("w")
	mustNotContain(t, h.screenText(), "END")
	h.key("l", "l", "l", "l", "l", "l", "l", "l", "l", "l")
	mustContain(t, h.screenText(), "END") // scrolling stops at the longest line's end
	if h.m.vp.XOffset() != 153-75 {
		t.Errorf("xOff %d, want %d", h.m.vp.XOffset(), 153-75)
	}
	h.key("w", "i")
	mustContain(t, h.screenText(), "[3] tab")
	h.key("t")
	mustContain(t, h.screenText(), h.m.vp.Line(h.m.vp.Selected()).time().Local().Format("15:04:05.000")+" out")
	h.key("r")
	mustContain(t, h.screenText(), "␛[2J")
}

func TestEveryFrameFitsThePane(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, ent(engine.Stdout, 1, strings.Repeat("宽字符", 60)+"\n"), ent(engine.Stderr, 2, "emoji 👩‍👩‍👧 and \u202e bidi\n"))
	h.send(0, outLines(0, 30)...)
	for _, size := range [][2]int{{40, 10}, {300, 80}, {80, 24}, {41, 11}, {12, 3}, {1, 1}} {
		h.update(tea_WindowSize(size[0], size[1]))
		for _, k := range []string{"", "t", "i", "/"} {
			if k != "" {
				h.key(k)
			}
			rows := h.rows()
			if len(rows) != size[1] {
				t.Fatalf("%dx%d after %q: %d rows", size[0], size[1], k, len(rows))
			}
			for i, r := range rows {
				if w := ansi.StringWidth(r); w > size[0] {
					t.Fatalf("%dx%d after %q: row %d is %d wide: %q", size[0], size[1], k, i, w, r)
				}
			}
		}
		h.key("esc", "t", "i")
	}
}

func TestOverstrikeIsMarkedAndHostileTextStaysInert(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, ent(engine.Stdout, 1, "rm -rf /\rls -la\n"),
		ent(engine.Stdout, 1, "title\x1b]0;pwned\x07 clip\x1b]52;c;ZXZpbA==\x07 csi\x9b2J end\n"))
	s := h.screenText()
	mustContain(t, s, "⟲ ls -la")
	raw := h.m.View().Content
	for _, bad := range []string{"\x1b]", "\x07", "\u009b"} {
		if strings.Contains(raw, bad) {
			t.Errorf("frame carries %q from the log", bad)
		}
	}
	if !utf8.ValidString(raw) {
		t.Error("frame is not valid UTF-8: a raw C1 byte got through")
	}
	if title := h.m.wantTitle(); title != "sandtail: devbox" {
		t.Errorf("window title %q", title)
	}
	h.key("r")
	mustNotContain(t, h.screenText(), "⟲")
	mustContain(t, h.screenText(), "rm -rf /␍ls -la")
}

func TestBoundedReadEndsAndMouseWheelScrolls(t *testing.T) {
	h := newHarness(t, Config{Mouse: true}, &fakeBackend{})
	if h.m.View().MouseMode != tea.MouseModeCellMotion {
		t.Error("--mouse did not turn on mouse reporting")
	}
	h.send(0, outLines(0, 40)...)
	h.fail(0, io.EOF)
	mustContain(t, h.screenText(), "■ ENDED")
	h.update(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if h.selText() != "line 36" {
		t.Errorf("wheel up selected %q, want line 36", h.selText())
	}
	h2 := newHarness(t, Config{}, &fakeBackend{})
	if h2.m.View().MouseMode != tea.MouseModeNone {
		t.Error("mouse captured without --mouse")
	}
}

func TestLineCapKeepsTheStartAndMarksTheCut(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, ent(engine.Stdout, 1, "start"+strings.Repeat("y", maxLineBytes)))
	h.send(0, ent(engine.Stdout, 1, strings.Repeat("z", 100)+"\n"), ent(engine.Stdout, 1, "next\n"))
	l := h.m.vp.Line(h.m.vp.First())
	if len(l.text) != maxLineBytes || !strings.HasPrefix(l.plain, "start") || l.truncated != 105 {
		t.Fatalf("capped line: %d bytes, truncated %d", len(l.text), l.truncated)
	}
	h.key("k")
	mustContain(t, h.screenText(), "✂ 105 B cut")
}

func TestDemoCopiesTheCursorOnly(t *testing.T) {
	h := newHarness(t, Config{Demo: true}, &fakeBackend{})
	entries := outLines(0, 2)
	h.send(0, entries...)
	mustContain(t, h.screenText(), "devbox simulated ● LIVE")
	h.key("Y")
	mustContain(t, h.m.status, "copied cursor "+entries[0].Cursor.String())
}

func TestSkippedCountShowsInTheHeader(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	mustNotContain(t, h.screenText(), "skipped")
	h.b.stream(t, 0).skipped = 3
	h.send(0, outLines(0, 1)...)
	mustContain(t, h.screenText(), "skipped 3")
}

func TestMatchesAreHighlighted(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, ent(engine.Stdout, 1, "alpha needle omega\n"), ent(engine.Stdout, 1, "last\n"))
	h.key("/")
	h.typeText("needle")
	h.key("enter", "G")
	if !strings.Contains(h.m.View().Content, "\x1b[7mneedle\x1b[m") {
		t.Errorf("match not highlighted: %q", h.m.View().Content)
	}
}

func TestColourToggleTurnsEveryColourOff(t *testing.T) {
	ctx := context.Background()
	m := newModel(ctx, Config{Name: "devbox", Dir: "/x"}, options{backend: &fakeBackend{}, colorOK: true})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 10})
	m.gen = &generation{id: 1, cancel: func() {}}
	m.ingest([]engine.Entry{ent(engine.Stderr, 1, "\x1b[31mred\x1b[0m text\n"), ent(engine.Stdout, 1, "x\n")})
	if !hasColourSGR(m.View().Content) {
		t.Fatal("no colour with colour on")
	}
	m.Update(keytest.Press("c"))
	if hasColourSGR(m.View().Content) {
		t.Errorf("colour left after c: %q", m.View().Content)
	}
	m.Update(keytest.Press("c"))
	m.Update(tea.BackgroundColorMsg{Color: color.White})
	if m.dark || !hasColourSGR(m.View().Content) {
		t.Error("light background not picked up")
	}
	mono := newModel(ctx, Config{Name: "devbox", Dir: "/x", Color: settings.ColorNever}, options{backend: &fakeBackend{}, colorOK: colorAllowed(settings.ColorNever)})
	mono.Update(keytest.Press("c"))
	if !mono.styles.Mono || !strings.Contains(mono.status, "colour is off") {
		t.Errorf("--color never: c turned colour on (status %q)", mono.status)
	}
}

// hasColourSGR reports whether s sets a foreground or background colour.
func hasColourSGR(s string) bool {
	return regexp.MustCompile(`\x1b\[[0-9;]*(3[0-8]|4[0-8]|9[0-7])(;[0-9;]*)?m`).MatchString(s)
}

func TestDialogReloadReadsFromTheBeginningAndKeepsTheBuffer(t *testing.T) {
	b := &fakeBackend{}
	h := newHarness(t, Config{}, b)
	h.send(0, outLines(0, 4)...)
	b.mu.Lock()
	b.log = outLines(100, 3)
	b.mu.Unlock()
	h.fail(0, &engine.MissedRotationError{File: "exec.log"})
	h.key("b")
	last := b.snaps[len(b.snaps)-1]
	if last.Start != engine.FromBeginning() || last.Tail != DefaultBuffer || h.m.gen.id != 2 {
		t.Fatalf("reload read %+v in generation %d", last, h.m.gen.id)
	}
	if got := b.opens[len(b.opens)-1].Start; got != engine.FromCursor(b.log[2].Cursor) {
		t.Errorf("after the reload the stream starts at %+v, want the snapshot's end", got)
	}
	s := h.screenText()
	mustContain(t, s, "line 3")
	mustContain(t, s, "new reloaded from the beginning")
	mustContain(t, s, "line 102")
	if h.m.vp.Len() != 4+1+3 {
		t.Errorf("buffer holds %d lines, want 4 kept + note + 3 reloaded", h.m.vp.Len())
	}
}

func TestCopyCommandNamesANonDefaultHome(t *testing.T) {
	t.Setenv("MSB_HOME", "/home/u/.microsandbox")
	h := newHarness(t, Config{Name: "devbox", Home: "/srv/other home", Dir: "/srv/other home/sandboxes/devbox/logs"}, &fakeBackend{})
	h.send(0, outLines(0, 2)...)
	h.key("Y")
	if got := h.m.shownCommand.String(); !strings.HasPrefix(got, "sandtail devbox --home '/srv/other home' --from ") {
		t.Errorf("command %q", got)
	}
	h = newHarness(t, Config{Name: "devbox", Home: "/home/u/.microsandbox", Dir: "/home/u/.microsandbox/sandboxes/devbox/logs"}, &fakeBackend{})
	h.send(0, outLines(0, 2)...)
	h.key("Y")
	if got := h.m.shownCommand.String(); strings.Contains(got, "--home") {
		t.Errorf("default home named: %q", got)
	}
}
