package tui

import (
	"fmt"
	"runtime/debug"

	"charm.land/bubbles/v2/key"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/engine"
	"sandtail/keymap"
	"sandtail/merge"
	"sandtail/tui/dialog"
)

// maxSandboxColumn caps the sandbox column's width: a long name is cut
// with … rather than pushing every line's text to the right.
const maxSandboxColumn = 20

// multiView is the viewer's side of reading several sandboxes at once:
// which sandbox each origin is, which are shown, and the cursor before
// the next entry of each (a line's cursor is its own sandbox's).
type multiView struct {
	set   *merge.Set
	shown dialog.Shown
	seen  uint64 // shown.Version last applied
	prev  []engine.Cursor
	// width is the sandbox column's width for the names known when it
	// was measured (known of them).
	width int
	known int
}

// newMultiView is the multi-sandbox state for cfg, or nil when one
// sandbox is read.
func newMultiView(cfg Config) *multiView {
	if cfg.Sandboxes == nil {
		return nil
	}
	return &multiView{set: cfg.Sandboxes}
}

// prevOf is the cursor after origin's last entry ingested.
func (mv *multiView) prevOf(origin uint16) engine.Cursor {
	if int(origin) < len(mv.prev) {
		return mv.prev[origin]
	}
	return engine.Cursor{}
}

// setPrev records the cursor after origin's latest entry. The slice grows
// to the origins seen, bounded by the set (merge.MaxSandboxes).
func (mv *multiView) setPrev(origin uint16, c engine.Cursor) {
	if c.IsZero() {
		return // a notice of the merge layer: no place in the log
	}
	for len(mv.prev) <= int(origin) {
		mv.prev = append(mv.prev, engine.Cursor{})
	}
	mv.prev[origin] = c
}

// columnWidth is the sandbox column's width, measured again when
// sandboxes joined.
func (mv *multiView) columnWidth() int {
	if n := mv.set.Len(); n != mv.known {
		mv.known, mv.width = n, 0
		for _, sb := range mv.set.All() {
			mv.width = max(mv.width, ansi.StringWidth(sb.Name))
		}
		mv.width = min(mv.width, maxSandboxColumn)
	}
	return mv.width
}

// name is origin's sandbox name.
func (mv *multiView) name(origin uint16) string { return mv.set.At(origin).Name }

// names is every sandbox's name, by origin.
func (mv *multiView) names() []string {
	var out []string
	for _, sb := range mv.set.All() {
		out = append(out, sb.Name)
	}
	return out
}

// sandboxTag draws a line's sandbox, padded to the column.
func (m *Model) sandboxTag(l *line) string {
	w := m.multi.columnWidth()
	name := ansi.Truncate(m.multi.name(l.origin), w, "…")
	pad := w - ansi.StringWidth(name)
	return m.styles.Sandbox(m.multi.name(l.origin)).Render(name) + fmt.Sprintf("%*s", pad, "")
}

// headerName names what is read when it is several sandboxes.
func (mv *multiView) headerName(all bool) string {
	n := mv.set.Len()
	shown := 0
	for i := 0; i < n; i++ {
		if !mv.shown.IsHidden(uint16(i)) {
			shown++
		}
	}
	what := fmt.Sprintf("%d sandboxes", n)
	if all {
		what = fmt.Sprintf("all sandboxes (%d)", n)
	}
	if shown < n {
		what += fmt.Sprintf(", %d shown", shown)
	}
	return what
}

// openSandboxes opens the list of sandboxes with their checkboxes.
func (m *Model) openSandboxes() tea.Cmd {
	if m.multi == nil {
		m.setStatus("one sandbox is read: S lists the sandboxes of sandtail NAME NAME… or --all", true)
		return nil
	}
	d := dialog.NewSandboxes(m.multi.names(), &m.multi.shown, keymap.DefaultSandboxList(), m.dialogStyles, m.styles.Sandbox)
	m.overlay.Open(d)
	return nil
}

// applyShown filters again after the sandbox list changed what is shown.
func (m *Model) applyShown() {
	if mv := m.multi; mv != nil && mv.shown.Version != mv.seen {
		mv.seen = mv.shown.Version
		m.vp.Refilter()
	}
}

// openMany opens several sandboxes marked in the picker, merged.
func (m *Model) openMany(sbs []engine.Sandbox) tea.Cmd {
	var list []merge.Sandbox
	for _, sb := range sbs {
		list = append(list, merge.Sandbox{Name: sb.Name, Dir: sb.LogDir})
	}
	m.picker = nil
	m.cfg.Name, m.cfg.Dir = "", ""
	m.cfg.Sandboxes = merge.NewSet(list)
	m.multi = newMultiView(m.cfg)
	m.backend = multiBackend{set: m.cfg.Sandboxes, one: m.oneBackend()}
	return tea.Batch(m.startGeneration(m.cfg.Start, startInitial), m.titleCmd())
}

// oneBackend is the backend that reads one sandbox, under the merged one.
func (m *Model) oneBackend() backend {
	if mb, ok := m.backend.(multiBackend); ok {
		return mb.one
	}
	return m.backend
}

// releaseLoadCmd hands the memory the merged snapshot used back to the
// system once its lines are in the buffer. Reading a hundred sandboxes'
// files leaves far more garbage than the lines kept; the runtime would
// return it only gradually, at a background cost of about one percent of
// a processor for as long as that takes, and meanwhile count it as the
// viewer's resident memory.
func releaseLoadCmd() tea.Msg {
	debug.FreeOSMemory()
	return nil
}

// fitSandboxColumn widens the sandbox column when a sandbox with a longer
// name joined (--all): every line's prefix changes, so rows are laid out
// again, as when timestamps are turned on.
func (m *Model) fitSandboxColumn() {
	if m.multi == nil {
		return
	}
	before := m.multi.width
	if m.multi.columnWidth() != before && m.vp.Len() > 0 {
		m.vp.Relayout()
	}
}

// multiShortHelp puts S in the footer of a view of several sandboxes, in
// place of t: the list of sandboxes is what such a view needs found
// first, and the footer keeps its length.
func (m *Model) multiShortHelp(keys []key.Binding) []key.Binding {
	out := make([]key.Binding, 0, len(keys))
	for _, b := range keys {
		if b.Help().Key == m.keys.Timestamps.Help().Key {
			b = m.keys.Sandboxes
		}
		out = append(out, b)
	}
	return out
}
