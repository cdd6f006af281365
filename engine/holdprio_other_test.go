//go:build !linux

package engine

import "testing"

// setPriority is Linux only (see holdprio_linux_test.go).
func setPriority(t *testing.T, prio string) {
	if prio == "slice" || prio == "fifo" {
		t.Skipf("%s priority is for Linux only", prio)
	}
}
