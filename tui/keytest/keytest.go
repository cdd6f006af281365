// Package keytest builds key presses for tests that drive Bubble Tea
// models directly, so the model, dialog and picker tests spell keys the way
// keymap does ("enter", "ctrl+r", "shift+tab", "q") from one table.
package keytest

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// named are the keys that are not a single printable character.
var named = map[string]rune{
	"enter":     tea.KeyEnter,
	"esc":       tea.KeyEscape,
	"tab":       tea.KeyTab,
	"up":        tea.KeyUp,
	"down":      tea.KeyDown,
	"pgup":      tea.KeyPgUp,
	"pgdown":    tea.KeyPgDown,
	"home":      tea.KeyHome,
	"end":       tea.KeyEnd,
	"backspace": tea.KeyBackspace,
	"delete":    tea.KeyDelete,
	"left":      tea.KeyLeft,
	"right":     tea.KeyRight,
}

// Press returns the key press whose String() is name: a named key, a
// "ctrl+" or "shift+" combination, "space", or a single character. An
// unknown name panics: it is a mistake in the test, not in the model.
func Press(name string) tea.KeyPressMsg {
	if name == "space" {
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	}
	for prefix, mod := range map[string]tea.KeyMod{"ctrl+": tea.ModCtrl, "shift+": tea.ModShift, "alt+": tea.ModAlt} {
		if rest, ok := strings.CutPrefix(name, prefix); ok {
			k := Press(rest)
			return tea.KeyPressMsg{Code: k.Code, Mod: mod}
		}
	}
	if code, ok := named[name]; ok {
		return tea.KeyPressMsg{Code: code}
	}
	r := []rune(name)
	if len(r) != 1 {
		panic("keytest: unknown key " + name)
	}
	return tea.KeyPressMsg{Code: r[0], Text: name}
}
