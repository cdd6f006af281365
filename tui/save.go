package tui

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"sandtail/atomicfile"
	"sandtail/engine"
	"sandtail/printmode"
	"sandtail/text/human"
	"sandtail/text/sanitize"
	"sandtail/tui/histscan"
)

// maxSavePath bounds what the save box takes.
const maxSavePath = 4 << 10

// saveBox is the open ctrl+s box: the path being typed, then, when that
// file exists, the question whether to overwrite it.
type saveBox struct {
	input   textinput.Model
	confirm string // the existing file waiting for y or n; "" while typing
	err     string // why the last try failed, until the next key
}

// savedLine is what a save needs of one shown line, copied in Update so
// the file is written in a command while the buffer goes on changing.
type savedLine struct {
	text, plain string
	unixNano    int64
	session     uint64
	truncated   int64
	after       engine.Cursor // the cursor just after the line's entry
	source      engine.Source
	mark        engine.Mark
	hasSession  bool
	open        bool
	group       bool // a group of context starts here (plain text: "--" before it)
	// sandbox names the line's sandbox when several are read: JSON gets
	// a "sandbox" member and text a "NAME | " prefix, as in print mode.
	sandbox string
}

// savedMsg reports a finished save.
type savedMsg struct {
	path  string
	lines int
	bytes int64
	json  bool
	err   error
}

// openSave opens the save box.
func (m *Model) openSave() {
	in := textinput.New()
	in.KeyMap = m.keys.Prompt.Edit
	in.Prompt = ""
	in.SetVirtualCursor(false)
	in.CharLimit = maxSavePath
	in.Focus()
	m.save = &saveBox{input: in}
}

// updateSave handles a key while the save box is open.
func (m *Model) updateSave(msg tea.KeyPressMsg) tea.Cmd {
	b, k := m.save, m.keys
	b.err = ""
	if b.confirm != "" {
		switch {
		case key.Matches(msg, k.SaveOverwrite):
			path := b.confirm
			m.save = nil
			return m.startSave(path)
		case key.Matches(msg, k.SaveKeep), key.Matches(msg, k.Prompt.Cancel):
			b.confirm = ""
		}
		return nil
	}
	switch {
	case key.Matches(msg, k.Prompt.Cancel):
		m.save = nil
	case key.Matches(msg, k.Prompt.Accept):
		return m.acceptSave()
	case msg.Text != "" && msg.Mod&chordMods == 0:
		m.typeIntoSave(msg.Text)
	case key.Matches(msg, editBindings(k.Prompt.Edit)...):
		b.input, _ = b.input.Update(msg)
	}
	return nil
}

// typeIntoSave inserts typed or pasted text, printable characters only.
func (m *Model) typeIntoSave(s string) {
	clean := strings.Map(func(r rune) rune {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
	clean = cutUTF8(clean, maxSavePath-len(m.save.input.Value()))
	if clean != "" {
		m.save.input, _ = m.save.input.Update(tea.PasteMsg{Content: clean})
	}
}

// acceptSave checks the typed path and saves, or asks first when the
// file exists.
func (m *Model) acceptSave() tea.Cmd {
	b := m.save
	path := strings.TrimSpace(b.input.Value())
	if path == "" {
		m.save = nil
		return nil
	}
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			path = filepath.Join(home, rest)
		}
	}
	fi, err := os.Stat(path)
	switch {
	case err == nil && fi.IsDir():
		b.err = "is a directory: type a file name"
		return nil
	case err == nil && !fi.Mode().IsRegular():
		b.err = "is not a regular file: choose another path"
		return nil
	case err == nil:
		b.confirm = path
		return nil
	case !errors.Is(err, fs.ErrNotExist):
		b.err = sanitize.Plain(err.Error())
		return nil
	}
	m.save = nil
	return m.startSave(path)
}

// isJSONPath reports whether path asks for JSON Lines.
func isJSONPath(path string) bool {
	ext := strings.ToLower(filepath.Ext(path))
	return ext == ".jsonl" || ext == ".json"
}

