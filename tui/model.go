package tui

import (
	"context"

	"charm.land/bubbles/v2/help"

	"sandtail/engine"
	"sandtail/keymap"
	"sandtail/resumecmd"
	"sandtail/settings"
	"sandtail/text/lines"
	"sandtail/theme"
	"sandtail/tui/dialog"
	"sandtail/tui/picker"
	"sandtail/tui/viewport"
)

// streamState is what the header says about the stream.
type streamState uint8

const (
	stateLoading streamState = iota // the first snapshot is being read
	stateLive                       // following the live files
	stateEnded                      // a bounded read is done
	stateError                      // the stream stopped on an error
)

// Model is the viewer: display lines made from the engine's entries, the
// viewport that holds and scrolls them, and the chrome around it. It is used through a pointer; Update never blocks.
type Model struct {
	cfg     Config
	keys    keymap.KeyMap
	styles  theme.Styles
	help    help.Model
	backend backend
	ctx     context.Context // the program's; each generation derives from it

	// colorOK is false when NO_COLOR or --color never forbid colour: the
	// theme then stays NoColor whatever the user toggles.
	colorOK bool
	dark    bool // the terminal's background is dark

	width, height int

	// Lines. vp holds them and scrolls over them: which are shown
	// (sources, solo, filter) and match the search, the selection, the
	// top line, the horizontal offset and following. The model keeps what
	// it takes to make lines from entries.
	vp     *viewport.Viewport[line]
	joiner lines.Joiner
	open   map[lines.Key]uint64 // the open (unterminated) line of each source and session
	cut    viewport.SeqList     // lines cut at maxLineBytes: only their start is searched
	counts [4]int               // lines held per source
	held   int64                // memory the buffer's lines hold (held.go)
	// prevCursor is the cursor after the last entry ingested: the "from"
	// cursor of a line that the next entry starts.
	prevCursor engine.Cursor
	// win is where the lines held sit in the History of a local sandbox
	// (window.go); nil without one.
	win *window
	// winOrds are the ordinals of the first window's entries, until it
	// is ingested.
	winOrds []int
	// scans search the whole History in the background (histsearch.go):
	// for the search, and for what is shown when a filter, solo or level
	// hides lines; scanSeq numbers them, scanKey is what they were
	// started for.
	scans   [numScans]*histScan
	scanSeq int
	scanKey string
	// searchInfo is the header's match count (matchStatus), worked out
	// once per event.
	searchInfo string
	// timing notes the moments of the start for a measurement (nil
	// outside one).
	timing *timing
	// curOrd is the History ordinal of the entry being ingested, -1 when
	// there is none.
	curOrd int
	// multi is set when several sandboxes are read at once (nil for one).
	multi *multiView

	// What lines show.
	show engine.Sources
	// readSources is what the streams read: every source, so toggling is
	// instant, unless a cursor from the command line fixes the set.
	readSources engine.Sources
	timestamps  bool
	ids         bool
	wrap        bool
	color       bool // program colours and theme colours
	raw         bool
	solo        *soloSession

	// Search and filter.
	search       *matcher
	filter       *matcher
	filterInvert bool
	prompt       *prompt
	// history is each box's accepted queries, oldest first.
	history [2][]query
	// landing is where the accepted search looked from, while it still
	// decides the selection: until the user moves, the whole buffer
	// arriving lands the search again from there.
	landing *lineRef

	// Stream.
	gen         *generation
	state       streamState
	skippedBase int64 // skipped records counted by snapshots and ended streams
	skippedLive int64 // skipped records counted by the current stream
	boot        *engine.BootError
	snapStart   engine.Start   // where the generation's snapshots start
	fastShown   bool           // the fast snapshot's lines are in the viewport
	fastSources engine.Sources // what the fast snapshot read
	// pendingSel is the line the user had selected in the fast snapshot,
	// to find again in the full one.
	pendingSel *line
	streamErr  string // sanitised reason the stream stopped (stateError)
	// reconnecting is the reconnect attempt under way on a stream that
	// reconnects by itself (the cloud's); 0 while connected.
	reconnecting int
	// fatal is an error that makes showing anything pointless (no such
	// sandbox, a cursor that does not fit): Run returns it after quitting.
	fatal error
	// atCursor is set while the first snapshot of a cursor start is read:
	// it opens at the line the cursor names (selectCursorLine).
	atCursor bool
	// genSeq numbers the generations; it goes on across a return to the
	// picker, so no late message of a sandbox left behind passes for one
	// of the next.
	genSeq int

	// copyOffer is the cut line y just copied in part: y again copies
	// it whole from the log.
	copyOffer *lineRef

	status    string // message under the view until the next key (sanitised)
	statusErr bool
	// shownCommand is the command Y copied, shown under the status until
	// the next key.
	shownCommand *resumecmd.Command

	// titles is true when the terminal keeps a title stack, so the window
	// can be named and given back; title is the name last set.
	titles bool
	title  string

	// picker is the sandbox picker, shown instead of the log view until a
	// sandbox is chosen when neither a name nor a directory was given.
	picker *picker.Picker
	// pickerList is the picker's last list, kept to restyle the picker.
	pickerList *picker.LoadedMsg
	// fromPicker is true when sandtail started with the picker: esc (with
	// nothing to clear) goes back to it.
	fromPicker bool

	// tl is the timeline: restart dividers, the zone times are shown in,
	// the go-to-time box and marks (timeline.go).
	tl timeline

	// overlay holds the open dialogs (missed rotation, full help); it gets
	// keys first and is drawn last.
	// aidState is the reading aids: levels, context, JSON, strip, save.
	aidState

	overlay      dialog.Overlay
	dialogStyles theme.Dialog
	rotationKeys keymap.Rotation
	marksKeys    keymap.MarksList
	helpKeys     keymap.HelpOverlay
}

