package e2e

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"sandtail/engine/sim"
	"sandtail/resumecmd"
)

// boxText is the text inside the dialog's frame, its rows joined by
// spaces, so that a wrapped sentence reads whole.
func boxText(screen string) string {
	var parts []string
	for _, row := range strings.Split(screen, "\n") {
		i, j := strings.Index(row, "│"), strings.LastIndex(row, "│")
		if i >= 0 && j > i {
			parts = append(parts, strings.TrimSpace(row[i+len("│"):j]))
		}
	}
	return strings.Join(parts, " ")
}

// TestFellBehindSaysWhatWasLost suspends the viewer and its holder (as
// Ctrl-Z does) while 13 files of a log rotating at 64 KiB go by, 8 of them
// out of retention unseen. The dialog counts the 8 files and gives a
// figure that is at most what they held and not far below it; after
// Resume the gap line says the same.
func TestFellBehindSaysWhatWasLost(t *testing.T) {
	t.Parallel()
	const limit = 64 << 10
	p := newPane(t, 160, 40)
	sb := newSandbox(t, p.home, "lossy")
	for i := range 3 {
		fillRotating(t, sb, fmt.Sprintf("before-%d", i), limit)
		if i < 2 {
			if err := sb.Rotate(sim.ExecLog); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(t, sb, "stdout", 1, "seen-last\n")
	p.run(fmt.Sprintf("%s --home %s lossy", resumecmd.Quote(binary), resumecmd.Quote(p.home)))
	p.waitText("seen-last")
	pid := p.sandtailPID()
	waitHolderLooked(t, pid, sb.Dir(), sim.RuntimeLog, func() { mustRotate(t, sb, sim.RuntimeLog) })

	procs := p.stop(pid)
	if len(procs) < 2 {
		t.Fatal("sandtail started no holder process")
	}
	lost := rotateThirteen(t, sb, limit)
	p.cont(procs)
	s := p.waitText("Fell behind log rotation", "Resume")

	said := checkLossSaid(t, "the dialog", boxText(s), lost)

	// Resume goes on past the gap, up to the newest line; the gap line,
	// found by a search, says what the dialog said.
	p.keys("Enter")
	p.waitFor("the follow to reach the newest line", func(s string) bool {
		return !strings.Contains(s, "Fell behind") && strings.Contains(s, "file-12-")
	})
	p.text("/rotated away unread")
	p.keys("Enter")
	s = p.waitMatch(`gap lost .*rotated away unread`)
	rows := strings.Split(s, "\n")
	gap := rowWith(rows, regexp.MustCompile(`gap lost `+regexp.QuoteMeta(said)+` of exec\.log`))
	// The gap stands between the last lines read and the first line of
	// the oldest file kept: file-0 … file-7 were lost. The lines read
	// before (seen-last) were in files that have left retention since:
	// a notice stands in their place.
	if gap < 1 || !strings.Contains(rows[gap-1], "left retention") || gap+1 >= len(rows) || !strings.Contains(rows[gap+1], "file-8-0") {
		t.Fatalf("want the notice of the lines that left retention, a gap line saying %q, file-8-0 in that order:\n%s", said, s)
	}
	if strings.Contains(s, "seen-last") {
		t.Fatalf("a line of a file no longer on disk is on screen:\n%s", s)
	}
}