// startSave copies the shown lines (what the sources, solo, level and
// filter show now, context included) and writes them in a command.
func (m *Model) startSave(path string) tea.Cmd {
	if m.win != nil {
		return m.startLogSave(path)
	}
	lines := m.shownForSave()
	asJSON := isJSONPath(path)
	m.setStatus(fmt.Sprintf("saving %d lines to %s…", len(lines), sanitize.Plain(path)), false)
	return func() tea.Msg {
		n, err := writeSaved(path, lines, asJSON)
		return savedMsg{path: path, lines: len(lines), bytes: n, json: asJSON, err: err}
	}
}

// startLogSave writes what the view shows of the whole log, not only of
// the lines held: a command reads the History again, builds its lines as
// the viewer does (histscan.Builder) and keeps those the sources, solo,
// level and filter show, as the background search does, with the context
// around the filter's matches when it is on (+/-).
func (m *Model) startLogSave(path string) tea.Cmd {
	asJSON := isJSONPath(path)
	h, keep := m.win.h, m.scanKeep(scanShown)
	var around *saveContext
	if m.contextOn() {
		keep = m.scanKeep(scanBase)
		filter, invert := copyMatcher(m.filter), m.filterInvert
		around = &saveContext{n: m.around.n, hit: func(plain string) bool { return filter.Match(plain) != invert }}
	}
	n := m.win.live
	m.setStatus(fmt.Sprintf("saving what is shown of the whole log (%s entries) to %s…", groupDigits(n), sanitize.Plain(path)), false)
	return func() tea.Msg {
		lines, bytes, err := writeLogSaved(path, h, n, keep, around, asJSON)
		return savedMsg{path: path, lines: lines, bytes: bytes, json: asJSON, err: err}
	}
}

// saveContext picks, from the lines the sources, solo and level show, in
// order, the filter's matches and the n lines either side of each, as the
// viewer's context does (tui/context.go): a group that follows hidden
// lines starts with "--" in text.
type saveContext struct {
	n   int
	hit func(plain string) bool

	recent   []savedLine // the last ≤n lines that may become leading context
	after    int         // trailing context lines still due
	hidden   bool        // a line was passed over since the last one written
	anyShown bool
}

// take hands l to put when it is shown: a notice, a match (after the
// lines before it it makes context), or trailing context.
func (c *saveContext) take(l *savedLine, put func(*savedLine) error) error {
	if l.mark != engine.MarkNone {
		return put(l)
	}
	if c.hit(l.plain) {
		lead := c.recent
		c.recent = nil
		group := c.anyShown && c.hidden
		c.after, c.hidden, c.anyShown = c.n, false, true
		for i := range lead {
			lead[i].group = group && i == 0
			if err := put(&lead[i]); err != nil {
				return err
			}
		}
		l.group = group && len(lead) == 0
		return put(l)
	}
	if c.after > 0 {
		c.after--
		return put(l)
	}
	if len(c.recent) == c.n {
		if c.n == 0 {
			c.hidden = true
			return nil
		}
		c.recent = append(c.recent[:0], c.recent[1:]...)
		c.hidden = true
	}
	c.recent = append(c.recent, *l)
	return nil
}

