// Package dialog holds sandtail's modal dialogs and the overlay stack that
// shows them above the log view. A dialog turns key presses into an Action
// value; it never runs commands or touches the model that owns it.
package dialog

import (
	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
)

// Dialog is a modal shown over the log view.
type Dialog interface {
	// ID names the dialog so the overlay can find, replace or close it.
	ID() string
	// HandleMsg updates the dialog for one message and says what the owner
	// should do; nil means nothing beyond redrawing.
	HandleMsg(msg tea.Msg) Action
	// Render draws the dialog's box to fit within width×height cells. The box
	// is not placed: the overlay centres it.
	Render(width, height int) string
}

// Action is what a dialog asks its owner to do. Every non-nil action also
// closes the dialog that returned it.
type Action interface{ isAction() }

// ActionClose closes the dialog and changes nothing else: after a missed
// rotation the frozen buffer stays on screen to be scrolled.
type ActionClose struct{}

// ActionQuit quits sandtail.
type ActionQuit struct{}

// Choice names one of the missed-rotation dialog's restart actions.
type Choice uint8

const (
	ChoiceResume Choice = iota // resume from the last good cursor, gap marked
	ChoiceReload               // read everything again from the beginning
	ChoiceNow                  // read only what is written from now on
)

// String returns the choice in words, for a status line.
func (c Choice) String() string {
	switch c {
	case ChoiceResume:
		return "resumed from the last good cursor"
	case ChoiceReload:
		return "reloaded from the beginning"
	case ChoiceNow:
		return "jumped to now"
	}
	return "restarted"
}

// ActionRestart restarts the stream at Start. The buffer keeps what was
// already shown; the owner opens a new stream generation.
type ActionRestart struct {
	Choice Choice
	Start  engine.Start
}

func (ActionClose) isAction()   {}
func (ActionQuit) isAction()    {}
func (ActionRestart) isAction() {}
