package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
)

// promptValue is what the open box holds.
func (h *harness) promptValue() string {
	h.t.Helper()
	if h.m.prompt == nil {
		h.t.Fatal("no box is open")
	}
	return h.m.prompt.input.Value()
}

// footer is the last row of the frame.
func (h *harness) footer() string {
	rows := h.rows()
	return rows[len(rows)-1]
}

func promptLog() []engine.Entry {
	return []engine.Entry{
		ent(engine.Stdout, 1, "ERROR one\n"), ent(engine.Stdout, 1, "warn two\n"),
		ent(engine.Stdout, 1, "!important: three\n"), ent(engine.Stdout, 1, "plain four\n"),
		ent(engine.Stdout, 1, "GET /api/v1 five\n"), ent(engine.Stdout, 1, "api six\n"),
	}
}

func TestReopenedBoxSelectsTheQuerySoTypingReplacesIt(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, promptLog()...)
	h.key("/")
	h.typeText("ERROR")
	h.key("enter", "/")
	if got := h.promptValue(); got != "ERROR" {
		t.Fatalf("reopened box holds %q, want the last query", got)
	}
	h.typeText("warn")
	if got := h.promptValue(); got != "warn" {
		t.Fatalf("typing into the selected query gave %q, want it replaced: warn", got)
	}
	if h.selText() != "warn two" {
		t.Errorf("selected %q", h.selText())
	}
	h.key("enter")

	// → (or End) keeps the query and puts the cursor after it.
	for _, k := range []string{"right", "end"} {
		h.key("/", k)
		h.typeText(" two")
		if got := h.promptValue(); got != "warn two" {
			t.Fatalf("%s then typing gave %q, want the query kept: warn two", k, got)
		}
		h.key("esc")
	}
	// Backspace on the selection empties the box.
	h.key("/", "backspace")
	if got := h.promptValue(); got != "" {
		t.Errorf("backspace on the selection left %q", got)
	}
	h.key("esc")
}

func TestBoxHasLineEditingKeys(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, promptLog()...)
	h.key("/")
	h.typeText("plin")
	h.key("left", "left")
	h.typeText("a")
	if got := h.promptValue(); got != "plain" {
		t.Fatalf("inserting after ← gave %q, want plain", got)
	}
	// The terminal's cursor stands in the box where the next character
	// goes: after " /pla".
	if c := h.m.View().Cursor; c == nil || c.X != len(" /pla") || c.Y != 23 {
		t.Fatalf("cursor %+v, want x=%d y=23", c, len(" /pla"))
	}
	h.key("end")
	h.typeText(" four")
	h.key("ctrl+w")
	if got := h.promptValue(); got != "plain " {
		t.Fatalf("ctrl+w gave %q, want the last word erased", got)
	}
	h.key("home", "delete")
	if got := h.promptValue(); got != "lain " {
		t.Fatalf("home, delete gave %q", got)
	}
	h.key("ctrl+e", "ctrl+u")
	if got := h.promptValue(); got != "" {
		t.Fatalf("ctrl+u at the end gave %q, want everything erased", got)
	}
	h.key("esc")
}

func TestUpAndDownRecallEarlierQueries(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, promptLog()...)
	h.key("/")
	h.typeText("one")
	h.key("enter", "/")
	h.typeText("t.o")
	h.key("ctrl+r", "enter")
	h.key("/")
	h.key("up")
	if got := h.promptValue(); got != "one" || h.m.prompt.regex {
		t.Fatalf("↑ recalled %q (regex %v), want the earlier query one, literal", got, h.m.prompt.regex)
	}
	if h.selText() != "ERROR one" {
		t.Errorf("a recalled query is applied like a typed one: selected %q", h.selText())
	}
	h.key("up") // nothing older: stays
	if got := h.promptValue(); got != "one" {
		t.Fatalf("↑ past the oldest gave %q", got)
	}
	h.key("down")
	if got := h.promptValue(); got != "t.o" || !h.m.prompt.regex {
		t.Fatalf("↓ gave %q (regex %v), want t.o as a regex", got, h.m.prompt.regex)
	}
	h.key("esc")
	// The filter box keeps its own history.
	h.key("&", "up")
	if got := h.promptValue(); got != "" {
		t.Errorf("the filter box recalled a search: %q", got)
	}
	h.key("esc")
}

