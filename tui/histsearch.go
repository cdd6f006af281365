package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/text/level"
	"sandtail/text/lifecycle"
	"sandtail/tui/histscan"
)

// With a History, the search and what the view shows (sources, solo,
// level, filter) reach past the lines held: a scan of the whole History
// runs in the background (tui/histscan), its results stream in while keys
// stay live, and n, N and moving past the window's edges go to what it
// found. The window's own lines are still matched and drawn as before.

// scanKind says what a background scan looks for.
type scanKind uint8

const (
	scanSearch scanKind = iota // lines shown that match the search
	scanShown                  // lines shown at all (the filter, sources, solo, level)
	scanStarts                 // "sandbox started" records: the runs' numbers
	numScans
	// scanBase is not a scan of its own: the test of scanShown without
	// the filter, for a save with context, which decides the filter's
	// part itself.
	scanBase = numScans
)

// histScan is one background scan and what started it.
type histScan struct {
	scan *histscan.Scan
	id   int
}

// scanMsg says a scan moved on (or finished, done).
type scanMsg struct {
	kind scanKind
	id   int
	done bool
}

// waitScan waits for the scan's next news.
func waitScan(kind scanKind, hs *histScan) tea.Cmd {
	ch, id := hs.scan.Updated(), hs.id
	return func() tea.Msg {
		_, ok := <-ch
		return scanMsg{kind: kind, id: id, done: !ok}
	}
}

// onScan re-arms the wait while the scan runs; the frame drawn after it
// shows the progress.
func (m *Model) onScan(msg scanMsg) tea.Cmd {
	hs := m.scans[msg.kind]
	if hs == nil || hs.id != msg.id {
		return nil
	}
	switch msg.kind {
	case scanSearch:
		m.landInLog(hs)
	case scanStarts:
		m.numberRuns()
	}
	if msg.done {
		return nil
	}
	return waitScan(msg.kind, hs)
}

// landInLog lands a search that found no match above where it started in
// the lines held on the nearest one the search of the log found there,
// while the search still decides the selection (the user has not moved).
func (m *Model) landInLog(hs *histScan) {
	r := m.landing
	if r == nil || !r.has || r.line.ord < 0 || m.vp.IsMatch(m.vp.Selected()) {
		return
	}
	hit, ok := hs.scan.Next(uint32(r.line.ord), r.line.nth+1, false)
	if !ok {
		return
	}
	m.windowAround(int(hit.Ord), hit.Nth)
	m.landing = nil
}

// stopScan cancels a scan of kind.
func (m *Model) stopScan(kind scanKind) {
	if hs := m.scans[kind]; hs != nil {
		hs.scan.Cancel()
		m.scans[kind] = nil
	}
}

// restartScans starts again the scans the view needs after what it
// shows or searches changed: a search scan while there is a search, a
// scan of the lines shown while anything is hidden by more than the
// sources (a filter, a solo, a level). Without a History there is
// nothing beyond the lines held to scan.
func (m *Model) restartScans() tea.Cmd {
	m.stopScan(scanSearch)
	m.stopScan(scanShown)
	if m.win == nil {
		m.stopScan(scanStarts)
		return nil
	}
	var cmds []tea.Cmd
	if m.search != nil {
		cmds = append(cmds, m.startScan(scanSearch))
	}
	if m.filter != nil || m.solo != nil || m.minLevel > level.None {
		cmds = append(cmds, m.startScan(scanShown))
	}
	return tea.Batch(cmds...)
}

// countStarts starts counting the sandbox starts of the log when restart
// dividers are held and nothing counts them: their runs are numbered from
// the oldest start on disk. The count depends on the History alone; a
// prune, which moves the ordinals, stops it, and it is started again
// only while dividers are held, so a log being rotated is not read whole
// after every rotation for nothing.
func (m *Model) countStarts() tea.Cmd {
	if m.win == nil || m.scans[scanStarts] != nil || len(m.tl.dividers) == 0 {
		return nil
	}
	return m.startScan(scanStarts)
}

