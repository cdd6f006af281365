package tui

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/theme"
	"sandtail/tui/keytest"
)

// onlySGR matches the escape sequences a frame may hold: SGR only.
var onlySGR = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// FuzzFrameFits feeds arbitrary program output to the viewer and checks
// the frame: exactly the pane's height, no row wider than the pane, valid
// UTF-8, and no escape sequence but SGR, with every toggle.
func FuzzFrameFits(f *testing.F) {
	f.Add([]byte("plain\n"), uint8(80), uint8(24), uint8(0))
	f.Add([]byte("\x1b]0;t\x07\x1b[2J\x9b\r\t宽👩‍👩‍👧\u202e\n"), uint8(40), uint8(10), uint8(0xff))
	f.Add([]byte("\x1b[38;5;200mcolour\x1b[0m no newline"), uint8(3), uint8(2), uint8(5))
	f.Add([]byte("宽宽宽 a paste\u202e\x1b[2J into the box"), uint8(20), uint8(4), uint8(32|64))
	f.Fuzz(func(t *testing.T, data []byte, w, h, toggles uint8) {
		width, height := int(w%200)+1, int(h%60)+1
		st := theme.Dark()
		m := newModel(context.Background(), Config{Name: "fz", Dir: "/x"}, options{backend: &fakeBackend{}, styles: &st, colorOK: true})
		m.gen = &generation{id: 1, cancel: func() {}}
		m.Update(tea.WindowSizeMsg{Width: width, Height: height})
		m.ingest([]engine.Entry{
			{Source: engine.Stdout, Session: 1, HasSession: true, Data: data},
			{Source: engine.Stderr, Session: 2, HasSession: true, Data: append([]byte("x"), data...)},
		})
		m.timestamps, m.ids, m.wrap, m.raw = toggles&1 != 0, toggles&2 != 0, toggles&4 == 0, toggles&8 != 0
		if toggles&16 != 0 {
			m.Update(keytest.Press("k"))
		}
		if toggles&32 != 0 {
			// The filter box with the output pasted into it, the cursor
			// moved back into the text.
			m.Update(keytest.Press("&"))
			m.Update(tea.PasteMsg{Content: string(data)})
			m.Update(keytest.Press("left"))
			if toggles&64 != 0 {
				m.Update(keytest.Press("home"))
			}
		}
		checkFrame(t, m, width, height)
	})
}

// checkFrame fails t unless m's frame fits the width×height pane exactly,
// its cursor is inside it, and it holds valid UTF-8 with no control
// sequence but SGR colour.
func checkFrame(t *testing.T, m *Model, width, height int) {
	t.Helper()
	if c := m.View().Cursor; c != nil && (c.X < 0 || c.X >= width || c.Y < 0 || c.Y >= height) {
		t.Fatalf("cursor at %d,%d outside the %d×%d pane", c.X, c.Y, width, height)
	}
	frame := m.View().Content
	rows := strings.Split(frame, "\n")
	if len(rows) != height {
		t.Fatalf("%d rows, want %d", len(rows), height)
	}
	for i, r := range rows {
		if ansi.StringWidth(r) > width {
			t.Fatalf("row %d is %d wide, pane %d: %q", i, ansi.StringWidth(r), width, r)
		}
	}
	if !utf8.ValidString(frame) {
		t.Fatal("frame is not valid UTF-8")
	}
	if rest := onlySGR.ReplaceAllString(frame, ""); strings.ContainsAny(rest, "\x1b\x07\u009b") {
		t.Fatalf("frame holds a non-SGR control: %q", rest)
	}
}
