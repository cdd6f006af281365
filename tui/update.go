package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/keymap"
	"sandtail/text/sanitize"
	"sandtail/theme"
	"sandtail/tui/dialog"
	"sandtail/tui/picker"
)

// mouseWheelLines is how far one wheel notch scrolls.
const mouseWheelLines = 3

// Init reads boot-error.json, asks the terminal for its background colour
// and starts the first stream generation.
func (m *Model) Init() tea.Cmd {
	if m.picker != nil {
		return tea.Batch(tea.RequestBackgroundColor, m.loadPicker(), m.titleCmd())
	}
	return tea.Batch(
		tea.RequestBackgroundColor,
		bootErrorCmd(m.backend, m.cfg.Dir),
		m.startGeneration(m.cfg.Start, startInitial),
		m.titleCmd(),
	)
}

// Update handles one message. It never blocks: reading happens in
// commands, and every O(buffer) recomputation happens here once per event,
// never in View.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	if key := m.scanSettings(); key != m.scanKey {
		// The search or what is shown changed (or the History came):
		// the background scans start again.
		m.scanKey = key
		cmd = tea.Batch(cmd, m.restartScans())
	}
	if c := m.countStarts(); c != nil {
		cmd = tea.Batch(cmd, c)
	}
	m.tl.info = m.positionInfo()
	if m.search != nil {
		// Counting the matches of lines that arrived after the search of
		// the log walks them: once per event, not per frame.
		m.searchInfo = m.matchStatus()
	}
	m.sharpenStrip()
	if m.prompt != nil {
		// The open box notes cut lines: counting them walks every cut
		// line, so it is done once per event here, never per frame.
		m.prompt.cutNote = m.cutNote()
	}
	return m, cmd
}

// update handles one message; Update adds what every event refreshes.
func (m *Model) update(msg tea.Msg) tea.Cmd {
	if _, ok := msg.(tea.ResumeMsg); ok {
		return m.onResume()
	}
	if m.picker != nil {
		return m.updatePicker(msg)
	}
	switch msg := msg.(type) {
	case scanMsg:
		return m.onScan(msg)
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 1), max(msg.Height, 1)
		m.vp.Resized()
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.applyTheme()
	case snapshotMsg:
		return m.onSnapshot(msg)
	case openedMsg:
		return m.onOpened(msg)
	case batchMsg:
		return m.onBatch(msg)
	case bootErrorMsg:
		m.onBootError(msg)
	case wholeLineMsg:
		return m.onWholeLine(msg)
	case savedMsg:
		m.onSaved(msg)
	case sparkTickMsg:
		return m.onSparkTick()
	case tea.MouseClickMsg:
		if !m.overlay.Active() && m.prompt == nil && m.save == nil {
			m.onStripClick(msg)
		}
	case tea.PasteMsg:
		if m.save != nil && !m.overlay.Active() {
			m.typeIntoSave(msg.Content)
		} else if m.prompt != nil && !m.overlay.Active() {
			m.prompt.note = ""
			m.typeIntoPrompt(msg.Content, true)
			m.applyPrompt()
		} else if m.tl.gotoBox != nil && !m.overlay.Active() {
			m.pasteIntoGoto(msg.Content)
		}
	case tea.MouseWheelMsg:
		if !m.overlay.Active() {
			sel, follow := m.vp.Selected(), m.vp.Following()
			m.onWheel(msg)
			m.keepLanding(sel, follow)
		}
	case tea.KeyPressMsg:
		sel, follow := m.vp.Selected(), m.vp.Following()
		cmd := m.onKey(msg)
		m.keepLanding(sel, follow)
		return cmd
	}
	return nil
}

// keepLanding forgets where the last search looked from once the user
// moved the selection: from then on it is theirs.
func (m *Model) keepLanding(sel uint64, follow bool) {
	if m.prompt == nil && (m.vp.Selected() != sel || m.vp.Following() != follow) {
		m.landing = nil
	}
}

// onBootError shows boot-error.json and switches system lines on (unless
// the command line chose the sources), since they explain the failure.
func (m *Model) onBootError(msg bootErrorMsg) {
	if msg.err != nil {
		m.setStatus(sanitize.Plain("boot-error.json: "+msg.err.Error()), true)
		return
	}
	if msg.boot == nil {
		return
	}
	m.boot = msg.boot
	if m.cfg.Sources == 0 && !m.show.Has(engine.System) {
		m.show = m.show.With(engine.System)
		m.refilter()
	}
	m.vp.ClampTopRow()
}

// onWheel scrolls with the mouse wheel (only when --mouse turned it on).
func (m *Model) onWheel(msg tea.MouseWheelMsg) {
	switch msg.Button {
	case tea.MouseWheelUp:
		m.moveBy(-mouseWheelLines, func() { m.vp.Move(-mouseWheelLines) })
	case tea.MouseWheelDown:
		m.moveBy(mouseWheelLines, func() { m.vp.Move(mouseWheelLines) })
	}
}