func TestPasteIntoTheBoxIsTakenAndACutIsShown(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, promptLog()...)
	h.key("/")
	paste := strings.Repeat("abcdefghij", 300) // 3000 bytes
	h.update(tea.PasteMsg{Content: paste})
	if got := h.promptValue(); got != paste {
		t.Fatalf("a 3000-byte paste left %d bytes in the box", len(got))
	}
	mustNotContain(t, h.footer(), "cut")
	h.key("esc", "/")
	h.update(tea.PasteMsg{Content: "x\x1b]0;pwned\x07\u202e" + strings.Repeat("y", 3*maxQueryBytes)})
	got := h.promptValue()
	if len(got) != maxQueryBytes || !strings.HasPrefix(got, "x]0;pwnedy") {
		t.Fatalf("a long paste left %d bytes starting %q; want the first %d printable ones", len(got), got[:min(len(got), 12)], maxQueryBytes)
	}
	mustContain(t, h.footer(), "paste cut to 4 KiB")
	h.key("esc")
}

func TestExcludeIsAModeOfTheFilterBoxNotAPrefix(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, promptLog()...)
	h.key("&")
	f := h.footer()
	mustContain(t, f, "ctrl+r regex")
	mustContain(t, f, "ctrl+x exclude")
	// A leading ! is an ordinary character.
	h.typeText("!important")
	s := h.screenText()
	mustContain(t, s, "!important: three")
	mustNotContain(t, s, "ERROR one")
	// ctrl+x turns exclusion on; the box says so.
	h.key("ctrl+x")
	mustContain(t, h.footer(), "exclude:")
	s = h.screenText()
	mustNotContain(t, s, "!important: three")
	mustContain(t, s, "ERROR one")
	// Erasing the query keeps the mode.
	h.key("ctrl+u")
	h.typeText("plain")
	h.key("enter")
	s = h.screenText()
	mustNotContain(t, s, "plain four")
	mustContain(t, s, "!important: three")
	mustContain(t, h.rows()[0], "exclude:plain")
	// Reopened, the box is still in exclude mode.
	h.key("&")
	if !h.m.prompt.exclude {
		t.Error("the reopened filter box lost its exclude mode")
	}
	h.key("ctrl+x", "enter")
	mustContain(t, h.rows()[0], "filter:plain")
	mustContain(t, h.screenText(), "plain four")
}

// A query is literal unless the regex mode is on: URL paths between
// slashes and a leading "re:" are text.
func TestQueryIsLiteralUnlessRegexModeIsOn(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, promptLog()...)
	h.key("&")
	h.typeText("/api/")
	s := h.screenText()
	mustContain(t, s, "GET /api/v1 five")
	mustNotContain(t, s, "api six")
	h.key("ctrl+r")
	mustContain(t, h.footer(), "ctrl+r regex ✓")
	h.key("ctrl+u")
	h.typeText("^api")
	s = h.screenText()
	mustContain(t, s, "api six")
	mustNotContain(t, s, "GET /api/v1")
	h.key("enter")
	mustContain(t, h.rows()[0], "filter:re:^api")
}

// Characters typed with caps lock or num lock on (which some terminals
// report as modifiers) are text like any other.
func TestTypingWithLockKeysOnIsText(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, promptLog()...)
	h.key("/")
	h.press(tea.KeyPressMsg{Code: 'w', Text: "W", Mod: tea.ModCapsLock | tea.ModShift})
	h.press(tea.KeyPressMsg{Code: '1', Text: "1", Mod: tea.ModNumLock})
	if got := h.promptValue(); got != "W1" {
		t.Fatalf("typed with lock keys on: %q, want W1", got)
	}
	h.press(tea.KeyPressMsg{Code: 'b', Text: "b", Mod: tea.ModAlt})
	if got := h.promptValue(); got != "W1" {
		t.Fatalf("alt+b typed text: %q", got)
	}
}
