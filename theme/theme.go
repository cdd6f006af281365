package theme

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// Styles is every style the viewer draws with. Build one with Dark, Light,
// NoColor or Pick; other packages (the dialog and picker components) build
// theirs from the same Palette.
type Styles struct {
	// Palette is the tokens these styles were built from.
	Palette Palette
	// Mono is true for the colourless theme: callers must not rely on colour
	// to tell things apart.
	Mono bool

	// Header bar.
	Header       lipgloss.Style // the whole header row
	HeaderName   lipgloss.Style // the sandbox name
	HeaderDemo   lipgloss.Style // the "demo" tag on simulated data
	StateLive    lipgloss.Style // LIVE: following new lines
	StatePaused  lipgloss.Style // PAUSED, with the count of new lines below
	StateEnded   lipgloss.Style // ENDED: a bounded read is done
	StateError   lipgloss.Style // ERROR: the stream stopped on an error
	SourceOn     lipgloss.Style // a source toggle that is on
	SourceOff    lipgloss.Style // a source toggle that is off
	Count        lipgloss.Style // line counts next to the source toggles
	Skipped      lipgloss.Style // the count of malformed records skipped
	SearchStatus lipgloss.Style // "match i/N" and the active filter

	// Footer and status line.
	Footer      lipgloss.Style // the footer row (short help)
	Status      lipgloss.Style // an informational status message (e.g. the copied command)
	StatusError lipgloss.Style // an error in the status line
	HelpKey     lipgloss.Style // a key in the help
	HelpDesc    lipgloss.Style // what the key does
	HelpSep     lipgloss.Style // separators between help items

	// Log lines.
	Timestamp    lipgloss.Style   // the local time in front of a line
	BadgeStdout  lipgloss.Style   // the "out" badge
	BadgeStderr  lipgloss.Style   // the "err" badge: stands out
	BadgeOutput  lipgloss.Style   // the "pty" badge
	BadgeSystem  lipgloss.Style   // the "sys" badge: dim
	SystemText   lipgloss.Style   // the text of system lines: dim
	Sessions     []lipgloss.Style // session id colours; see Session
	Selected     lipgloss.Style   // the selected row (drawn without program colours)
	Gutter       lipgloss.Style   // the marker in front of the selected row
	Match        lipgloss.Style   // a search match
	CurrentMatch lipgloss.Style   // the match n/N is on
	Mark         lipgloss.Style   // engine notices: data lost (gap), file restarted
	Truncated    lipgloss.Style   // the markers on a line cut at the length cap or overstruck by \r

	// Boot error banner (boot-error.json).
	BootError     lipgloss.Style // the banner's title
	BootErrorText lipgloss.Style // the banner's message

	// Search and filter box.
	Prompt         lipgloss.Style // the box's label ("/", "filter:")
	PromptText     lipgloss.Style // what the user typed
	PromptSelected lipgloss.Style // the reopened query, selected: typing replaces it
	PromptError    lipgloss.Style // an invalid regular expression, a cut paste
	ModeOn         lipgloss.Style // a mode that is on: in the box (regex, exclude) and the footer (wrap off, raw…)
	ModeOff        lipgloss.Style // a mode the box offers that is off, with its key

	// Aids is the reading aids' styles (levels, context, JSON, the strip).
	Aids Aids
}

// New builds the styles of a coloured theme from p.
func New(p Palette) Styles {
	fg := lipgloss.NewStyle().Foreground
	s := Styles{
		Palette: p,

		Header:       lipgloss.NewStyle().Background(p.Surface).Foreground(p.Fg),
		HeaderName:   fg(p.Accent).Bold(true),
		HeaderDemo:   fg(p.Warn).Bold(true),
		StateLive:    fg(p.Good).Bold(true),
		StatePaused:  fg(p.Warn).Bold(true),
		StateEnded:   fg(p.Muted).Bold(true),
		StateError:   fg(p.Err).Bold(true),
		SourceOn:     fg(p.Fg),
		SourceOff:    fg(p.Muted).Strikethrough(true),
		Count:        fg(p.Muted),
		Skipped:      fg(p.Warn),
		SearchStatus: fg(p.Accent),

		Footer:      fg(p.Muted),
		Status:      fg(p.Accent),
		StatusError: fg(p.Err).Bold(true),
		HelpKey:     fg(p.Accent),
		HelpDesc:    fg(p.Muted),
		HelpSep:     fg(p.Muted),

		Timestamp:    fg(p.Muted),
		BadgeStdout:  fg(p.Good),
		BadgeStderr:  fg(p.Err).Bold(true),
		BadgeOutput:  fg(p.Accent),
		BadgeSystem:  fg(p.Muted),
		SystemText:   fg(p.Muted),
		Selected:     lipgloss.NewStyle().Background(p.Select).Foreground(p.Fg),
		Gutter:       fg(p.Accent).Bold(true),
		Match:        lipgloss.NewStyle().Background(p.Match).Foreground(p.OnMatch),
		CurrentMatch: lipgloss.NewStyle().Background(p.Current).Foreground(p.OnMatch).Bold(true),
		Mark:         fg(p.Warn).Bold(true),
		Truncated:    fg(p.Warn).Italic(true),

		BootError:     fg(p.Err).Bold(true),
		BootErrorText: fg(p.Fg),

		Prompt:         fg(p.Accent).Bold(true),
		PromptText:     fg(p.Fg),
		PromptSelected: lipgloss.NewStyle().Background(p.Select).Foreground(p.Fg),
		PromptError:    fg(p.Err),
		ModeOn:         fg(p.Warn).Bold(true),
		ModeOff:        fg(p.Muted),
	}
	s.Aids = newAids(p)
	for _, col := range p.Sessions {
		s.Sessions = append(s.Sessions, fg(col))
	}
	return s
}

