package sanitize

import (
	"io"
	"strings"
)

// WriteMessage writes a message (to stderr, usually) line by line, with every
// line passed through Plain: names, paths and engine errors can carry bytes
// from a sandbox, and none of them may reach the terminal as escapes. Each
// line ends with a newline.
func WriteMessage(w io.Writer, msg string) {
	var b strings.Builder
	for _, line := range strings.Split(msg, "\n") {
		b.WriteString(Plain(line))
		b.WriteByte('\n')
	}
	io.WriteString(w, b.String())
}
