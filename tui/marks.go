package tui

// Marks: m marks or unmarks the selected line (a ◆ in the gutter), ' and "
// go to the next and previous marked line, wrapping, and M lists every mark
// of the sandbox. Marks are kept per sandbox by the marks package, so they
// are there again when the sandbox is opened again; a mark names its line
// by where the line's record lies in its own file, which rotation does not
// change.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/marks"
	"sandtail/resumecmd"
	"sandtail/text/sanitize"
	"sandtail/tui/dialog"
)

// markGlyphText is the gutter's sign of a marked line.
const markGlyphText = "◆"

// openMarks loads the marks of the open sandbox, once per log directory.
// A corrupt marks file (set aside) is reported at once: marks the user
// made are missing. A state directory that cannot be used at all (no
// home, one that cannot be read) is said only when a mark key is used, so
// that a sandtail run where marks cannot be kept is not told so on every
// open; the viewer goes on either way.
func (m *Model) openMarks() {
	if m.cfg.Dir == "" || m.tl.storeDir == m.cfg.Dir {
		return
	}
	m.tl.storeDir = m.cfg.Dir
	m.tl.store, m.tl.storeErr, m.tl.marked = nil, nil, map[marks.Key]bool{}
	state := m.cfg.StateDir
	if state == "" {
		d, err := marks.StateDir()
		if err != nil {
			m.tl.storeErr = err
			return
		}
		state = d
	}
	s, warn := marks.Open(marks.PathFor(state, m.cfg.Name, m.cfg.Dir), m.cfg.Dir)
	m.tl.store = s
	m.syncMarked()
	switch {
	case marks.IsSetAside(warn):
		m.setStatus(warn.Error(), true)
	case warn != nil:
		m.tl.storeErr = warn
	}
}

// marksUsable says why marks cannot be used now, on the status line, and
// reports whether they can.
func (m *Model) marksUsable() bool {
	if m.multi != nil {
		// A mark is kept in its sandbox's own store and names a file of
		// that sandbox; a merged view has no single store to keep it in.
		m.setStatus("marks are kept per sandbox: open one sandbox alone (sandtail NAME) to mark its lines and see its marks", true)
		return false
	}
	m.openMarks()
	if m.tl.storeErr != nil {
		m.setStatus(m.tl.storeErr.Error(), true)
		if m.tl.store == nil {
			return false
		}
	}
	return m.tl.store != nil
}

// syncMarked rebuilds the set of marked lines from the store.
func (m *Model) syncMarked() {
	m.tl.marked = map[marks.Key]bool{}
	if m.tl.store == nil {
		return
	}
	for _, mk := range m.tl.store.Marks() {
		m.tl.marked[mk.Key()] = true
	}
}

// keyOf names line l for marks; ok is false for a line that cannot be
// marked (a notice of the engine's, or one read without a cursor).
func keyOf(l *line) (marks.Key, bool) {
	if l == nil || l.mark != engine.MarkNone || l.file == fileUnknown || int(l.file) >= len(fileNames) {
		return marks.Key{}, false
	}
	return marks.Key{File: fileNames[l.file], Inode: l.at.Inode, Offset: l.at.Offset, Line: l.nth}, true
}

// isMarked reports whether l is marked.
func (m *Model) isMarked(l *line) bool {
	if len(m.tl.marked) == 0 {
		return false
	}
	k, ok := keyOf(l)
	return ok && m.tl.marked[k]
}

// markGlyph is the gutter's sign for a marked line, or "".
func (m *Model) markGlyph(l *line) string {
	if !m.isMarked(l) {
		return ""
	}
	return m.styles.Gutter.Render(markGlyphText)
}

