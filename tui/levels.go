package tui

import (
	"charm.land/lipgloss/v2"

	"sandtail/text/jsonview"
	"sandtail/text/level"
)

// aidFlags are per-line flags the reading aids keep on the line itself, so
// that answering the viewport about a line needs nothing but the line.
type aidFlags uint8

const (
	// aidContext: shown as context around a filter match.
	aidContext aidFlags = 1 << iota
	// aidGroup: the first line of a group of context (a divider above it).
	aidGroup
	// aidExpanded: drawn as pretty-printed JSON (J).
	aidExpanded
	// aidHit: the line passed the filter when refilter last walked the
	// buffer with context on; the viewport's walk right after reads it
	// instead of matching every line a second time.
	aidHit
)

// levelCycle is the order L steps the minimum level through: everything,
// then info and up, warnings and up, errors only.
var levelCycle = []level.Level{level.None, level.Info, level.Warn, level.Error}

// cycleLevel steps the minimum level and shows the lines that pass it.
// Lines that state no level are hidden by any minimum: a minimum asks for
// lines known to be that severe.
func (m *Model) cycleLevel() {
	next := levelCycle[0]
	for i, l := range levelCycle {
		if l == m.minLevel {
			next = levelCycle[(i+1)%len(levelCycle)]
		}
	}
	m.minLevel = next
	m.refilter()
	if next == level.None {
		m.setStatus("every level shown", false)
	} else {
		m.setStatus("level: "+levelLabel(next)+" (lines without a level are hidden; L again for "+levelLabel(levelCycle[(indexOfLevel(next)+1)%len(levelCycle)])+")", false)
	}
}

// indexOfLevel is l's place in levelCycle.
func indexOfLevel(l level.Level) int {
	for i, c := range levelCycle {
		if c == l {
			return i
		}
	}
	return 0
}

// levelLabel names a minimum level as the header shows it.
func levelLabel(l level.Level) string {
	switch l {
	case level.None:
		return "all"
	case level.Error:
		return "error"
	}
	return l.String() + "+"
}

// levelStyle is the style of a level's marker.
func (m *Model) levelStyle(l level.Level) lipgloss.Style {
	a := m.styles.Aids
	switch l {
	case level.Trace:
		return a.LevelTrace
	case level.Debug:
		return a.LevelDebug
	case level.Info:
		return a.LevelInfo
	case level.Warn:
		return a.LevelWarn
	}
	return a.LevelError
}

// levelMarker is the marker in front of a line that states a level, its
// letter and a space, or "" for a line without one.
func levelMarker(l *line) string {
	if l.lvl == level.None || l.mark != 0 {
		return ""
	}
	return l.lvl.Letter() + " "
}

// aidState is the model's state of the reading aids: the minimum level,
// the context around filter matches, expanded JSON, the activity strip
// and the save box.
type aidState struct {
	minLevel level.Level
	around   contextState // context around filter matches
	// prettyCache holds pretty forms of expanded lines by text (nil for
	// a text that is not a JSON object); bounded by maxPrettyCache.
	prettyCache map[string][]jsonview.Row
	// save is the open ctrl+s box, nil when closed.
	save *saveBox
	// strip is the activity strip and the header's sparklines.
	strip stripState
}
