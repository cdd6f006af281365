package printmode

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"sandtail/engine"
	"sandtail/text/human"
	"sandtail/text/sanitize"
)

// notifier writes notices about the log (gaps, restarts, cut records,
// skipped lines, a failed boot) on stderr, so they are visible without
// mixing into the program's output on stdout.
type notifier struct {
	w io.Writer
	// flushFirst is stdout's buffer: flushed before each notice so that on a
	// terminal the notice appears where it happened in the output.
	flushFirst *bufio.Writer
	// lastSkipped is the skipped count already reported.
	lastSkipped int64
	// names, when several sandboxes are read, names the sandbox a notice
	// of the log is about.
	names func(uint16) string
}

func (n *notifier) say(format string, args ...any) {
	if n.flushFirst != nil {
		n.flushFirst.Flush()
	}
	sanitize.WriteMessage(n.w, "sandtail: "+fmt.Sprintf(format, args...))
}

// mark reports an engine notice (gap or restart) with its description;
// with several sandboxes read, it names origin's.
func (n *notifier) mark(origin uint16, m engine.Mark, file string, t time.Time, desc []byte) {
	kind, ok := markNames[m]
	if !ok {
		kind = "notice"
	}
	who := ""
	if n.names != nil {
		who = "sandbox " + n.names(origin) + ": "
	}
	where := ""
	if file != "" {
		where = " in " + file
	}
	n.say("%s%s%s at %s: %s", who, kind, where, t.UTC().Format(timeLayout), strings.TrimSpace(string(desc)))
}

// truncated reports a record the engine cut because it was too large.
func (n *notifier) truncated(e *engine.Entry) {
	n.say("a %s record in %s at %s was too large: %d bytes of it were dropped", e.Source, e.File, e.Time.UTC().Format(timeLayout), e.Truncated)
}

// lineCut reports a line printed in parts: it was longer than the print
// mode's cap, or too many lines were open at once to hold them all.
func (n *notifier) lineCut(src engine.Source, limit int) {
	n.say("a %s line was printed in parts (longer than %s, or too many unfinished lines at once)", src, human.Bytes(int64(limit)))
}

// skipped reports malformed records passed over, once per new total.
func (n *notifier) skipped(total int64) {
	if total <= n.lastSkipped {
		return
	}
	n.say("skipped %d malformed log line(s) so far (bad JSON, unknown source or time)", total)
	n.lastSkipped = total
}

// bootError shows that the sandbox failed to start.
func (n *notifier) bootError(name string, b *engine.BootError) {
	who := "this sandbox"
	if name != "" {
		who = "sandbox " + name
	}
	errno := ""
	if b.Errno != nil {
		errno = fmt.Sprintf(", errno %d", *b.Errno)
	}
	n.say("%s failed to start at %s (stage %s%s): %s; add --source all to see runtime and kernel messages",
		who, b.Time.UTC().Format(timeLayout), b.Stage, errno, strings.TrimSpace(b.Message))
}