// toggleMark marks or unmarks the selected line.
func (m *Model) toggleMark() {
	if !m.marksUsable() {
		return
	}
	seq := m.selectedSeq()
	l := m.vp.Line(seq)
	k, ok := keyOf(l)
	if !ok {
		m.setStatus("this line cannot be marked: it is a note of sandtail's, not a line of the log", true)
		return
	}
	mk := marks.Mark{File: k.File, Inode: k.Inode, Offset: k.Offset, Line: k.Line,
		Time: l.time().UTC(), Source: l.source.String(), Text: firstWords(l.plain)}
	if !l.from.IsZero() {
		mk.Cursor = l.from.String()
	}
	on, err := m.tl.store.Toggle(mk)
	m.syncMarked()
	if err != nil {
		m.setStatus(err.Error(), true)
		return
	}
	m.tl.storeErr = nil // the file could be read and written after all
	if !m.vp.Following() {
		m.vp.Goto(seq) // a mark made while following leaves it on
	}
	n := len(m.tl.marked)
	if on {
		m.setStatus(fmt.Sprintf("marked (%s in this sandbox): ' next, \" previous, M lists them", plural(n, "mark")), false)
	} else {
		m.setStatus(fmt.Sprintf("unmarked (%s left)", plural(n, "mark")), false)
	}
}

// selectedSeq is the selected line, or the newest shown while following.
func (m *Model) selectedSeq() uint64 {
	if m.vp.Following() {
		if last, ok := m.vp.LastVisible(); ok {
			return last
		}
	}
	return m.vp.Selected()
}

// jumpMark selects the next marked line shown below (dir 1) or above
// (dir -1) the selection, wrapping around the lines shown.
func (m *Model) jumpMark(dir int) {
	if !m.marksUsable() {
		return
	}
	n := m.vp.VisibleLen()
	if len(m.tl.marked) == 0 {
		m.setStatus("no marks in this sandbox: m marks the selected line", false)
		return
	}
	if n == 0 {
		return
	}
	sel := m.selectedSeq()
	start := 0
	for start < n && m.vp.VisibleAt(start) < sel {
		start++
	}
	for step := 1; step <= n; step++ {
		i := ((start+dir*step)%n + n) % n
		seq := m.vp.VisibleAt(i)
		if m.isMarked(m.vp.Line(seq)) {
			m.vp.Goto(seq)
			if (dir > 0 && i <= start) || (dir < 0 && i >= start) {
				m.setStatus("marks wrapped around", false)
			}
			return
		}
	}
	m.setStatus(fmt.Sprintf("none of the %s is among the lines shown: M lists them", plural(len(m.tl.marked), "mark")), false)
}

// openMarksList opens the list of the sandbox's marks.
func (m *Model) openMarksList() {
	if !m.marksUsable() {
		return
	}
	if err := m.tl.store.Reload(); err != nil {
		m.setStatus(err.Error(), true)
		if !marks.IsSetAside(err) {
			return
		}
	}
	m.syncMarked()
	all := m.tl.store.Marks()
	if len(all) == 0 {
		m.setStatus("no marks in this sandbox: m marks the selected line", false)
		return
	}
	held := m.heldMarks()
	items := make([]dialog.MarkItem, len(all))
	for i, mk := range all {
		it := dialog.MarkItem{
			Time:   m.inZone(mk.Time).Format(fullTimeLayout),
			Source: sanitize.Plain(mk.Source),
			Text:   sanitize.Plain(mk.Text),
		}
		switch _, ok := held[mk.Key()]; {
		case ok:
			it.State = dialog.MarkHeld
		case m.onDisk(mk):
			it.State = dialog.MarkOnDisk
		default:
			it.State = dialog.MarkGone
		}
		items[i] = it
	}
	m.tl.listed = all
	m.overlay.Open(dialog.NewMarks(items, m.marksKeys, m.dialogStyles))
}

// heldMarks maps the marks among the lines held to their lines.
func (m *Model) heldMarks() map[marks.Key]uint64 {
	out := map[marks.Key]uint64{}
	for seq := m.vp.First(); seq < m.vp.End(); seq++ {
		if k, ok := keyOf(m.vp.Line(seq)); ok && m.tl.marked[k] {
			if _, seen := out[k]; !seen {
				out[k] = seq
			}
		}
	}
	return out
}

// onDisk reports whether mk's line is still in the logs: a file of its
// type in one of the slots (the live file and its four rotated ones) with
// its inode, holding a whole record that ends at its offset, with its time
// (exec.log). A file that left retention is gone; the record check keeps
// a new file that was given the freed inode number from passing for it.
func (m *Model) onDisk(mk marks.Mark) bool {
	for k := 0; k <= 4; k++ {
		name := mk.File
		if k > 0 {
			name = fmt.Sprintf("%s.%d", mk.File, k)
		}
		path := filepath.Join(m.cfg.Dir, name)
		fi, err := os.Lstat(path)
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		if ino, ok := statInode(fi); ok && ino == mk.Inode {
			return recordEndsAt(path, mk)
		}
	}
	return false
}

