package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"sandtail/resumecmd"
)

// The viewer holds more than a print-mode follower: the History keeps
// the files the stream is done with, to read their lines again. Those
// are files still in retention, which cost no disk beyond the log's own;
// a file that leaves retention is let go of at the next batch. A viewer
// stopped (SIGSTOP) while the producer rotates every 1 MiB keeps alive,
// itself and its holder together, at most --hold-budget plus the files
// its History held when it stopped (one retention), each file open once;
// once it runs again it lets go of everything deleted beyond the budget
// and reports the loss exactly.
func TestHoldBudgetStoppedViewer(t *testing.T) {
	for _, holder := range []bool{true, false} {
		t.Run(fmt.Sprintf("holder=%v", holder), func(t *testing.T) { viewerBudgetRun(t, holder) })
	}
}

func viewerBudgetRun(t *testing.T, holder bool) {
	const budget = 8 << 20
	const retention = 5 << 20 // the producer's five files of about 1 MiB
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := &budgetProducer{t: t, dir: dir}
	p.fill()
	for range 4 {
		p.rotate()
	}
	pane := newPane(t, 220, 20)
	pane.run(fmt.Sprintf("%s --dir %s --hold-budget 8MiB --holder=%v", resumecmd.Quote(binary), resumecmd.Quote(dir), holder))
	pane.waitText(fmt.Sprintf("line %d ", p.line-1), "LIVE")
	pid := pane.sandtailPID()
	pids := []int{pid}
	if holder {
		waitChildHolds(t, pid, filepath.Join(dir, "exec.log"))
		h := holderOf(pid)
		if h == 0 {
			t.Fatal("no sandtail-holder process")
		}
		pids = append(pids, h)
	}
	signalAll(t, []int{pid}, syscall.SIGSTOP)
	waitFor(t, liveTimeout, "the viewer to stop", func() bool { return threadsStopped(pid) })

	seconds, _ := strconv.Atoi(os.Getenv("SANDTAIL_BUDGET_SECONDS"))
	deadline := time.Now().Add(time.Duration(seconds) * time.Second)
	var peak int64
	var peakFiles, rotations int
	for rotations < 3*budget>>20 || time.Now().Before(deadline) {
		p.rotate()
		rotations++
		if holder {
			waitChildHolds(t, pid, filepath.Join(dir, "exec.log"))
		}
		held, files, fds := heldDeleted(pids...)
		if held > budget+retention+retention/4 {
			t.Fatalf("after %d rotations: %d bytes held in %d deleted files, over the budget and one retention", rotations, held, files)
		}
		if fds > 1 {
			t.Fatalf("after %d rotations: a deleted file is open %d times", rotations, fds)
		}
		if held > peak {
			peak, peakFiles = held, files
		}
	}
	t.Logf("holder %v: %d rotations of 1 MiB while stopped; peak held in deleted files %.1f MiB in %d files (budget %d MiB, retention %d MiB)",
		holder, rotations, float64(peak)/(1<<20), peakFiles, budget>>20, retention>>20)

	signalAll(t, []int{pid}, syscall.SIGCONT)
	// Running again, it lets go of what left retention: no more than
	// the budget stays held.
	waitFor(t, liveTimeout, "the viewer to let go of the deleted files", func() bool {
		held, _, _ := heldDeleted(pids...)
		return held <= budget
	})
	pane.waitText("Fell behind log rotation")
	if !holder {
		// Stopped without a holder it opened nothing: what rotated
		// away it can only count.
		return
	}
	// The holder let go of the oldest files beyond the budget: after
	// Resume a gap line says so, with their exact size, and the follow
	// goes on to the newest line.
	pane.keys("Enter")
	pane.waitText(fmt.Sprintf("line %d ", p.line-1))
	pane.text("/disk budget")
	pane.keys("Enter")
	sc := pane.waitSelected("let go of unread to stay within the 8 MiB disk budget", "1/1")
	// Exactly the files between the last line read and the first line
	// after the gap.
	m := regexp.MustCompile(`\((\d+) bytes\): (\d+) files? let go of unread(?s:.*?)out line (\d+) `).FindStringSubmatch(sc)
	if m == nil {
		t.Fatalf("no gap line followed by a line on screen:\n%s", sc)
	}
	gotBytes, _ := strconv.ParseInt(m[1], 10, 64)
	gotFiles, _ := strconv.Atoi(m[2])
	next, _ := strconv.Atoi(m[3])
	f := p.fileOf(next)
	if p.first[f] != next || f < gotFiles {
		t.Fatalf("the line after the gap, %d, is not the first of its file", next)
	}
	var want int64
	for i := f - gotFiles; i < f; i++ {
		want += p.size[i]
	}
	if gotBytes != want {
		t.Fatalf("reported %d bytes in %d files before line %d; those files held %d bytes", gotBytes, gotFiles, next, want)
	}
	t.Logf("reported %d bytes in %d files let go of before line %d: exactly what they held", gotBytes, gotFiles, next)
}