// onKey routes a key press: the open dialog first, then the open search
// or filter box, then the viewer's own keys.
func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m.quit()
	}
	if key.Matches(msg, m.keys.Suspend) {
		return m.suspend()
	}
	if m.overlay.Active() {
		cmd := m.onDialogAction(m.overlay.HandleMsg(msg))
		m.applyShown()
		return cmd
	}
	if m.save != nil {
		return m.updateSave(msg)
	}
	if m.prompt != nil {
		m.updatePrompt(msg)
		return nil
	}
	if m.tl.gotoBox != nil {
		m.updateGoto(msg)
		return nil
	}
	hadStatus := m.status != "" || m.shownCommand != nil
	m.setStatus("", false)
	k := m.keys
	if !key.Matches(msg, k.CopyLine) {
		m.copyOffer = nil
	}
	if cmd, ok := m.onStripKey(msg); ok {
		return cmd
	}
	switch {
	case key.Matches(msg, k.Quit):
		return m.quit()
	case key.Matches(msg, k.Help):
		m.overlay.Open(dialog.NewHelp(m.keys, m.helpKeys, m.dialogStyles))
	case key.Matches(msg, k.Up):
		m.moveBy(-1, func() { m.vp.Move(-1) })
	case key.Matches(msg, k.Down):
		m.moveBy(1, func() { m.vp.Move(1) })
	case key.Matches(msg, k.PageUp):
		m.moveBy(-m.bodyHeight(), func() { m.vp.Page(-m.bodyHeight()) })
	case key.Matches(msg, k.PageDown):
		m.moveBy(m.bodyHeight(), func() { m.vp.Page(m.bodyHeight()) })
	case key.Matches(msg, k.HalfUp):
		m.moveBy(-max(m.bodyHeight()/2, 1), func() { m.vp.Page(-max(m.bodyHeight()/2, 1)) })
	case key.Matches(msg, k.HalfDown):
		m.moveBy(max(m.bodyHeight()/2, 1), func() { m.vp.Page(max(m.bodyHeight()/2, 1)) })
	case key.Matches(msg, k.Top):
		m.windowTop()
	case key.Matches(msg, k.Bottom):
		m.windowBottom()
	case key.Matches(msg, k.Left), key.Matches(msg, k.Right):
		m.scrollSideways(key.Matches(msg, k.Right))
	case key.Matches(msg, k.Follow):
		m.vp.ToggleFollow()
	case key.Matches(msg, k.Stdout):
		m.toggleSource(engine.Stdout)
	case key.Matches(msg, k.Stderr):
		m.toggleSource(engine.Stderr)
	case key.Matches(msg, k.Output):
		m.toggleSource(engine.Output)
	case key.Matches(msg, k.System):
		m.toggleSource(engine.System)
	case key.Matches(msg, k.Search):
		m.openPrompt(promptSearch)
	case key.Matches(msg, k.Filter):
		m.openPrompt(promptFilter)
	case key.Matches(msg, k.Next):
		m.jumpMatch(-1)
	case key.Matches(msg, k.Prev):
		m.jumpMatch(1)
	case key.Matches(msg, k.Clear) && m.canGoBack(hadStatus):
		return m.backToPicker()
	case key.Matches(msg, k.Clear):
		m.clearAll()
	case key.Matches(msg, k.Timestamps):
		m.timestamps = !m.timestamps
		m.vp.Relayout()
	case key.Matches(msg, k.Sessions):
		m.ids = !m.ids
		m.vp.Relayout()
	case key.Matches(msg, k.Wrap):
		m.wrap = !m.wrap
		m.vp.ResetX()
		m.vp.Relayout()
	case key.Matches(msg, k.Color):
		m.toggleColor()
	case key.Matches(msg, k.Raw):
		m.raw = !m.raw
		m.vp.Relayout()
	case key.Matches(msg, k.Solo):
		m.toggleSolo()
	case key.Matches(msg, k.MoreContext):
		m.changeContext(1)
	case key.Matches(msg, k.LessContext):
		m.changeContext(-1)
	case key.Matches(msg, k.Level):
		m.cycleLevel()
	case key.Matches(msg, k.Expand):
		m.toggleExpand()
	case key.Matches(msg, k.Save):
		m.openSave()
	case key.Matches(msg, k.Strip):
		return m.toggleStrip()
	case key.Matches(msg, k.Sandboxes):
		return m.openSandboxes()
	case key.Matches(msg, k.CopyLine):
		return m.copyLine()
	case key.Matches(msg, k.CopyCommand):
		return m.copyCommand()
	default:
		m.onTimelineKey(msg)
	}
	return nil
}

