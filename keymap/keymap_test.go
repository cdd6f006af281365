package keymap

import (
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// normalBindings lists the bindings active in the normal (no prompt) mode,
// by name, leaving out the help-only Sources summary.
func normalBindings(k KeyMap) map[string]key.Binding {
	return map[string]key.Binding{
		"Up": k.Up, "Down": k.Down, "PageUp": k.PageUp, "PageDown": k.PageDown,
		"HalfUp": k.HalfUp, "HalfDown": k.HalfDown, "Top": k.Top, "Bottom": k.Bottom,
		"Left": k.Left, "Right": k.Right, "Follow": k.Follow,
		"Stdout": k.Stdout, "Stderr": k.Stderr, "Output": k.Output, "System": k.System,
		"Search": k.Search, "Filter": k.Filter, "Next": k.Next, "Prev": k.Prev, "Clear": k.Clear,
		"Timestamps": k.Timestamps, "Sessions": k.Sessions, "Wrap": k.Wrap, "Color": k.Color,
		"Raw": k.Raw, "Solo": k.Solo, "CopyLine": k.CopyLine, "CopyCommand": k.CopyCommand,
		"Help": k.Help, "Quit": k.Quit, "ForceQuit": k.ForceQuit, "Suspend": k.Suspend,
	}
}

func TestDefaultBindingsAreUniqueAndDocumented(t *testing.T) {
	seen := map[string]string{}
	for name, b := range normalBindings(Default()) {
		if len(b.Keys()) == 0 {
			t.Errorf("%s has no keys", name)
		}
		if b.Help().Key == "" || b.Help().Desc == "" {
			t.Errorf("%s has no help text", name)
		}
		for _, k := range b.Keys() {
			if other, ok := seen[k]; ok {
				t.Errorf("key %q is bound to both %s and %s", k, other, name)
			}
			seen[k] = name
		}
	}
}

func TestVimAndArrowKeysBothMove(t *testing.T) {
	k := Default()
	cases := []struct {
		msg  tea.KeyPressMsg
		want key.Binding
	}{
		{tea.KeyPressMsg{Code: 'j', Text: "j"}, k.Down},
		{tea.KeyPressMsg{Code: tea.KeyDown}, k.Down},
		{tea.KeyPressMsg{Code: 'k', Text: "k"}, k.Up},
		{tea.KeyPressMsg{Code: tea.KeyUp}, k.Up},
		{tea.KeyPressMsg{Code: ' ', Text: " "}, k.PageDown},
		{tea.KeyPressMsg{Code: 'G', ShiftedCode: 'G', Text: "G"}, k.Bottom},
		{tea.KeyPressMsg{Code: tea.KeyEnd}, k.Bottom},
		{tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}, k.ForceQuit},
		{tea.KeyPressMsg{Code: 'q', Text: "q"}, k.Quit},
	}
	for _, c := range cases {
		if !key.Matches(c.msg, c.want) {
			t.Errorf("%q does not match %v", c.msg.String(), c.want.Keys())
		}
	}
}

func TestHelpCoversEveryNormalBinding(t *testing.T) {
	k := Default()
	inHelp := map[string]bool{}
	for _, col := range k.FullHelp() {
		for _, b := range col {
			inHelp[b.Help().Key+" "+b.Help().Desc] = true
		}
	}
	for name, b := range normalBindings(k) {
		if name == "ForceQuit" {
			continue // ctrl+c: deliberately not listed
		}
		if !inHelp[b.Help().Key+" "+b.Help().Desc] {
			t.Errorf("%s is missing from the full help", name)
		}
	}
	if len(k.ShortHelp()) == 0 || len(k.Prompt.ShortHelp()) == 0 {
		t.Error("short help is empty")
	}
}

// TestPromptKeysDoNotCollideWithLineEditing checks that the box's own keys
// (accept, cancel, modes, history) are not also editing keys, which the
// box would then never see.
func TestPromptKeysDoNotCollideWithLineEditing(t *testing.T) {
	p := Default().Prompt
	edit := map[string]bool{}
	for _, b := range []key.Binding{p.Edit.CharacterForward, p.Edit.CharacterBackward, p.Edit.WordForward,
		p.Edit.WordBackward, p.Edit.DeleteWordBackward, p.Edit.DeleteWordForward, p.Edit.DeleteAfterCursor,
		p.Edit.DeleteBeforeCursor, p.Edit.DeleteCharacterBackward, p.Edit.DeleteCharacterForward,
		p.Edit.LineStart, p.Edit.LineEnd, p.Edit.Paste, p.Edit.AcceptSuggestion, p.Edit.NextSuggestion,
		p.Edit.PrevSuggestion} {
		if !b.Enabled() {
			continue
		}
		for _, k := range b.Keys() {
			edit[k] = true
		}
	}
	for _, b := range []key.Binding{p.Accept, p.Cancel, p.Regex, p.Exclude, p.Older, p.Newer} {
		for _, k := range b.Keys() {
			if edit[k] {
				t.Errorf("%q is both a box key and an editing key", k)
			}
		}
	}
	if p.Edit.Paste.Enabled() {
		t.Error("ctrl+v would run a clipboard tool; the terminal's paste is enough")
	}
}
