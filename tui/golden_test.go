package tui

import (
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"sandtail/engine"
)

// goldenScreen compares the frame, without styles, with
// testdata/<test name>.golden (go test -update rewrites it).
func goldenScreen(t *testing.T, h *harness) {
	t.Helper()
	golden.RequireEqual(t, h.screenText())
}

// sampleLog is a short mixed log: two sessions, every source, a long line.
func sampleLog() []engine.Entry {
	offset = 0 // the same times in every test, whatever ran before
	return []engine.Entry{
		ent(engine.System, 0, "runtime: sandbox devbox started\n"),
		ent(engine.Stdout, 3, "listening on :8080\n"),
		ent(engine.Stdout, 4, "worker 4 ready\n"),
		ent(engine.Stderr, 3, "panic: runtime error: index out of range [5] with length 3\n"),
		ent(engine.Output, 5, "$ ls -la\r\n"),
		ent(engine.Stdout, 3, "GET /healthz 200 1.2ms\n"),
		ent(engine.Stdout, 4, "a rather long line that goes on and on, well past the width of an eighty column pane, to show wrapping\n"),
		ent(engine.Stderr, 4, "warning: retrying in 5s\n"),
	}
}

func TestGoldenMainView(t *testing.T) {
	h := newHarness(t, Config{ShowID: true}, &fakeBackend{})
	h.send(0, sampleLog()...)
	goldenScreen(t, h)
}

func TestGoldenBootError(t *testing.T) {
	errno := 2
	b := &fakeBackend{boot: &engine.BootError{Stage: "mount", Errno: &errno, Message: "virtiofs: no such file or directory: /var/lib/msb/rootfs"}}
	h := newHarness(t, Config{}, b)
	h.send(0, sampleLog()...)
	goldenScreen(t, h)
}

func TestGoldenPausedSearch(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, sampleLog()...)
	h.key("/")
	h.typeText("run")
	t.Run("typing", func(t *testing.T) { goldenScreen(t, h) })
	h.key("enter", "k")
	h.send(0, outLines(0, 3)...)
	t.Run("paused", func(t *testing.T) { goldenScreen(t, h) })
}

func TestGoldenFilter(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, sampleLog()...)
	h.key("&", "ctrl+x")
	h.typeText("ready")
	h.key("enter", "2")
	goldenScreen(t, h)
}

func TestGoldenInvalidRegex(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, sampleLog()...)
	h.key("/", "ctrl+r")
	h.typeText("index [")
	goldenScreen(t, h)
}

func TestGoldenHelp(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, sampleLog()...)
	h.key("?")
	goldenScreen(t, h)
}

func TestGoldenMissedRotation(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, sampleLog()...)
	h.fail(0, &engine.MissedRotationError{File: "exec.log", Offset: 8 << 20, Lost: engine.Loss{Files: 3, Bytes: 31 << 20}})
	goldenScreen(t, h)
}

func TestGoldenNarrow(t *testing.T) {
	h := newHarness(t, Config{Timestamps: false}, &fakeBackend{})
	h.update(tea_WindowSize(40, 10))
	h.send(0, sampleLog()...)
	t.Run("view", func(t *testing.T) { goldenScreen(t, h) })
	h.fail(0, &engine.MissedRotationError{File: "exec.log", Lost: engine.Loss{Files: 1, Bytes: 1 << 20}})
	t.Run("dialog", func(t *testing.T) { goldenScreen(t, h) })
}

func TestGoldenCopyCommand(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	e := ent(engine.Stdout, 1, "the spot\n")
	e.Cursor = engine.NewCursor(engine.Position{Inode: 1234, Offset: 5678}, engine.Position{Inode: 99, Offset: 10}, engine.Position{})
	h.send(0, e, ent(engine.Stdout, 1, "after\n"))
	h.key("Y")
	goldenScreen(t, h)
}

func TestGoldenContextGroups(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, numbered(30, 4, 12, 14, 27)...)
	h.key("&")
	h.typeText("hit")
	h.key("enter", "+", "+")
	goldenScreen(t, h)
}

func TestGoldenLevels(t *testing.T) {
	h := newHarness(t, Config{Sources: engine.AllSources}, &fakeBackend{})
	h.send(0,
		ent(engine.System, 0, "INFO runtime: booting vm\n"),
		ent(engine.System, 0, " WARN runtime: slow start\n"),
		ent(engine.Stdout, 1, "time=2026-11-29T02:40:00Z level=error msg=\"dial tcp: refused\"\n"),
		ent(engine.Stdout, 1, "plain output\n"),
		ent(engine.Stderr, 1, "ERROR worker 3 crashed\n"),
	)
	t.Run("all", func(t *testing.T) { goldenScreen(t, h) })
	h.key("L", "L")
	t.Run("warn", func(t *testing.T) { goldenScreen(t, h) })
}

func TestGoldenExpandedJSON(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0,
		ent(engine.Stdout, 1, "before\n"),
		ent(engine.Stdout, 1, `{"time":"2026-11-29T02:40:00Z","level":"error","msg":"dial tcp\u202e: refused","attempt":3,"tags":["db","retry"],"ctx":{"host":"10.0.14.209","port":5432,"tls":false,"extra":null}}`+"\n"),
		ent(engine.Stdout, 1, "after\n"),
	)
	h.key("k", "J")
	goldenScreen(t, h)
}