// onDialogAction carries out what a dialog asked for.
func (m *Model) onDialogAction(a dialog.Action) tea.Cmd {
	switch a := a.(type) {
	case dialog.ActionQuit:
		return m.quit()
	case dialog.ActionRestart:
		return m.onRestart(a)
	case dialog.ActionGoToMark:
		return m.onMarkChosen(a)
	case dialog.ActionDeleteMark:
		m.onMarkDeleted(a)
	case dialog.ActionClose:
		// After a missed rotation the frozen buffer stays, to be
		// scrolled, and the stream that stopped lets go of its files.
		// (The help closes this way too, over a live stream.)
		if g := m.gen; g != nil && g.stopped {
			g.stopped = false
			return closeCmd(g.stream)
		}
	}
	return nil
}

// quit ends the running generation and the program.
func (m *Model) quit() tea.Cmd {
	if m.gen != nil {
		m.gen.cancel()
	}
	return tea.Quit
}

// scrollSideways scrolls long lines when wrap is off; with wrap on there is
// nothing to the side, and the status line says how to get there.
func (m *Model) scrollSideways(right bool) {
	if m.wrap {
		m.setStatus("lines are wrapped: w turns wrapping off to scroll sideways", false)
		return
	}
	m.vp.ScrollSideways(right, m.hStep())
}

// hStep is how far left/right scrolls: a quarter of the pane.
func (m *Model) hStep() int { return max(m.width/4, 1) }

// toggleSource shows or hides a source. Only what is shown changes: every
// source is always read, so this is instant and needs no re-read.
func (m *Model) toggleSource(src engine.Source) {
	if !m.readSources.Has(src) {
		m.setStatus(src.String()+" is not read when resuming from a cursor made without it; add --source "+src.String(), true)
		return
	}
	if m.show.Has(src) {
		m.show = m.show.Without(src)
	} else {
		m.show = m.show.With(src)
	}
	if m.win != nil {
		// A window holds the sources shown only: read it again.
		m.rereadWindow()
		return
	}
	m.refilter()
}

// toggleSolo shows only the selected line's session, or everything again.
func (m *Model) toggleSolo() {
	if m.solo != nil {
		m.solo = nil
		m.refilter()
		return
	}
	l := m.vp.Line(m.vp.Selected())
	if l == nil || l.mark != engine.MarkNone || l.source == engine.System {
		m.setStatus("select a line of a session to show it alone", true)
		return
	}
	m.solo = &soloSession{source: l.source, session: l.session, has: l.hasSession, origin: l.origin}
	m.refilter()
}

// toggleColor turns colour off or on everywhere: program colours and the
// theme. NO_COLOR and --color never keep it off.
func (m *Model) toggleColor() {
	if !m.colorOK {
		m.setStatus("colour is off (NO_COLOR or --color never)", true)
		return
	}
	m.color = !m.color
	m.applyTheme()
}

// clearAll removes the search, the filter and the solo.
func (m *Model) clearAll() {
	changed := m.filter != nil || m.solo != nil
	m.search, m.filter, m.filterInvert, m.solo = nil, nil, false, nil
	m.landing = nil
	m.vp.ClearMatches()
	if changed {
		m.refilter()
	}
}

// setStatus shows a one-line message under the view until the next key.
func (m *Model) setStatus(s string, isErr bool) {
	m.status, m.statusErr = sanitize.Plain(s), isErr
	m.shownCommand = nil
}

// updatePicker hands msg to the sandbox picker and opens the sandbox it
// picks (directly when there is exactly one).
func (m *Model) updatePicker(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	// Late results of the sandbox the user came back from: with no
	// current generation, their streams are closed.
	case snapshotMsg:
		return m.onSnapshot(msg)
	case openedMsg:
		return m.onOpened(msg)
	case batchMsg:
		return m.onBatch(msg)
	case tea.WindowSizeMsg:
		m.width, m.height = max(msg.Width, 1), max(msg.Height, 1)
	case picker.LoadedMsg:
		m.pickerList = &msg
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.applyTheme()
		m.restylePicker()
		return nil
	case tea.KeyPressMsg:
		if key.Matches(msg, m.keys.Suspend) {
			return m.suspend()
		}
	}
	switch a := m.picker.HandleMsg(msg).(type) {
	case picker.ActionQuit:
		return tea.Quit
	case picker.ActionOpen:
		m.picker = nil
		m.cfg.Name, m.cfg.Dir = a.Sandbox.Name, a.Sandbox.LogDir
		return tea.Batch(bootErrorCmd(m.backend, m.cfg.Dir), m.startGeneration(m.cfg.Start, startInitial), m.titleCmd())
	case picker.ActionOpenMany:
		return m.openMany(a.Sandboxes)
	}
	return nil
}

// restylePicker rebuilds the picker with the theme of the terminal's
// background, which is known only after start. The answer comes before
// anyone types, so nothing but the list (kept) is lost.
func (m *Model) restylePicker() {
	if m.picker.Filter() != "" {
		return
	}
	m.picker = picker.New(m.pickerWhere(), keymap.DefaultPicker(), theme.NewPicker(m.styles.Palette))
	m.picker.HandleMsg(tea.WindowSizeMsg{Width: m.width, Height: m.height})
	if l := m.pickerList; l != nil {
		m.picker.SetLoaded(*l)
	}
}
