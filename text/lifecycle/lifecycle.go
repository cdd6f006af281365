// Package lifecycle recognises the records microsandbox writes to exec.log
// when a sandbox starts or stops ("--- sandbox started ---"). The viewer
// marks restarts with them: the activity strip draws them, and dividers
// between runs of a sandbox can use the same test, so both agree on what
// a restart is.
package lifecycle

import "strings"

// Event is what a lifecycle record says.
type Event uint8

const (
	None    Event = iota // not a lifecycle record
	Started              // the sandbox started (a restart, after the first)
	Stopped              // the sandbox stopped
)

// Detect reports whether text, the text of a system line (without its
// newline), is a sandbox start or stop record. Only the exact record is
// taken, surrounding spaces aside: a program printing something similar
// on stdout is never a system line, and a system line that merely
// mentions a start is not one.
func Detect(text string) Event {
	s := strings.TrimSpace(text)
	if len(s) > 64 || !strings.HasPrefix(s, "---") || !strings.HasSuffix(s, "---") {
		return None
	}
	switch strings.TrimSpace(strings.Trim(s, "-")) {
	case "sandbox started":
		return Started
	case "sandbox stopped":
		return Stopped
	}
	return None
}
