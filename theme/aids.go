package theme

import "charm.land/lipgloss/v2"

// Aids are the styles of the reading aids: level markers, context lines
// around filter matches and their dividers, expanded JSON and the
// activity strip.
type Aids struct {
	// Level markers, by severity; the marker's letter tells them apart
	// without colour.
	LevelTrace, LevelDebug, LevelInfo, LevelWarn, LevelError lipgloss.Style

	Context lipgloss.Style // a context line around a filter match: dim
	Divider lipgloss.Style // the divider between groups of context

	JSONKey    lipgloss.Style // an object key in expanded JSON
	JSONString lipgloss.Style // a string value
	JSONNumber lipgloss.Style // a number, true, false or null
	JSONPunct  lipgloss.Style // braces, brackets, colons and commas

	StripBar     lipgloss.Style // the activity strip's bars
	StripErr     lipgloss.Style // the part of a bar that is stderr or error-level lines
	StripRestart lipgloss.Style // a sandbox start or stop on the strip
	StripCursor  lipgloss.Style // the selected line's place on the strip
	StripLabel   lipgloss.Style // the strip's times and hints
	StripFocus   lipgloss.Style // the label of a focused strip
	Spark        lipgloss.Style // a source's sparkline in the header
}

// newAids builds the aids' styles from p.
func newAids(p Palette) Aids {
	fg := lipgloss.NewStyle().Foreground
	return Aids{
		LevelTrace: fg(p.Muted), LevelDebug: fg(p.Muted), LevelInfo: fg(p.Good),
		LevelWarn: fg(p.Warn).Bold(true), LevelError: fg(p.Err).Bold(true),
		Context: fg(p.Muted), Divider: fg(p.Border),
		JSONKey: fg(p.Accent), JSONString: fg(p.Good), JSONNumber: fg(p.Warn), JSONPunct: fg(p.Muted),
		StripBar: fg(p.Accent), StripErr: fg(p.Err), StripRestart: fg(p.Warn).Bold(true),
		StripCursor: fg(p.Fg).Bold(true), StripLabel: fg(p.Muted), StripFocus: fg(p.Accent).Bold(true),
		Spark: fg(p.Accent),
	}
}

// monoAids are the aids without colour: levels keep their letters (bold
// for warnings and errors), context lines are faint, and the strip's
// error part is drawn with its own glyph (see tui/strip).
func monoAids() Aids {
	plain := lipgloss.NewStyle()
	bold := plain.Bold(true)
	return Aids{
		LevelTrace: plain, LevelDebug: plain, LevelInfo: plain, LevelWarn: bold, LevelError: bold,
		Context: plain.Faint(true), Divider: plain,
		JSONKey: bold, JSONString: plain, JSONNumber: plain, JSONPunct: plain,
		StripBar: plain, StripErr: bold, StripRestart: bold, StripCursor: bold, StripLabel: plain,
		StripFocus: bold, Spark: plain,
	}
}
