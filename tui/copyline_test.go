package tui

import (
	"encoding/base64"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest/v2"

	"sandtail/engine"
	"sandtail/tui/keytest"
)

// longLineLog is a short line, a line of n bytes ("start yyy… END"), and
// a short line after it.
func longLineLog(n int) []engine.Entry {
	body := "start " + strings.Repeat("y", n-len("start  END")) + " END"
	return []engine.Entry{ent(engine.Stdout, 1, "before\n"), ent(engine.Stdout, 1, body+"\n"), ent(engine.Stdout, 1, "after\n")}
}

func TestCopyOfACutLineSaysWhatItCopiedAndYAgainCopiesItWhole(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	log := longLineLog(100 << 10)
	h.send(0, log...)
	h.key("k")
	h.key("y")
	if len(h.clipboard) != maxLineBytes || !strings.HasPrefix(h.clipboard, "start yyy") {
		t.Fatalf("y copied %d bytes, want the %d kept", len(h.clipboard), maxLineBytes)
	}
	mustContain(t, h.screenText(), "copied the first 16 KiB of this 100 KiB line")
	mustContain(t, h.m.status, "copied the first 16 KiB of this 100 KiB line (only that part is searched); y again copies all of it from the log")

	h.key("y")
	open := h.b.opens[len(h.b.opens)-1]
	if open.Start != engine.FromCursor(log[0].Cursor) || open.Follow {
		t.Fatalf("the line is read again from %+v (follow %v), want a bounded read from just before it", open.Start, open.Follow)
	}
	h.send(1, log[1:]...)
	if len(h.clipboard) != 100<<10 || !strings.HasSuffix(h.clipboard, "y END") {
		t.Fatalf("y again copied %d bytes ending %q, want the whole 100 KiB line", len(h.clipboard), h.clipboard[max(len(h.clipboard)-8, 0):])
	}
	mustContain(t, h.screenText(), "copied the whole line, 100 KiB")
}

func TestCopyOfALineLongerThanAClipboardTakesStopsAtTheCap(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	log := longLineLog(1 << 20)
	h.send(0, log...)
	h.key("k", "y")
	mustContain(t, h.m.status, "y again copies its first 750 KiB (the most a clipboard takes)")
	h.key("y")
	h.send(1, log[1:]...)
	if len(h.clipboard) != maxClipboardBytes {
		t.Fatalf("copied %d bytes, want the cap %d", len(h.clipboard), maxClipboardBytes)
	}
	mustContain(t, h.screenText(), "copied the first 750 KiB of this 1 MiB line")
}

func TestCopyOfACutLineThatIsGoneSaysSo(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, longLineLog(20<<10)...)
	h.key("k", "y", "y")
	h.send(1, ent(engine.Stdout, 1, "something else\n"))
	h.fail(1, io.EOF)
	mustContain(t, h.m.status, "could not read the whole line again: the line is no longer in the log files on disk")
	mustContain(t, h.screenText(), "could not read the whole line again")
	// Another key in between withdraws the offer: y copies the kept part.
	h.key("j", "k", "y")
	if len(h.b.opens) != 2 {
		t.Errorf("y after moving read the log again (%d streams opened)", len(h.b.opens))
	}
}

func TestSearchSaysLongLinesAreSearchedInTheirStartOnly(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, longLineLog(20<<10)...)
	h.key("/")
	mustContain(t, h.footer(), "✂ 1 long line: only its first 16 KiB is searched")
	h.typeText("END")
	if h.m.vp.MatchLen() != 0 {
		t.Fatalf("text past the cap matched")
	}
	h.key("enter")
	mustContain(t, h.footer(), "only its first 16 KiB is searched")
}

// osc52 finds the OSC 52 payloads in terminal output.
var osc52 = regexp.MustCompile("\x1b\\]52;c;([A-Za-z0-9+/=]*)\x07")

// TestProgramCopiesALongLineWholeUpToTheClipboardCap runs the real engine
// over a 2 MiB line: y copies the kept start, y again the first 750 KiB
// read back from exec.log, in one OSC 52 sequence tmux still takes.
func TestProgramCopiesALongLineWholeUpToTheClipboardCap(t *testing.T) {
	dir := t.TempDir()
	body := "start " + strings.Repeat("0123456789", (2<<20)/10)
	appendFile(t, filepath.Join(dir, "exec.log"), record("stdout", 1, "before\n")+record("stdout", 1, body+"\n")+record("stdout", 1, "after\n"))
	tm := runProgram(t, Config{Name: "devbox", Dir: dir}, 100, 12)
	waitScreen(t, tm, "after")
	tm.Send(keytest.Press("k"))
	tm.Send(keytest.Press("y"))
	tm.Send(keytest.Press("y"))
	var got string
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, m := range osc52.FindAllSubmatch(b, -1) {
			if d, err := base64.StdEncoding.DecodeString(string(m[1])); err == nil && len(d) > maxLineBytes {
				got = string(d)
				return true
			}
		}
		return false
	}, teatest.WithDuration(10*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	if len(got) != maxClipboardBytes || got != body[:maxClipboardBytes] {
		t.Fatalf("copied %d bytes, want the line's first %d", len(got), maxClipboardBytes)
	}
	if seq := len("\x1b]52;c;") + base64.StdEncoding.EncodedLen(maxClipboardBytes) + 1; seq >= 1<<20 {
		t.Fatalf("the OSC 52 sequence is %d bytes: tmux drops sequences of 1 MiB", seq)
	}
	tm.Send(keytest.Press("q"))
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
}

// The offer of y again survives the whole buffer replacing the first
// screenful, and each read uses the sources its cursor was made with.
func TestCopyAgainAcrossTheFullSnapshot(t *testing.T) {
	b := &fakeBackend{log: longLineLog(20 << 10), holdFull: make(chan struct{})}
	h := newHarness(t, Config{}, b)
	h.key("k", "y")
	h.key("y")
	if got := b.opens[len(b.opens)-1].Sources; got != engine.DefaultSources {
		t.Fatalf("read again in the first screenful with %v, want its sources %v", got, engine.DefaultSources)
	}
	h.fail(0, io.EOF)
	h.key("y")
	h.releaseFull()
	if h.selText() == "" || !strings.HasPrefix(h.selText(), "start") {
		t.Fatalf("selection %q after the full snapshot, want the long line", h.selText())
	}
	opens := len(b.opens)
	h.key("y")
	if len(b.opens) != opens+1 {
		t.Fatal("y again after the full snapshot arrived did not read the line again")
	}
	if got := b.opens[opens].Sources; got != engine.AllSources {
		t.Errorf("read again with %v, want every source", got)
	}
}
