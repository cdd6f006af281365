package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"sandtail/resumecmd"
)

// TestDemoFlatOutMemoryStaysFlat runs the viewer on the demo writing flat
// out (rotation every 256 KiB, producer in the same process) with a 200k
// line buffer and samples its resident memory every second. Once the ring
// is full, memory must stay flat: the buffer is bounded and nothing else
// may grow with time. It takes SANDTAIL_RSS_SECONDS seconds, so it only
// runs when that is set:
//
//	SANDTAIL_RSS_SECONDS=60 go test -run TestDemoFlatOutMemoryStaysFlat -v ./e2e/
func TestDemoFlatOutMemoryStaysFlat(t *testing.T) {
	secs, _ := strconv.Atoi(os.Getenv("SANDTAIL_RSS_SECONDS"))
	if secs < 20 {
		t.Skip("set SANDTAIL_RSS_SECONDS (at least 20) to run")
	}
	p := newPane(t, 200, 60)
	p.run(fmt.Sprintf("TMPDIR=%s %s --demo --demo-rate 0 --buffer 200000", resumecmd.Quote(t.TempDir()), resumecmd.Quote(binary)))
	p.waitMatch(`demo .*LIVE`)
	pid := viewerPID(t, p)

	// The ring fills in a few seconds; the first third is the warm-up.
	warm := secs / 3
	var warmMax, lateMax, hwm int64
	resumes := 0
	for i := 1; i <= secs; i++ {
		time.Sleep(time.Second)
		rss, peak := memory(t, pid)
		hwm = peak
		if i <= warm {
			warmMax = max(warmMax, rss)
		} else {
			lateMax = max(lateMax, rss)
		}
		if strings.Contains(strings.Join(p.screen(), "\n"), "Fell behind") {
			p.text("r") // resume, so ingestion goes on
			resumes++
		}
		if i%10 == 0 {
			t.Logf("%3d s: RSS %d MiB (peak %d MiB)", i, rss>>10, peak>>10)
		}
	}
	header := p.screen()[0]
	t.Logf("after %d s: RSS at most %d MiB in the first %d s, %d MiB after; peak %d MiB; %d resumes after a missed rotation; %s",
		secs, warmMax>>10, warm, lateMax>>10, hwm>>10, resumes, strings.TrimSpace(header))
	if lateMax > warmMax*5/4 {
		t.Errorf("memory grew after the buffer filled: %d MiB, then %d MiB", warmMax>>10, lateMax>>10)
	}
	p.text("q")
	p.waitFor("the shell after quitting", func(s string) bool { return !strings.Contains(s, "LIVE") })
	// Wait for the demo to remove its directory before the test's own
	// clean-up removes the parent.
	p.run("echo exit=$?")
	p.waitText("exit=0")
}

// viewerPID finds sandtail among the pane shell's children.
func viewerPID(t *testing.T, p *pane) int {
	t.Helper()
	shell := strings.TrimSpace(p.format("pane_pid"))
	out, err := exec.Command("pgrep", "-P", shell).Output()
	if err != nil {
		t.Fatalf("no child of the pane's shell %s: %v", shell, err)
	}
	pid, err := strconv.Atoi(strings.Fields(string(out))[0])
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// memory reads VmRSS and VmHWM (KiB) of a process.
func memory(t *testing.T, pid int) (rss, hwm int64) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("read the viewer's status: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v
		case "VmHWM:":
			hwm = v
		}
	}
	return rss, hwm
}