// scanSettings is what the scans depend on, as one comparable string.
func (m *Model) scanSettings() string {
	if m.win == nil {
		return ""
	}
	q := func(mt *matcher) string {
		if mt == nil {
			return "-"
		}
		return fmt.Sprintf("%t%q", mt.regexFlag, mt.query)
	}
	solo := "-"
	if s := m.solo; s != nil {
		solo = fmt.Sprintf("%d/%d/%t/%d", s.source, s.session, s.has, s.origin)
	}
	return fmt.Sprintf("%p %s %s %t %d %s %d", m.win.h, q(m.search), q(m.filter), m.filterInvert, m.show, solo, m.minLevel)
}

// startScan starts a scan of kind over the History.
func (m *Model) startScan(kind scanKind) tea.Cmd {
	m.scanSeq++
	hs := &histScan{id: m.scanSeq, scan: histscan.Start(m.ctx, m.win.h, m.scanKeep(kind))}
	m.scans[kind] = hs
	return waitScan(kind, hs)
}

// scanKeep is the test a scan of kind puts each line to: what isVisible
// and the search ask, over copies of the settings (the scan runs in its
// own goroutine; a matcher keeps a buffer and is not shared).
func (m *Model) scanKeep(kind scanKind) func(*histscan.Line) bool {
	if kind == scanStarts {
		return func(l *histscan.Line) bool {
			return l.Source == engine.System && l.Mark == engine.MarkNone && lifecycle.Detect(l.Plain) == lifecycle.Started
		}
	}
	show, minLevel, invert := m.show, m.minLevel, m.filterInvert
	var solo *soloSession
	if m.solo != nil {
		s := *m.solo
		solo = &s
	}
	filter := copyMatcher(m.filter)
	if kind == scanBase {
		filter = nil
	}
	var search *matcher
	if kind == scanSearch {
		search = copyMatcher(m.search)
	}
	return func(l *histscan.Line) bool {
		if l.Mark != engine.MarkNone {
			// Notices show whatever is chosen, as isVisible has it.
			return search == nil || search.Match(l.Plain)
		}
		if !show.Has(l.Source) {
			return false
		}
		if solo != nil && (l.Source == engine.System || l.HasSession != solo.has || l.Session != solo.session || l.Origin != solo.origin) {
			return false
		}
		if minLevel > level.None && level.Detect(l.Plain) < minLevel {
			return false
		}
		if filter != nil && filter.Match(l.Plain) == invert {
			return false
		}
		return search == nil || search.Match(l.Plain)
	}
}

// copyMatcher compiles mt's query again: a matcher of its own.
func copyMatcher(mt *matcher) *matcher {
	if mt == nil {
		return nil
	}
	c, err := compileQuery(mt.query, mt.regexFlag)
	if err != nil {
		return mt
	}
	return c
}

// scanJump moves to the nearest line the scan of kind found after
// (forward) or before the selection, outside the lines held, and reports
// whether it did. Without one it says how far the scan got.
func (m *Model) scanJump(kind scanKind, forward bool) bool {
	hs := m.scans[kind]
	ord, nth, ok := m.selectedOrd()
	if hs == nil || !ok {
		return false
	}
	hit, found := hs.scan.Next(uint32(ord), nth, forward)
	if !found {
		return false
	}
	m.windowAround(int(hit.Ord), hit.Nth)
	return true
}

// scanProgress says how far the scan of kind got, "" when it finished.
func (m *Model) scanProgress(kind scanKind) string {
	hs := m.scans[kind]
	if hs == nil {
		return ""
	}
	done, total, finished, err := hs.scan.Progress()
	switch {
	case err != nil:
		return "could not read the whole log: " + err.Error()
	case finished:
		return ""
	case total == 0:
		return "0%"
	}
	return fmt.Sprintf("%d%%", done*100/total)
}

// numberRuns numbers the runs of the restart dividers held from the
// oldest start on disk, once the count of starts reaches the window:
// without it a window in the middle of the log would number its first
// run 1.
func (m *Model) numberRuns() {
	hs := m.scans[scanStarts]
	if hs == nil || m.win == nil {
		return
	}
	done, _, _, _ := hs.scan.Progress()
	if done < m.win.lo {
		return
	}
	runs := uint32(hs.scan.Rank(uint32(m.win.lo), 0))
	for i := range m.tl.dividers {
		d := &m.tl.dividers[i]
		if d.started {
			runs++
		}
		d.run = runs
	}
	m.tl.runs = runs
}
