package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/text/human"
	"sandtail/text/lines"
	"sandtail/text/sanitize"
)

// maxClipboardBytes bounds what y puts on the clipboard. OSC 52 carries
// the text base64-encoded in one escape sequence, and tmux drops any
// escape sequence longer than 1 MiB (its input buffer limit, the default
// of input-buffer-size in newer versions): 750 KiB encode to 1,024,000
// bytes, which fits with room for the sequence's own bytes.
const maxClipboardBytes = 750 << 10

// maxRereadBytes bounds how much of the log is read looking for a line
// again; the line starts at the cursor, so this is only reached when the
// log changed under it.
const maxRereadBytes = 64 << 20

// wholeLineMsg delivers a line read back from the log for y.
type wholeLineMsg struct {
	seq   uint64
	text  string // sanitised, at most maxClipboardBytes
	cut   bool   // text is the line's start only
	total int64  // the line's length as written
	err   error
}

// copyLine copies the selected line's text (sanitised, without styles)
// through OSC 52, which tmux passes on with set-clipboard on. A line cut
// at the per-line cap copies what is kept and says so; y again reads the
// whole line back from the log, as much of it as a clipboard takes.
func (m *Model) copyLine() tea.Cmd {
	sel := m.vp.Selected()
	l := m.vp.Line(sel)
	if l == nil || m.vp.VisibleLen() == 0 {
		m.setStatus("nothing to copy", true)
		return nil
	}
	if cmd, ok := m.copyExpanded(l); ok {
		return cmd
	}
	if l.truncated == 0 {
		m.setStatus("copied line: "+l.plain, false)
		return tea.SetClipboard(l.plain)
	}
	if o := m.copyOffer; o != nil && o.seq == sel {
		return m.copyWholeLine(l)
	}
	total := int64(len(l.text)) + l.truncated
	more := "y again copies all of it from the log"
	if total > maxClipboardBytes {
		more = "y again copies its first " + human.Bytes(maxClipboardBytes) + " (the most a clipboard takes) from the log"
	}
	if l.from.IsZero() || l.mark != engine.MarkNone {
		more = "the rest cannot be read again: where the line starts in the log is not known"
	}
	m.setStatus(fmt.Sprintf("copied the first %s of this %s line (only that part is searched); %s",
		human.Bytes(int64(len(l.text))), human.Bytes(total), more), false)
	if !l.from.IsZero() && l.mark == engine.MarkNone {
		r := m.refOf(sel)
		m.copyOffer = &r
	}
	return tea.SetClipboard(l.plain)
}

// copyWholeLine starts reading line l back from the log.
func (m *Model) copyWholeLine(l *line) tea.Cmd {
	m.copyOffer = nil
	m.setStatus("reading the whole line from the log…", false)
	ctx := m.ctx
	if m.gen != nil {
		ctx = m.gen.ctx
	}
	// A cursor fits a read of the sources it was made with: the first
	// screenful's read only the sources shown.
	sources := m.readSources
	if m.fastShown {
		sources = m.fastSources
	}
	opts := engine.Options{Sources: sources, Start: engine.FromCursor(l.from)}
	dir := m.cfg.Dir
	if m.multi != nil {
		dir = m.multi.set.At(l.origin).Dir
	}
	return rereadCmd(ctx, m.backend, dir, opts, m.vp.Selected(), *l)
}

// rereadCmd reads the log from just before line want and returns its
// whole text: the first line of its source and session there that starts
// with the text kept of it.
func rereadCmd(ctx context.Context, b backend, dir string, opts engine.Options, seq uint64, want line) tea.Cmd {
	return func() tea.Msg {
		msg := wholeLineMsg{seq: seq, total: int64(len(want.text)) + want.truncated}
		raw, cut, err := reread(ctx, b, dir, opts, &want)
		if err != nil {
			msg.err = err
			return msg
		}
		plain := sanitize.Line(raw, sanitize.Options{TabWidth: 8}).Plain
		if len(plain) > maxClipboardBytes {
			plain, cut = cutUTF8(plain, maxClipboardBytes), true
		}
		msg.text, msg.cut = plain, cut
		return msg
	}
}

// errLineGone says the line was not found where its cursor points.
var errLineGone = errors.New("the line is no longer in the log files on disk")

// reread finds want again from opts.Start, joining chunks as the viewer
// does, and returns its bytes (at most maxClipboardBytes) and whether
// more of it was left out.
func reread(ctx context.Context, b backend, dir string, opts engine.Options, want *line) ([]byte, bool, error) {
	s, err := b.Open(ctx, dir, opts)
	if err != nil {
		return nil, false, err
	}
	defer s.Close()
	f := lineFinder{want: want}
	var scanned int
	for !f.done && scanned < maxRereadBytes {
		entries, err := s.Next(ctx, 256)
		for i := range entries {
			scanned += len(entries[i].Data)
			f.joiner.Split(&entries[i], f.piece)
		}
		if errors.Is(err, io.EOF) && f.matched {
			break // the line's last chunk is the log's last
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = errLineGone
			}
			return nil, false, err
		}
	}
	if !f.matched {
		return nil, false, errLineGone
	}
	return f.buf, f.cut, nil
}

// lineFinder collects the first line of want's source and session whose
// start is want's kept text.
type lineFinder struct {
	want    *line
	joiner  lines.Joiner
	buf     []byte
	cut     bool // bytes past maxClipboardBytes were left out
	on      bool // collecting a candidate line
	matched bool // the candidate starts with want's text
	done    bool
}

func (f *lineFinder) piece(p lines.Piece) {
	w := f.want
	if f.done || p.Mark != engine.MarkNone || p.Key.Source != w.source ||
		p.Key.HasSession != w.hasSession || p.Key.Session != w.session {
		return
	}
	if p.Start {
		f.buf, f.cut, f.on, f.matched = f.buf[:0], false, true, false
	}
	if !f.on {
		return
	}
	text := p.Text
	if room := maxClipboardBytes - len(f.buf); len(text) > room {
		text, f.cut = text[:room], true
	}
	f.buf = append(f.buf, text...)
	// A chunk the engine cut ends its line, as the viewer joins them.
	end := p.End || p.Truncated > 0
	f.cut = f.cut || p.Truncated > 0
	if !f.matched && (len(f.buf) >= len(w.text) || end) {
		f.matched = bytes.HasPrefix(f.buf, []byte(w.text))
		f.on = f.matched
	}
	f.done = f.matched && end
}

// onWholeLine copies a line read back from the log and says how much of
// it was copied.
func (m *Model) onWholeLine(msg wholeLineMsg) tea.Cmd {
	switch {
	case errors.Is(msg.err, context.Canceled):
		return nil
	case msg.err != nil:
		m.setStatus("could not read the whole line again: "+msg.err.Error(), true)
		return nil
	case msg.cut:
		m.setStatus(fmt.Sprintf("copied the first %s of this %s line: the most a terminal's clipboard takes",
			human.Bytes(int64(len(msg.text))), human.Bytes(msg.total)), false)
	default:
		m.setStatus("copied the whole line, "+human.Bytes(int64(len(msg.text))), false)
	}
	return tea.SetClipboard(msg.text)
}
