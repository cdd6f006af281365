package engine

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestHoldOnlyProcess is an experiment that TestFollowThroughput runs next
// to its producer and reader when SANDTAIL_HOLD_PRIORITY is set (normal,
// slice or fifo): a second process that follows the same directory but
// only holds files, never reads them, with its threads at that scheduling
// priority. It reports the slot each exec.log file was first opened in and
// how many it missed. It tells whether a quiet process (no parsing, no
// garbage) can keep up with the rotations where the reader cannot: the
// measurements are in the README.
func TestHoldOnlyProcess(t *testing.T) {
	dir := os.Getenv("SANDTAIL_HOLD_DIR")
	if dir == "" {
		t.Skip("child process of TestFollowThroughput (SANDTAIL_HOLD_PRIORITY)")
	}
	d, err := time.ParseDuration(os.Getenv("SANDTAIL_HOLD_FOR"))
	if err != nil {
		t.Fatal(err)
	}
	prio := os.Getenv("SANDTAIL_HOLD_PRIORITY")
	setPriority(t, prio)
	s := mustOpen(t, dir, Options{Sources: DefaultSources, Follow: true})
	setPriority(t, prio) // the threads started since
	c := s.chains[0]
	missed := 0
	for end := time.Now().Add(d); time.Now().Before(end); {
		time.Sleep(20 * time.Millisecond)
		// Let go of all but the newest files, counting the gaps.
		for {
			c.mu.Lock()
			n, gap := len(c.files), len(c.files) > 1 && c.files[1].gapBefore
			c.mu.Unlock()
			if n <= 2*maxSlots {
				break
			}
			if gap {
				missed++
			}
			c.pop()
		}
	}
	var opened [maxSlots]int64
	for k := range opened {
		opened[k] = c.openedAt[k].Load()
	}
	t.Logf("holder at %s priority: exec.log files first opened in slot 0…%d: %v; missed %d", prio, maxRotations, opened, missed)
}

// startHoldOnly runs TestHoldOnlyProcess on dir for d when
// SANDTAIL_HOLD_PRIORITY asks for it; the caller waits for it.
func startHoldOnly(t *testing.T, exe, dir string, d time.Duration) *exec.Cmd {
	prio := os.Getenv("SANDTAIL_HOLD_PRIORITY")
	if prio == "" {
		return nil
	}
	cmd := exec.Command(exe, "-test.run=^TestHoldOnlyProcess$", "-test.v")
	cmd.Env = append(os.Environ(), "SANDTAIL_HOLD_DIR="+dir, "SANDTAIL_HOLD_FOR="+d.String())
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}
