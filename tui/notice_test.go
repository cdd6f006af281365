package tui

import (
	"testing"

	"sandtail/engine"
)

// The engine's notices about the reading (a file skipped because it is
// not a regular file, a holder that stopped answering) show as warnings,
// whatever sources are shown.
func TestEngineNoticeShownAsWarning(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	first := outLines(0, 3)
	h.send(0, first...)
	note := engine.Entry{Source: engine.System, Mark: engine.MarkNotice, File: "exec.log", Time: t0,
		Data: []byte("exec.log.1 is a named pipe (FIFO), not a regular file: skipped"), Cursor: first[2].Cursor}
	h.send(0, note)
	mustContain(t, h.screenText(), "wrn exec.log.1 is a named pipe (FIFO)")
}