// soloSession is the session shown alone.
type soloSession struct {
	source  engine.Source
	session uint64
	has     bool
	origin  uint16 // the sandbox, when several are read
}

// options configure a model beyond Config; tests use them.
type options struct {
	backend backend
	styles  *theme.Styles
	colorOK bool
	titles  bool // the terminal keeps a title stack (titleStack)
}

// newModel builds the viewer for cfg. It does not touch the disk: Init
// returns the commands that do.
func newModel(ctx context.Context, cfg Config, o options) *Model {
	if cfg.Buffer <= 0 {
		cfg.Buffer = DefaultBuffer
	}
	m := &Model{
		cfg:          cfg,
		keys:         keymap.Default(),
		rotationKeys: keymap.DefaultRotation(),
		marksKeys:    keymap.DefaultMarksList(),
		helpKeys:     keymap.DefaultHelpOverlay(),
		help:         help.New(),
		backend:      o.backend,
		ctx:          ctx,
		colorOK:      o.colorOK,
		titles:       o.titles,
		dark:         true,
		open:         map[lines.Key]uint64{},
		show:         cfg.Sources,
		timestamps:   cfg.Timestamps,
		ids:          cfg.ShowID,
		wrap:         true,
		color:        o.colorOK,
		width:        80,
		height:       24,
	}
	m.vp = viewport.New[line](cfg.Buffer, bodyLayout{m})
	if m.multi = newMultiView(cfg); m.multi != nil {
		m.backend = multiBackend{set: cfg.Sandboxes, home: cfg.AllHome, one: o.backend}
	}
	if m.show == 0 {
		m.show = engine.DefaultSources
	}
	m.readSources = engine.AllSources
	if opensAtCursor(cfg.Start) {
		// A cursor has one position per file of the sources it was made
		// with; reading other sources would not fit it. Without --source
		// its length says which those were.
		m.readSources = cfg.Sources
		if m.readSources == 0 {
			m.readSources = resumecmd.CursorSources(cfg.Start.Cursor)
		}
	}
	if o.styles != nil {
		m.styles = *o.styles
	} else {
		m.styles = theme.Pick(m.color, m.dark)
	}
	m.help.Styles = m.styles.Help()
	m.dialogStyles = theme.NewDialog(m.styles.Palette)
	if cfg.Dir == "" && cfg.Sandboxes == nil {
		m.picker = picker.New(m.pickerWhere(), keymap.DefaultPicker(), theme.NewPicker(m.styles.Palette))
		m.fromPicker = true
	}
	return m
}

// DefaultBuffer is the buffer's size in lines when Config.Buffer is zero.
const DefaultBuffer = settings.DefaultBuffer

// applyTheme rebuilds the styles after a colour or background change.
func (m *Model) applyTheme() {
	m.styles = theme.Pick(m.color && m.colorOK, m.dark)
	m.help.Styles = m.styles.Help()
	m.dialogStyles = theme.NewDialog(m.styles.Palette)
}

// shutdown ends the running generation once the program has exited.
func (m *Model) shutdown() {
	if m.gen != nil {
		m.gen.stop()
	}
	m.closeWindow()
}