// maxRecordCheck bounds how much of a record recordEndsAt reads back.
const maxRecordCheck = 64 << 10

// recordEndsAt reports whether the file at path has a record ending at
// mk's offset, and for exec.log whether that record carries mk's time.
func recordEndsAt(path string, mk marks.Mark) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || uint64(fi.Size()) < mk.Offset || mk.Offset == 0 {
		return false
	}
	from := int64(mk.Offset) - maxRecordCheck
	if from < 0 {
		from = 0
	}
	b := make([]byte, int64(mk.Offset)-from)
	if _, err := f.ReadAt(b, from); err != nil {
		return false
	}
	if b[len(b)-1] != '\n' {
		return false
	}
	if mk.File != fileNames[fileExec] {
		return true
	}
	rec := b[:len(b)-1]
	if i := strings.LastIndexByte(string(rec), '\n'); i >= 0 {
		rec = rec[i+1:]
	}
	return strings.Contains(string(rec), `"t":"`+mk.Time.UTC().Format("2006-01-02T15:04:05"))
}

// onMarkChosen goes to the mark chosen in the list: its line when held;
// for a line older than those held it gives the command that prints from
// it; a gone one is said to be gone.
func (m *Model) onMarkChosen(a dialog.ActionGoToMark) tea.Cmd {
	if a.Index < 0 || a.Index >= len(m.tl.listed) {
		return nil
	}
	mk := m.tl.listed[a.Index]
	if m.gotoHeldMark(mk) {
		return nil
	}
	if !m.onDisk(mk) {
		m.setStatus("that mark's line is gone: its file left the logs' retention", true)
		return nil
	}
	if m.windowAtTime(mk.Time) && m.gotoHeldMark(mk) {
		return nil // read where the mark's time is, and found there
	}
	return m.printFromMark(mk)
}

// gotoHeldMark selects the marked line when it is held, showing it
// whatever the sources, solo and filter hide; it reports whether it is.
func (m *Model) gotoHeldMark(mk marks.Mark) bool {
	seq, ok := m.heldMarks()[mk.Key()]
	if !ok {
		return false
	}
	l := m.vp.Line(seq)
	if !m.isVisible(l) {
		m.show = m.show.With(l.source)
		m.solo, m.filter, m.filterInvert = nil, nil, false
		m.vp.Refilter()
	}
	m.vp.Goto(seq)
	return true
}

// printFromMark is what Enter does on a mark whose line is older than the
// lines held: more than --buffer lines follow it, so reading again from it
// would not hold it either. It copies (and shows) the command that prints
// the logs from the marked record on, to read with a pager.
func (m *Model) printFromMark(mk marks.Mark) tea.Cmd {
	c, err := engine.ParseCursor(mk.Cursor)
	if mk.Cursor == "" || err != nil {
		m.setStatus("that mark's line is older than the lines held (more than --buffer lines follow it)", true)
		return nil
	}
	spec := ResumeSpec(m.cfg, m.readSources, c, 0)
	spec.Print = true
	cmd := resumecmd.Build(spec)
	m.setStatus("the mark is older than the lines held; copied a command that prints from it:", false)
	m.shownCommand = &cmd
	return tea.SetClipboard(cmd.String())
}

// onMarkDeleted unmarks the mark deleted in the list (a gone one, say).
func (m *Model) onMarkDeleted(a dialog.ActionDeleteMark) {
	if a.Index < 0 || a.Index >= len(m.tl.listed) || m.tl.store == nil {
		return
	}
	if err := m.tl.store.Remove(m.tl.listed[a.Index].Key()); err != nil {
		m.setStatus(err.Error(), true)
	}
	m.syncMarked()
	m.openMarksList()
}

// firstWords is the start of a line's text, for the list of marks.
func firstWords(s string) string {
	s = strings.TrimSpace(s)
	const max = 120
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && s[cut]&0xc0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// plural is "1 mark", "3 marks".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// statInode is the inode of a file described by Lstat.
func statInode(fi os.FileInfo) (uint64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Ino), true
}
