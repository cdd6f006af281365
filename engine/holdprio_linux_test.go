package engine

import (
	"os"
	"strconv"
	"testing"

	"golang.org/x/sys/unix"
)

// setPriority puts every thread of the process at prio: "slice" asks for
// a 100 µs slice (earlier wake-ups under EEVDF, unprivileged), "fifo" for
// real-time SCHED_FIFO (privileged).
func setPriority(t *testing.T, prio string) {
	var attr unix.SchedAttr
	switch prio {
	case "slice":
		attr = unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_NORMAL, Runtime: 100_000}
	case "fifo":
		attr = unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_FIFO, Priority: 1}
	default:
		return
	}
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		tid, _ := strconv.Atoi(task.Name())
		if err := unix.SchedSetAttr(tid, &attr, 0); err != nil {
			t.Fatalf("%s priority: %v", prio, err)
		}
	}
}
