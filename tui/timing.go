package tui

import (
	"fmt"
	"os"
	"time"
)

// timingEnv names a file the viewer appends the moments of its start to,
// for the opt-in cold-start measurement (e2e TestColdStart): when the
// first screen of lines was drawn ("frame") and when the whole History was
// indexed and searchable ("history"), in nanoseconds since the epoch. A
// measurement from outside the process cannot see either moment.
const timingEnv = "SANDTAIL_TIMING"

// timing notes each moment once.
type timing struct {
	path  string
	noted map[string]bool
}

func (t *timing) note(what string) {
	if t == nil || t.path == "" || t.noted[what] {
		return
	}
	if t.noted == nil {
		t.noted = map[string]bool{}
	}
	t.noted[what] = true
	f, err := os.OpenFile(t.path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return
	}
	fmt.Fprintf(f, "%s %d\n", what, time.Now().UnixNano())
	f.Close()
}
