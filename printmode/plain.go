package printmode

import (
	"bufio"
	"strconv"
	"strings"

	"sandtail/engine"
	"sandtail/text/lines"
	"sandtail/text/sanitize"
)

// maxPrintLine caps one printed line: a program that never writes a newline
// must not make sandtail hold unbounded memory. Longer lines are cut by the
// assembler and marked.
const maxPrintLine = 1 << 20

// timeLayout is RFC 3339 with milliseconds in UTC, as microsandbox writes it.
const timeLayout = "2006-01-02T15:04:05.000Z"

// plainPrinter writes each entry's text as the program wrote it: chunks of
// one source and session are joined into whole lines, so output from
// concurrent sessions never interleaves mid-line.
type plainPrinter struct {
	w     *bufio.Writer
	notes *notifier
	opts  printOptions
	split lines.Joiner
	asm   *lines.Assembler
	err   error
	buf   []byte
	// names, when several sandboxes are read, names a line's sandbox:
	// each line then starts with "NAME | ".
	names func(uint16) string
}

func newPlainPrinter(w *bufio.Writer, notes *notifier, opts printOptions, names func(uint16) string) *plainPrinter {
	return &plainPrinter{w: w, notes: notes, opts: opts, asm: lines.NewAssembler(maxPrintLine), names: names}
}

func (p *plainPrinter) Write(es []engine.Entry) error {
	for i := range es {
		e := &es[i]
		if e.Truncated > 0 {
			p.notes.truncated(e)
		}
		// Notices go through the joiner too: a gap closes every open line.
		p.split.Split(e, func(pc lines.Piece) { p.asm.Add(pc, p.line) })
		if p.err != nil {
			return p.err
		}
	}
	return p.err
}

func (p *plainPrinter) Flush() error {
	if p.err != nil {
		return p.err
	}
	return p.w.Flush()
}

func (p *plainPrinter) Finish() error {
	p.asm.Flush(p.line)
	if p.err != nil {
		return p.err
	}
	return p.w.Flush()
}

// line writes one assembled line with its prefixes and a newline.
func (p *plainPrinter) line(l lines.Line) {
	if p.err != nil {
		return
	}
	if l.Mark != engine.MarkNone {
		// Notices are not program output: they go to stderr, after what
		// was printed before them.
		p.notes.mark(l.Key.Origin, l.Mark, l.Key.File, l.Time, l.Text)
		return
	}
	if l.Cont {
		p.notes.lineCut(l.Key.Source, maxPrintLine)
	}
	b := p.buf[:0]
	if p.names != nil {
		// A sandbox name is letters, digits, '-', '_' and '.' only
		// (engine.ValidateName): nothing a terminal acts on.
		b = append(b, p.names(l.Key.Origin)...)
		b = append(b, " | "...)
	}
	if p.opts.timestamps {
		b = appendTime(b, l.Time)
		b = append(b, ' ')
	}
	if p.opts.showID && l.Key.HasSession {
		b = append(b, '[')
		b = strconv.AppendUint(b, l.Key.Session, 10)
		b = append(b, "] "...)
	}
	text := l.Text
	if p.opts.sanitize {
		r := sanitize.Line(text, sanitize.Options{Color: p.opts.color, TabWidth: 8, MarkStyle: p.opts.color})
		if r.Overstruck {
			b = appendOverstrikeMarker(b, p.opts.color)
		}
		if p.opts.color {
			b = append(b, r.Styled...)
		} else {
			b = append(b, r.Plain...)
		}
	} else {
		b = append(b, text...)
	}
	b = append(b, '\n')
	p.buf = b
	_, p.err = p.w.Write(b)
}

// appendOverstrikeMarker appends the viewer's marker for a line where \r or
// \b hid text, dimmed like the other marks when colour is on.
func appendOverstrikeMarker(b []byte, color bool) []byte {
	if !color {
		return append(b, sanitize.OverstrikeMarker...)
	}
	mark := strings.TrimSuffix(sanitize.OverstrikeMarker, " ")
	b = append(b, "\x1b[2m"...)
	b = append(b, mark...)
	b = append(b, "\x1b[22m"...)
	return append(b, sanitize.OverstrikeMarker[len(mark):]...)
}