// Dark is the theme for dark terminal backgrounds.
func Dark() Styles { return New(DarkPalette()) }

// Light is the theme for light terminal backgrounds.
func Light() Styles { return New(LightPalette()) }

// NoColor is the colourless theme (NO_COLOR, --color never): no colour
// escapes at all, only bold, underline and reverse video where a
// distinction matters (state, selection, matches, errors).
func NoColor() Styles {
	plain := lipgloss.NewStyle()
	bold := plain.Bold(true)
	return Styles{
		Palette: MonoPalette(),
		Mono:    true,

		Header: plain, HeaderName: bold, HeaderDemo: bold,
		StateLive: bold, StatePaused: bold, StateEnded: bold, StateError: bold,
		SourceOn: plain, SourceOff: plain, Count: plain, Skipped: plain, SearchStatus: plain,

		Footer: plain, Status: plain, StatusError: bold,
		HelpKey: bold, HelpDesc: plain, HelpSep: plain,

		Timestamp: plain, BadgeStdout: plain, BadgeStderr: bold, BadgeOutput: plain, BadgeSystem: plain,
		SystemText: plain, Selected: plain.Reverse(true), Gutter: bold,
		// Matches are reversed like the selected row; on that row the
		// current match is the part left un-reversed, bold and underlined.
		Match: plain.Reverse(true), CurrentMatch: bold.Underline(true),
		Mark: bold, Truncated: plain,

		BootError: bold, BootErrorText: plain,
		Prompt: bold, PromptText: plain, PromptSelected: plain.Reverse(true), PromptError: bold,
		ModeOn: bold, ModeOff: plain,
		Aids: monoAids(),
	}
}

// Pick returns NoColor when colour is off, else the dark or light theme.
func Pick(color, dark bool) Styles {
	switch {
	case !color:
		return NoColor()
	case dark:
		return Dark()
	default:
		return Light()
	}
}

// Session returns the style of a session id: the same id always gets the
// same colour, and neighbouring ids get different ones. The colourless
// theme returns a plain style.
func (s Styles) Session(id uint64) lipgloss.Style {
	if len(s.Sessions) == 0 {
		return lipgloss.NewStyle()
	}
	// A multiplicative hash spreads consecutive ids over the colours, so
	// sessions 1, 2, 3 are told apart at a glance.
	h := id * 0x9E3779B97F4A7C15
	return s.Sessions[(h>>32)%uint64(len(s.Sessions))]
}

// Help returns styles for the bubbles help component that match these.
func (s Styles) Help() help.Styles {
	return help.Styles{
		Ellipsis:       s.HelpSep,
		ShortKey:       s.HelpKey,
		ShortDesc:      s.HelpDesc,
		ShortSeparator: s.HelpSep,
		FullKey:        s.HelpKey,
		FullDesc:       s.HelpDesc,
		FullSeparator:  s.HelpSep,
	}
}

// Sandbox returns the style of a sandbox's name when several are read at
// once: the same name always gets the same colour, in every run and every
// terminal, so a sandbox is recognised at a glance. The colourless theme
// returns a bold style.
func (s Styles) Sandbox(name string) lipgloss.Style {
	if len(s.Sessions) == 0 {
		return lipgloss.NewStyle().Bold(true)
	}
	// FNV-1a over the name: stable across runs (unlike a map's seed).
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return s.Sessions[h%uint64(len(s.Sessions))]
}