// writeLogSaved writes the lines of entries [0, n) of h that keep takes,
// in order, through atomicfile as writeSaved does (through around, when
// not nil, which keeps the matches and their context). Lines are written
// as soon as no older one can still come (the Builder hands a line over
// when it ends, not when it starts), so what is held is the lines still
// open.
func writeLogSaved(path string, h history, n int, keep func(*histscan.Line) bool, around *saveContext, asJSON bool) (int, int64, error) {
	written := 0
	size, err := writeSavedWith(path, func(write func(*savedLine) error) error {
		emit := func(l *savedLine) error {
			written++
			return write(l)
		}
		put := emit
		if around != nil {
			put = func(l *savedLine) error { return around.take(l, emit) }
		}
		var b histscan.Builder
		// pending holds the lines handed over but not yet written, with
		// where they start (entry, piece), to write them in that order.
		type pending struct {
			ord  int
			nth  uint32
			line savedLine
		}
		var ready []pending
		take := func(open bool) func(*histscan.Line) {
			return func(l *histscan.Line) {
				if keep(l) {
					ready = append(ready, pending{l.Ord, l.Nth, savedLine{text: l.Text, plain: l.Plain,
						unixNano: l.Time.UnixNano(), session: l.Session, truncated: l.Truncated, after: l.Cursor,
						source: l.Source, mark: l.Mark, hasSession: l.HasSession, open: open}})
				}
			}
		}
		// flush writes, in order, the lines that start before (ord, nth),
		// or all of them.
		flush := func(ord int, nth uint32, all bool) error {
			slices.SortFunc(ready, func(x, y pending) int {
				if d := x.ord - y.ord; d != 0 {
					return d
				}
				return int(x.nth) - int(y.nth)
			})
			k := 0
			for ; k < len(ready); k++ {
				p := &ready[k]
				if !all && (p.ord > ord || p.ord == ord && p.nth >= nth) {
					break
				}
				if err := put(&p.line); err != nil {
					return err
				}
			}
			ready = append(ready[:0], ready[k:]...)
			return nil
		}
		closed := take(false)
		for lo := 0; lo < n; lo += histscan.ChunkEntries {
			es, err := h.Read(lo, min(lo+histscan.ChunkEntries, n))
			if err != nil {
				return err
			}
			for i := range es {
				b.Add(lo+i, &es[i], closed)
			}
			ord, nth, open := b.OldestOpen()
			if err := flush(ord, nth, !open); err != nil {
				return err
			}
		}
		b.Flush(take(true))
		return flush(0, 0, true)
	}, asJSON)
	return written, size, err
}

// shownForSave copies the shown lines, oldest first, each with the cursor
// just after its entry: the next entry's starting cursor, found walking
// the buffer back once, or the cursor after the newest entry read. In a
// view of several sandboxes each sandbox's lines take their own
// sandbox's cursors. A restart divider is drawn whatever is filtered, but
// it is saved only when its line passes the sources, filter, level and
// solo like any other: the file holds what was asked for.
func (m *Model) shownForSave() []savedLine {
	n := m.vp.VisibleLen()
	out := make([]savedLine, 0, n)
	vi := n - 1
	type walk struct {
		after, entryFrom engine.Cursor
		started          bool
	}
	walks := map[uint16]*walk{}
	for seq := m.vp.End(); seq > m.vp.First() && vi >= 0; {
		seq--
		l := m.vp.Line(seq)
		if l == nil {
			continue
		}
		w := walks[l.origin]
		if w == nil {
			w = &walk{after: m.prevCursor}
			if m.multi != nil {
				w.after = m.multi.prevOf(l.origin)
			}
			walks[l.origin] = w
		}
		if !w.started || l.from != w.entryFrom {
			if w.started {
				w.after = w.entryFrom
			}
			w.entryFrom, w.started = l.from, true
		}
		if m.vp.VisibleAt(vi) != seq {
			continue
		}
		vi--
		if is, _ := lifecycleOf(l); is && !m.passes(l) {
			continue
		}
		sl := savedLine{
			text: l.text, plain: l.plain, unixNano: l.unixNano, session: l.session,
			truncated: l.truncated, after: w.after, source: l.source, mark: l.mark,
			hasSession: l.hasSession, open: l.open,
			group: m.contextOn() && l.aid&aidGroup != 0,
		}
		if m.multi != nil {
			sl.sandbox = m.multi.name(l.origin)
		}
		out = append(out, sl)
	}
	slices.Reverse(out)
	return out
}

