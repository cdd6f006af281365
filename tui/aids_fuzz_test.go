package tui

import (
	"context"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/theme"
	"sandtail/tui/keytest"
)

// FuzzAidsFrameFits is FuzzFrameFits for the reading aids: arbitrary
// output (JSON or not) with the strip on, the line expanded, a minimum
// level, context around a filter and the save box holding the output as
// a pasted path. The frame must still fit the pane and hold no escape
// sequence but SGR.
func FuzzAidsFrameFits(f *testing.F) {
	f.Add([]byte(`{"level":"error","msg":"\u001b[2Jboom\u202e","n":[1,{"a":null}]}`+"\n"), uint8(80), uint8(24), uint8(0xff))
	f.Add([]byte("INFO runtime: x\n--- sandbox started ---\nlevel=warn \x1b]0;t\x07\n"), uint8(30), uint8(9), uint8(0x0f))
	f.Add([]byte(`{"k":"`+strings.Repeat("宽", 50)+`"}`+"\n"), uint8(12), uint8(8), uint8(0x31))
	f.Fuzz(func(t *testing.T, data []byte, w, h, toggles uint8) {
		width, height := int(w%200)+1, int(h%60)+1
		st := theme.Dark()
		m := newModel(context.Background(), Config{Name: "fz", Dir: "/x"}, options{backend: &fakeBackend{}, styles: &st, colorOK: true})
		m.gen = &generation{id: 1, cancel: func() {}}
		m.Update(tea.WindowSizeMsg{Width: width, Height: height})
		m.ingest([]engine.Entry{
			{Source: engine.Stdout, Session: 1, HasSession: true, Data: data},
			{Source: engine.System, Data: []byte("--- sandbox started ---\n")},
			{Source: engine.Stderr, Session: 2, HasSession: true, Data: data},
		})
		m.wrap = toggles&1 == 0
		press := func(k string) { m.Update(keytest.Press(k)) }
		if toggles&2 != 0 {
			press("J")
		}
		if toggles&4 != 0 {
			press("H")
			press("left")
		}
		if toggles&8 != 0 {
			press("L")
		}
		if toggles&16 != 0 {
			press("&")
			m.Update(tea.PasteMsg{Content: string(data[:min(len(data), 3)])})
			press("enter")
			press("+")
		}
		if toggles&32 != 0 {
			press("ctrl+s")
			m.Update(tea.PasteMsg{Content: string(data)})
		}
		checkFrame(t, m, width, height)
	})
}
