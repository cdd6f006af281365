package tui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// The window title says which sandbox a pane shows, but it is the user's
// title first: after sandtail it must be what it was. No terminal lets a
// program read the title back reliably, so sandtail names the window only
// on terminals that keep a stack of titles (XTWINOPS 22 pushes the current
// one, 23 pops it back) and otherwise leaves the title alone.
const (
	pushTitle = "\x1b[22;2t"
	popTitle  = "\x1b[23;2t"
)

// titleStack reports whether the terminal sandtail runs in keeps a title
// stack, from what it tells programs through the environment. Inside tmux
// (3.2 and later keep the stack, per pane) only tmux matters; inside GNU
// screen, which has no stack, nothing is set. Terminals not known to keep
// a stack get no title.
func titleStack(getenv func(string) string) bool {
	switch {
	case getenv("TMUX") != "":
		return getenv("TERM_PROGRAM") == "tmux" && versionAtLeast(getenv("TERM_PROGRAM_VERSION"), 3, 2)
	case getenv("STY") != "" || strings.HasPrefix(getenv("TERM"), "screen"):
		return false
	case getenv("XTERM_VERSION") != "", getenv("KITTY_WINDOW_ID") != "", getenv("ALACRITTY_WINDOW_ID") != "":
		return true
	case strings.HasPrefix(getenv("TERM"), "foot"):
		return true
	}
	switch getenv("TERM_PROGRAM") {
	case "iTerm.app", "WezTerm":
		return true
	}
	return false
}

// versionAtLeast reports whether a version such as "3.3a" or "next-3.4" is
// at least major.minor.
func versionAtLeast(v string, major, minor int) bool {
	v = strings.TrimPrefix(v, "next-")
	maj, rest, _ := strings.Cut(v, ".")
	mj, err := strconv.Atoi(maj)
	if err != nil {
		return false
	}
	end := 0
	for end < len(rest) && rest[end] >= '0' && rest[end] <= '9' {
		end++
	}
	mn, _ := strconv.Atoi(rest[:end])
	return mj > major || mj == major && mn >= minor
}

// wantTitle is the title for what is on screen.
func (m *Model) wantTitle() string {
	if m.picker != nil {
		return "sandtail"
	}
	return "sandtail: " + m.displayName()
}

// titleCmd sets the window title when what is on screen changed it. The
// name is sanitised (displayName), so it cannot end the sequence early.
func (m *Model) titleCmd() tea.Cmd {
	if !m.titles {
		return nil
	}
	want := m.wantTitle()
	if want == m.title {
		return nil
	}
	m.title = want
	return tea.Raw(ansi.SetWindowTitle(want))
}

// suspend gives the terminal back to the shell and stops the process
// group (sandtail and its holder) until fg, with the user's title restored
// meanwhile.
func (m *Model) suspend() tea.Cmd {
	if !m.titles {
		return tea.Suspend
	}
	m.title = ""
	return tea.Sequence(tea.Raw(popTitle), tea.Suspend)
}

// onResume saves the user's title again and names the window, after fg.
func (m *Model) onResume() tea.Cmd {
	if !m.titles {
		return nil
	}
	m.title = m.wantTitle()
	return tea.Raw(pushTitle + ansi.SetWindowTitle(m.title))
}
