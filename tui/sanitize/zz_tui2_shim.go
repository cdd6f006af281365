// Package sanitize is a temporary stand-in for the text helper's sanitiser so
// the tui2 branch builds before that branch lands; it is deleted on merge.
package sanitize

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Plain strips escapes and control characters from s.
func Plain(s string) string {
	s = ansi.Strip(s)
	return strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}