// writeSaved writes lines to path through atomicfile, so an existing file
// is replaced whole or not at all. JSON Lines use print mode's --json
// schema; plain text is each line's sanitised text (what the viewer
// shows), with "--" between groups of context as grep writes it.
func writeSaved(path string, lines []savedLine, asJSON bool) (int64, error) {
	return writeSavedWith(path, func(put func(*savedLine) error) error {
		for i := range lines {
			if err := put(&lines[i]); err != nil {
				return err
			}
		}
		return nil
	}, asJSON)
}

// writeSavedWith writes the lines each hands to put, as writeSaved says.
func writeSavedWith(path string, each func(put func(*savedLine) error) error, asJSON bool) (int64, error) {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real // write through a link, as an editor would
	}
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	return atomicfile.Write(path, mode, func(w *bufio.Writer) error {
		var buf []byte
		return each(func(l *savedLine) error {
			buf = buf[:0]
			if asJSON {
				e := engine.Entry{
					Time: time.Unix(0, l.unixNano), Source: l.source, Session: l.session, HasSession: l.hasSession,
					Data: []byte(l.text), Truncated: l.truncated, Mark: l.mark, Cursor: l.after,
				}
				if !l.open && l.mark == engine.MarkNone {
					e.Data = append(e.Data, '\n')
				}
				buf = printmode.AppendEntryJSON(buf, &e, l.sandbox)
			} else {
				if l.group {
					buf = append(buf, "--\n"...)
				}
				if l.sandbox != "" {
					buf = append(append(buf, l.sandbox...), " | "...)
				}
				buf = append(append(buf, l.plain...), '\n')
			}
			_, err := w.Write(buf)
			return err
		})
	})
}

// onSaved says in the footer what was written, or why not.
func (m *Model) onSaved(msg savedMsg) {
	path := sanitize.Plain(msg.path)
	if msg.err != nil {
		m.setStatus("could not save to "+path+": "+sanitize.Plain(msg.err.Error())+" (ctrl+s to try another path)", true)
		return
	}
	what := "plain text"
	if msg.json {
		what = "JSON Lines"
	}
	noun := "lines"
	if msg.lines == 1 {
		noun = "line"
	}
	m.setStatus(fmt.Sprintf("wrote %d %s (%s, %s) to %s", msg.lines, noun, human.Bytes(msg.bytes), what, path), false)
}

// saveRow draws the open save box in the footer row, and the cell where
// the terminal's cursor goes (-1: none).
func (m *Model) saveRow() (string, int) {
	b, k := m.save, m.keys
	if b.confirm != "" {
		// The question and its keys stay whole; a long path gives way
		// from its start, keeping the file's name.
		head, tail := "overwrite ", "? it exists. "+k.SaveOverwrite.Help().Key+" yes · "+k.SaveKeep.Help().Key+" no"
		path := sanitize.Plain(b.confirm)
		room := m.width - 1 - ansi.StringWidth(head+tail)
		if w := ansi.StringWidth(path); w > room {
			path = "…" + ansi.Cut(path, w-room+1, w)
		}
		q := ansi.Truncate(head+path+tail, max(m.width-1, 0), "…")
		return " " + m.styles.PromptError.Render(q) + reset, -1
	}
	label := "save to: "
	hint := "  .jsonl or .json: JSON Lines, else text · enter save · esc cancel"
	if b.err != "" {
		hint = "  " + b.err
	}
	room := m.width - 1 - ansi.StringWidth(label) - ansi.StringWidth(hint)
	if room < minInputCells {
		hint, room = "", m.width-1-ansi.StringWidth(label)
	}
	text, col, cut := inputWindow([]rune(b.input.Value()), b.input.Position(), max(room, 1))
	s := " " + m.styles.Prompt.Render(label) + renderNonEmpty(m.styles.PromptText, text)
	if cut {
		s += m.styles.PromptText.Render("…")
	}
	hst := m.styles.ModeOff
	if b.err != "" {
		hst = m.styles.PromptError
	}
	s += renderNonEmpty(hst, hint)
	return ansi.Truncate(s, m.width, "") + reset, 1 + ansi.StringWidth(label) + col
}
