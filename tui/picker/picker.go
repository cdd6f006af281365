// Package picker is the sandbox picker shown when sandtail starts with no
// sandbox name and no --dir: the sandboxes under the home directory, with
// filter-as-you-type. It is a component of the root model, not a program:
// the owner feeds it messages and draws it with Render.
package picker

import (
	"errors"
	"io/fs"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/keymap"
	"sandtail/theme"
)

// Action is what the picker asks its owner to do; nil means only redraw.
type Action interface{ isAction() }

// ActionOpen opens the chosen sandbox's logs.
type ActionOpen struct{ Sandbox engine.Sandbox }

// ActionOpenMany opens several sandboxes marked with space, merged into
// one view; they are in list order.
type ActionOpenMany struct{ Sandboxes []engine.Sandbox }

// ActionQuit quits sandtail without opening anything.
type ActionQuit struct{}

func (ActionOpen) isAction()     {}
func (ActionOpenMany) isAction() {}
func (ActionQuit) isAction()     {}

// LoadedMsg carries the sandboxes found under Home, or why they could not
// be listed.
type LoadedMsg struct {
	Home      string
	Sandboxes []engine.Sandbox
	Err       error
	// Status, for cloud sandboxes, is each one's state by name (running,
	// stopped…): the list then shows it instead of the size, and a
	// sandbox's LastWrite is when it started. Nil for local sandboxes.
	Status map[string]string
	// Note says something about the list as a whole (that it was cut).
	Note string
}

// Load lists the sandboxes under home off the update loop, since it reads
// the disk.
func Load(home string) tea.Cmd {
	return func() tea.Msg {
		list, err := engine.ListSandboxes(home)
		return LoadedMsg{Home: home, Sandboxes: list, Err: err}
	}
}

// Picker lists sandboxes and lets the user choose one.
type Picker struct {
	home    string
	keys    keymap.Picker
	styles  theme.Picker
	now     func() time.Time
	loaded  bool
	err     error
	all     []engine.Sandbox
	filter  string
	matches []int // indexes into all, in list order
	// selected indexes matches; offset is the first visible match.
	selected int
	offset   int
	height   int // last known screen height, for paging
	// note says why the sandbox chosen last cannot be opened, until the
	// next key.
	note string
	// stay keeps the picker on screen when it lists a single sandbox
	// (it was reopened from that sandbox's view); want is the name to
	// highlight when the list arrives.
	stay bool
	want string
	// marked are the sandboxes marked with space, by name: enter opens
	// them together. Bounded by the list.
	marked map[string]bool
	// status and listNote are LoadedMsg's Status and Note.
	status   map[string]string
	listNote string
}

// New returns a picker for the sandboxes under home. It shows "looking…"
// until it receives the LoadedMsg of Load(home) or SetSandboxes is called.
func New(home string, keys keymap.Picker, styles theme.Picker) *Picker {
	return &Picker{home: home, keys: keys, styles: styles, now: time.Now}
}

// Reopen makes a picker that the user came back to from the view of the
// sandbox name: it stays on screen even when that is the only sandbox,
// and highlights it.
func (p *Picker) Reopen(name string) {
	p.stay, p.want = true, name
}

// SetClock replaces the clock used for "3m ago", for tests.
func (p *Picker) SetClock(now func() time.Time) { p.now = now }

// SetSandboxes replaces the list. A missing home or sandboxes folder is not
// an error: it is the empty list, with its own explanation.
func (p *Picker) SetSandboxes(list []engine.Sandbox, err error) {
	p.loaded = true
	p.err = err
	if errors.Is(err, fs.ErrNotExist) {
		p.err = nil
	}
	p.all = list
	p.keepMarks()
	p.refilter()
	for i, idx := range p.matches {
		if p.want != "" && p.all[idx].Name == p.want {
			p.selected = i
			p.move(0)
		}
	}
}

// SetLoaded replaces the list with msg's.
func (p *Picker) SetLoaded(msg LoadedMsg) {
	p.status, p.listNote = msg.Status, msg.Note
	p.SetSandboxes(msg.Sandboxes, msg.Err)
}

// cloud reports whether the list is of cloud sandboxes.
func (p *Picker) cloud() bool { return p.status != nil }

// Filter returns the text typed so far.
func (p *Picker) Filter() string { return p.filter }

// Selected returns the highlighted sandbox, if any.
func (p *Picker) Selected() (engine.Sandbox, bool) {
	if p.selected < 0 || p.selected >= len(p.matches) {
		return engine.Sandbox{}, false
	}
	return p.all[p.matches[p.selected]], true
}

