package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"sandtail/resumecmd"
)

// TestColdStartViewer measures the viewer as a user feels it, in fresh
// processes in a real terminal (tmux), on the full retention: how long
// after exec the newest screen is drawn and the whole history is indexed
// and searchable (the viewer notes both moments, SANDTAIL_TIMING), and
// its resident memory after going from the newest line to the oldest on
// disk and back; then the same on a history twice as long. Opt-in:
//
//	SANDTAIL_COLDSTART=1 go test -run TestColdStartViewer -v ./e2e/
func TestColdStartViewer(t *testing.T) {
	if os.Getenv("SANDTAIL_COLDSTART") != "1" {
		t.Skip("set SANDTAIL_COLDSTART=1 to run")
	}
	needTmux(t)
	type run struct{ frame, hist, rss, hwm float64 }
	measure := func(dir string) run {
		all, _ := filepath.Glob(filepath.Join(dir, "*.log*"))
		var fl []time.Duration
		for i := 0; i < 6; i++ {
			m := measureEnv(t, []string{floorEnv + "=1", peakNullEnv + "=1"}, mustSelf(t), all...)
			if i > 0 {
				fl = append(fl, m.wall)
			}
		}
		slices.Sort(fl)
		floorMs := ms(fl[len(fl)/2])
		var runs []run
		for i := 0; i < 6; i++ {
			p := newPane(t, 120, 30)
			tf := filepath.Join(t.TempDir(), "timing")
			p.run(fmt.Sprintf("echo $EPOCHREALTIME > %s.start; SANDTAIL_TIMING=%s %s --dir %s",
				tf, tf, resumecmd.Quote(binary), resumecmd.Quote(dir)))
			var frame, hist float64
			p.waitUntil(time.Minute, "the timing of the start", func(string) bool {
				frame, hist = startTimes(t, tf)
				return hist > 0 && frame > 0
			})
			p.waitText("NEWEST-LINE", "LIVE")
			p.text("g")
			p.waitSelected("OLDEST-LINE-OF-EXEC-LOG-4", "PAUSED")
			p.text("G")
			p.waitSelected("NEWEST-LINE", "LIVE")
			rss, hwm := memory(t, p.sandtailPID())
			p.text("q")
			if i > 0 { // the first run warms the page cache
				runs = append(runs, run{frame, hist, float64(rss) / 1024, float64(hwm) / 1024})
			}
		}
		med := func(get func(run) float64) float64 {
			v := make([]float64, len(runs))
			for i, r := range runs {
				v[i] = get(r)
			}
			slices.Sort(v)
			return v[len(v)/2]
		}
		r := run{med(func(r run) float64 { return r.frame }), med(func(r run) float64 { return r.hist }),
			med(func(r run) float64 { return r.rss }), med(func(r run) float64 { return r.hwm })}
		// The targets as ratios to the floor they were set against
		// (31 ms, the newline count of the exec.log files on a quiet
		// machine): what a busy machine does not move.
		met := func(ms, target float64) string {
			if ms/floorMs <= target/31 {
				return "met"
			}
			return "not met"
		}
		t.Logf("floor (every file read, newlines counted) %6.1f ms", floorMs)
		t.Logf("newest screen drawn                      %6.1f ms  %4.1f× floor  (target 50 ms, %.1f×: %s)", r.frame, r.frame/floorMs, 50.0/31, met(r.frame, 50))
		t.Logf("whole history indexed and searchable     %6.1f ms  %4.1f× floor  (target 250 ms, %.1f×: %s)", r.hist, r.hist/floorMs, 250.0/31, met(r.hist, 250))
		t.Logf("RSS after newest → oldest → newest       %6.1f MiB (peak %.1f MiB; target 80 MiB)", r.rss, r.hwm)
		return r
	}
	one := fullRetention(t, t.TempDir())
	markRetention(t, one)
	r1 := measure(one)
	two := fullRetentionSized(t, t.TempDir(), 20<<20)
	markRetention(t, two)
	t.Log("the same with every file twice as long:")
	r2 := measure(two)
	t.Logf("RSS grew by %.1f MiB when the history doubled", r2.rss-r1.rss)
	if r1.rss > 80 {
		t.Errorf("RSS %.1f MiB after scrolling the whole history, over 80 MiB", r1.rss)
	}
}

// startTimes reads the viewer's timing file: the milliseconds from the
// shell's start of it to its first screen and to its whole history.
func startTimes(t *testing.T, tf string) (frame, hist float64) {
	start, err := os.ReadFile(tf + ".start")
	if err != nil {
		return 0, 0
	}
	s, _ := strconv.ParseFloat(strings.TrimSpace(string(start)), 64)
	b, _ := os.ReadFile(tf)
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		ns, _ := strconv.ParseInt(f[1], 10, 64)
		d := (float64(ns)/1e9 - s) * 1000
		switch f[0] {
		case "frame":
			frame = d
		case "history":
			hist = d
		}
	}
	return frame, hist
}

func mustSelf(t *testing.T) string {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return self
}
