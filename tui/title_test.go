package tui

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"sandtail/theme"
)

func TestTitleStackOnlyWhereKnown(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{"TMUX": "/tmp/s,1,0", "TERM_PROGRAM": "tmux", "TERM_PROGRAM_VERSION": "3.3a"}, true},
		{map[string]string{"TMUX": "/tmp/s,1,0", "TERM_PROGRAM": "tmux", "TERM_PROGRAM_VERSION": "3.2"}, true},
		{map[string]string{"TMUX": "/tmp/s,1,0", "TERM_PROGRAM": "tmux", "TERM_PROGRAM_VERSION": "next-3.5"}, true},
		{map[string]string{"TMUX": "/tmp/s,1,0", "TERM_PROGRAM": "tmux", "TERM_PROGRAM_VERSION": "3.1c"}, false},
		{map[string]string{"TMUX": "/tmp/s,1,0", "XTERM_VERSION": "XTerm(390)"}, false}, // an old tmux inside xterm
		{map[string]string{"STY": "1.pts-0", "XTERM_VERSION": "XTerm(390)"}, false},
		{map[string]string{"TERM": "screen-256color", "KITTY_WINDOW_ID": "1"}, false},
		{map[string]string{"XTERM_VERSION": "XTerm(390)"}, true},
		{map[string]string{"KITTY_WINDOW_ID": "1"}, true},
		{map[string]string{"TERM": "foot"}, true},
		{map[string]string{"TERM_PROGRAM": "WezTerm"}, true},
		{map[string]string{"TERM": "xterm-256color"}, false}, // could be anything
		{map[string]string{"TERM": "linux"}, false},
		{map[string]string{}, false},
	} {
		if got := titleStack(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("%v: %v, want %v", tc.env, got, tc.want)
		}
	}
}

// TestTitleIsSetOnceAndGivenBackAroundASuspend: with a title stack the
// window is named once (sanitised), the user's title is popped back
// before a suspend and saved again after it; without one nothing is sent.
func TestTitleIsSetOnceAndGivenBackAroundASuspend(t *testing.T) {
	st := theme.NoColor()
	m := newModel(context.Background(), Config{Dir: "/logs/x\x1b]2;pwned\x07y"}, options{backend: &fakeBackend{}, styles: &st, titles: true})
	raw := rawOf(m.titleCmd())
	if !strings.HasPrefix(raw, "\x1b]2;sandtail: /logs/x") || strings.Count(raw, "\x07")+strings.Count(raw, "\x1b") > 2 {
		t.Fatalf("title sequence %q", raw)
	}
	if m.titleCmd() != nil {
		t.Error("the unchanged title was sent again")
	}
	// tea.Sequence's message is a list of commands, run in order.
	seq := reflect.ValueOf(m.suspend()())
	if seq.Kind() != reflect.Slice || seq.Len() != 2 {
		t.Fatalf("suspend is %#v, want a sequence: the title popped, then the suspend", seq.Interface())
	}
	first, _ := seq.Index(0).Interface().(tea.Cmd)
	second, _ := seq.Index(1).Interface().(tea.Cmd)
	if rawOf(first) != popTitle {
		t.Errorf("suspend first sends %q, want the title popped", rawOf(first))
	}
	if _, ok := second().(tea.SuspendMsg); !ok {
		t.Error("suspend does not end in tea.Suspend")
	}
	if raw := rawOf(m.onResume()); !strings.HasPrefix(raw, pushTitle+"\x1b]2;sandtail: ") {
		t.Fatalf("after fg: %q, want the title saved again and set", raw)
	}

	m = newModel(context.Background(), Config{Dir: "/logs/x"}, options{backend: &fakeBackend{}, styles: &st})
	if m.titleCmd() != nil || m.onResume() != nil {
		t.Error("a terminal without a title stack was sent a title")
	}
	if _, ok := m.suspend()().(tea.SuspendMsg); !ok {
		t.Error("ctrl+z does not suspend")
	}
}

// rawOf is the text of the tea.Raw command cmd.
func rawOf(cmd tea.Cmd) string {
	if cmd == nil {
		return ""
	}
	if r, ok := cmd().(tea.RawMsg); ok {
		return fmt.Sprint(r.Msg)
	}
	return ""
}
