package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"sandtail/text/sanitize"
)

// An internal fault (a bug: a panic, or a fatal error of the Go runtime
// such as running out of memory) must never look like a mistake of the
// user's. Go exits with status 2 on both, which is sandtail's usage status,
// so main changes how they end:
//
//   - a panic on the main goroutine is recovered (guard): sandtail says it
//     is a bug and what to report, and exits with exitBug;
//   - anything that cannot be recovered (a panic on another goroutine, a
//     fatal runtime error) aborts the process with SIGABRT after Go's own
//     report (crashOnFatal), which a shell shows as status 134.

// exitBug is the status of a recovered internal fault: EX_SOFTWARE of
// sysexits.h, "an internal software error".
const exitBug = 70

// crashOnFatal makes every fault the runtime cannot recover from end the
// process with SIGABRT instead of exit status 2. It is the "crash" traceback
// level: the report lists every goroutine, which is what a bug report needs.
// Whether a core file is written is left to the user's limits (ulimit -c).
func crashOnFatal() { debug.SetTraceback("crash") }

// guard runs the program and turns a panic on this goroutine into a report
// on stderr and exitBug.
func guard(stderr io.Writer, program func() int) (code int) {
	defer func() {
		if r := recover(); r != nil {
			code = reportBug(stderr, r, debug.Stack())
		}
	}()
	return program()
}

// reportBug writes what a user needs to report an internal fault and
// returns exitBug. The panic's value may quote a log line, so the message
// goes through the sanitiser like every other.
func reportBug(stderr io.Writer, r any, stack []byte) int {
	var b strings.Builder
	fmt.Fprintf(&b, "sandtail: internal error (a bug in sandtail, not a problem with the command line or the logs): %v\n", r)
	b.WriteString("Please report it with the command line you ran, the output of sandtail --version, and everything below.\n")
	b.WriteString(versionString())
	b.WriteByte('\n')
	b.Write(stack)
	sanitize.WriteMessage(stderr, strings.TrimRight(b.String(), "\n"))
	return exitBug
}
