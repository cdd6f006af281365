package histscan

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"sandtail/engine"
	"sandtail/text/lines"
	"sandtail/text/sanitize"
)

var t0 = time.Date(2026, 4, 30, 20, 32, 59, 0, time.UTC)

// memSource is a Source over entries in memory. onRead, when set, runs
// at the start of every Read (from the Scan's goroutine), so a test can
// grow the history or hold the scan at a chosen chunk.
type memSource struct {
	mu      sync.Mutex
	entries []engine.Entry
	onRead  func(lo, hi int)
	failAt  int // Read fails when lo reaches it (when failErr is set)
	failErr error
	short   bool // Read gives one entry fewer than asked
}

func (m *memSource) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.entries)
}

func (m *memSource) Read(lo, hi int) ([]engine.Entry, error) {
	if m.onRead != nil {
		m.onRead(lo, hi)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.failErr != nil && lo >= m.failAt {
		return nil, m.failErr
	}
	if lo < 0 || hi > len(m.entries) || lo > hi {
		return nil, errors.New("out of range")
	}
	if m.short && hi > lo {
		hi--
	}
	// The entries are copied; their Data is shared, which the scanner
	// only reads.
	return slices.Clone(m.entries[lo:hi]), nil
}

func (m *memSource) add(es ...engine.Entry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries = append(m.entries, es...)
}

// out is a stdout chunk of session 1.
func out(data string) engine.Entry {
	return engine.Entry{Time: t0, Source: engine.Stdout, Session: 1, HasSession: true, File: "exec.log", Data: []byte(data)}
}

// errOut is a stderr chunk of session 1.
func errOut(data string) engine.Entry {
	e := out(data)
	e.Source = engine.Stderr
	return e
}

// collect runs entries through a Builder, flushing at the end, and returns
// the lines in emit order.
func collect(entries []engine.Entry) []Line { return collectWith(&Builder{}, entries) }

func collectWith(b *Builder, entries []engine.Entry) []Line {
	var got []Line
	keep := func(l *Line) { got = append(got, *l) }
	for i := range entries {
		b.Add(i, &entries[i], keep)
	}
	b.Flush(keep)
	return got
}

// byPlace sorts lines in the viewer's order.
func byPlace(ls []Line) []Line {
	ls = slices.Clone(ls)
	slices.SortFunc(ls, func(x, y Line) int {
		return Hit{uint32(x.Ord), x.Nth}.compare(Hit{uint32(y.Ord), y.Nth})
	})
	return ls
}

func (h Hit) compare(o Hit) int {
	switch {
	case h.key() < o.key():
		return -1
	case h.key() > o.key():
		return 1
	}
	return 0
}

// viewerLines is the viewer's line building transcribed from tui/ingest.go
// (ingest, addPiece, extend, appendCapped, setText) with a slice in place
// of the viewport and nothing evicted: the oracle the Builder must match.
func viewerLines(entries []engine.Entry) []Line {
	type vline struct {
		Line
		open bool
	}
	var ring []vline
	open := map[lines.Key]int{}
	var joiner lines.Joiner
	setText := func(l *vline, text string) {
		l.Text = text
		l.Plain = sanitize.Line([]byte(text), sanitize.Options{TabWidth: 8}).Plain
	}
	capped := func(s string, add []byte, dropped *int64) string {
		room := max(16<<10-len(s), 0)
		if len(add) > room {
			*dropped += int64(len(add) - room)
			add = add[:room]
		}
		return s + string(add)
	}
	for i := range entries {
		var nth uint32
		joiner.Split(&entries[i], func(p lines.Piece) {
			defer func() { nth++ }()
			if !p.Start {
				if seq, ok := open[p.Key]; ok && ring[seq].open {
					l := &ring[seq]
					if text := capped(l.Text, p.Text, &l.Truncated); len(text) != len(l.Text) {
						setText(l, text)
					}
					l.Truncated += p.Truncated
					l.open = !p.End
					if !l.open {
						delete(open, p.Key)
					}
					return
				}
			}
			if p.Start {
				if seq, ok := open[p.Key]; ok {
					ring[seq].open = false
					delete(open, p.Key)
				}
			}
			l := vline{Line: Line{Ord: i, Nth: nth, Time: p.Time, Source: p.Key.Source,
				Session: p.Key.Session, HasSession: p.Key.HasSession, Mark: p.Mark,
				Origin: p.Key.Origin, Truncated: p.Truncated, Cursor: entries[i].Cursor}, open: !p.End}
			setText(&l, capped("", p.Text, &l.Truncated))
			ring = append(ring, l)
			if l.open {
				open[p.Key] = len(ring) - 1
			}
		})
	}
	got := make([]Line, len(ring))
	for i := range ring {
		got[i] = ring[i].Line
	}
	return got
}

// sameLines fails the test when the Builder's lines (in any order) are not
// the viewer's.
func sameLines(t *testing.T, entries []engine.Entry) []Line {
	t.Helper()
	shared := byPlace(collectWith(&Builder{Share: true}, entries))
	got := byPlace(collect(entries))
	if !slices.Equal(shared, got) {
		t.Fatalf("a Builder that shares made other lines: %q, not %q", texts(shared), texts(got))
	}
	want := viewerLines(entries)
	if len(got) != len(want) {
		t.Fatalf("builder made %d lines, the viewer %d\nbuilder: %v\nviewer:  %v", len(got), len(want), texts(got), texts(want))
	}
	for i := range got {
		if !got[i].Time.Equal(want[i].Time) {
			t.Fatalf("line %d: time %v, the viewer's %v", i, got[i].Time, want[i].Time)
		}
		g, w := got[i], want[i]
		g.Time, w.Time = time.Time{}, time.Time{}
		if g != w {
			t.Fatalf("line %d:\nbuilder %+v\nviewer  %+v", i, g, w)
		}
	}
	return got
}

func texts(ls []Line) []string {
	var s []string
	for _, l := range ls {
		s = append(s, l.Text)
	}
	return s
}

// containing keeps lines whose plain text holds lit.
func containing(lit string) func(*Line) bool {
	return func(l *Line) bool { return strings.Contains(l.Plain, lit) }
}

// wait drains s.Updated until it is closed (the scan is over) and returns
// the final progress.
func wait(t *testing.T, s *Scan) (done, total int, err error) {
	t.Helper()
	for range s.Updated() {
	}
	done, total, finished, err := s.Progress()
	if !finished {
		t.Fatal("Updated closed before the scan finished")
	}
	return done, total, err
}

// allHits lists the scan's hits in order, walking with Next.
func allHits(s *Scan) []Hit {
	var hs []Hit
	h, ok := s.At(0)
	for ok {
		hs = append(hs, h)
		h, ok = s.Next(h.Ord, h.Nth, true)
	}
	return hs
}
