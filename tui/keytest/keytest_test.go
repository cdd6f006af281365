package keytest

import "testing"

// TestPressSpellsLikeKeymap checks that every press reads back as the name
// it was built from: that is how key.Matches compares it with a binding.
func TestPressSpellsLikeKeymap(t *testing.T) {
	for _, name := range []string{"enter", "esc", "tab", "shift+tab", "up", "down", "pgup", "pgdown",
		"home", "end", "backspace", "delete", "left", "right", "alt+b", "ctrl+w", "space", "ctrl+c", "ctrl+r", "ctrl+u", "q", "G", "/", "?", "1"} {
		if got := Press(name).String(); got != name {
			t.Errorf("Press(%q).String() = %q", name, got)
		}
	}
}