// HandleMsg updates the picker for one message. The owner passes it every
// message while the picker is on screen: key presses, window sizes and the
// LoadedMsg from Load. With exactly one sandbox found, the LoadedMsg itself
// returns ActionOpen: there is nothing to choose.
func (p *Picker) HandleMsg(msg tea.Msg) Action {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		p.height = msg.Height
	case LoadedMsg:
		if msg.Home != p.home {
			return nil
		}
		p.SetLoaded(msg)
		if p.err == nil && len(p.all) == 1 && p.all[0].Err == nil && !p.stay {
			return ActionOpen{Sandbox: p.all[0]}
		}
	case tea.KeyPressMsg:
		return p.handleKey(msg)
	}
	return nil
}

// handleKey applies one key press. Printable text goes to the filter, so q
// and esc quit only while the filter is empty (esc clears it first).
func (p *Picker) handleKey(k tea.KeyPressMsg) Action {
	p.note = ""
	switch {
	case key.Matches(k, p.keys.ForceQuit):
		return ActionQuit{}
	case key.Matches(k, p.keys.Open) && len(p.marked) > 0:
		return p.openMarked()
	case key.Matches(k, p.keys.Mark):
		p.toggleMark()
	case key.Matches(k, p.keys.Open):
		sb, ok := p.Selected()
		switch {
		case ok && sb.Err != nil:
			p.note = unreadable(sb)
		case ok:
			return ActionOpen{Sandbox: sb}
		}
	case key.Matches(k, p.keys.Back):
		if p.filter == "" {
			return ActionQuit{}
		}
		p.setFilter("")
	case key.Matches(k, p.keys.Quit) && p.filter == "":
		return ActionQuit{}
	case key.Matches(k, p.keys.Up):
		p.move(-1)
	case key.Matches(k, p.keys.Down):
		p.move(1)
	case key.Matches(k, p.keys.PageUp):
		p.move(-p.pageRows())
	case key.Matches(k, p.keys.PageDown):
		p.move(p.pageRows())
	case key.Matches(k, p.keys.Top):
		p.move(-len(p.matches))
	case key.Matches(k, p.keys.Bottom):
		p.move(len(p.matches))
	case key.Matches(k, p.keys.Erase):
		if r := []rune(p.filter); len(r) > 0 {
			p.setFilter(string(r[:len(r)-1]))
		}
	case key.Matches(k, p.keys.Clear):
		p.setFilter("")
	default:
		if t := printable(k); t != "" {
			p.setFilter(p.filter + t)
		}
	}
	return nil
}

// printable returns the text a key types, or "" for chords and controls.
func printable(k tea.KeyPressMsg) string {
	if k.Text == "" || k.Mod&(tea.ModCtrl|tea.ModAlt|tea.ModMeta|tea.ModSuper) != 0 {
		return ""
	}
	for _, r := range k.Text {
		if !unicode.IsPrint(r) {
			return ""
		}
	}
	return k.Text
}

// move changes the selection by delta, clamped to the list, and scrolls so
// it stays visible.
func (p *Picker) move(delta int) {
	if len(p.matches) == 0 {
		return
	}
	p.selected = min(max(p.selected+delta, 0), len(p.matches)-1)
	rows := p.pageRows()
	if p.selected < p.offset {
		p.offset = p.selected
	}
	if p.selected >= p.offset+rows {
		p.offset = p.selected - rows + 1
	}
}

// setFilter replaces the filter text and recomputes the matches.
func (p *Picker) setFilter(f string) {
	var keep string
	if sb, ok := p.Selected(); ok {
		keep = sb.Name
	}
	p.filter = f
	p.refilter()
	// Keep the highlighted sandbox if it still matches, so typing narrows
	// the list without losing one's place.
	for i, idx := range p.matches {
		if p.all[idx].Name == keep {
			p.selected = i
			break
		}
	}
	p.move(0)
}

// refilter recomputes the matches: a case-insensitive substring of the name.
func (p *Picker) refilter() {
	p.matches = p.matches[:0]
	f := strings.ToLower(p.filter)
	for i, sb := range p.all {
		if strings.Contains(strings.ToLower(sb.Name), f) {
			p.matches = append(p.matches, i)
		}
	}
	p.selected, p.offset = 0, 0
}

// unreadable says why a sandbox's logs cannot be opened and what to do.
func unreadable(sb engine.Sandbox) string {
	msg := "cannot open " + sb.Name + ": " + sb.Err.Error()
	if errors.Is(sb.Err, fs.ErrPermission) {
		msg += "; run sandtail as a user who may read its logs"
	}
	return msg
}
