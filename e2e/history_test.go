package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"sandtail/resumecmd"
)

// markRetention puts, into a full retention at dir, a first line of
// exec.log.4 (the oldest on disk), a line in its middle that nothing
// else holds, and a newest line in exec.log, each at the time of its
// neighbours so the order on disk is the order in time.
func markRetention(t *testing.T, dir string) {
	t.Helper()
	oldest := filepath.Join(dir, "exec.log.4")
	b, err := os.ReadFile(oldest)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.SplitAfter(b, []byte("\n"))
	stamp := regexp.MustCompile(`"t":"([^"]+)"`)
	at := func(i int) string { return string(stamp.FindSubmatch(lines[i])[1]) }
	rec := func(ts, d string) []byte {
		return []byte(fmt.Sprintf(`{"t":"%s","s":"stdout","d":"%s\n","id":1}`+"\n", ts, d))
	}
	mid := len(lines) / 2
	var out []byte
	out = append(out, rec(at(0), "OLDEST-LINE-OF-EXEC-LOG-4")...)
	for i, l := range lines {
		out = append(out, l...)
		if i == mid {
			out = append(out, rec(at(i), "NEEDLE-ONLY-IN-EXEC-LOG-4")...)
		}
	}
	if err := os.WriteFile(oldest, out, 0o644); err != nil {
		t.Fatal(err)
	}
	// runtime.log.4's first line, a second older than anything else.
	first, err := time.Parse("2006-01-02T15:04:05.000Z", at(0))
	if err != nil {
		t.Fatal(err)
	}
	rt := filepath.Join(dir, "runtime.log.4")
	rb, err := os.ReadFile(rt)
	if err != nil {
		t.Fatal(err)
	}
	head := first.Add(-time.Second).Format("2006-01-02T15:04:05.000Z") + " INFO msb::runtime OLDEST-LINE-OF-RUNTIME-LOG-4\n"
	if err := os.WriteFile(rt, append([]byte(head), rb...), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "exec.log"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(rec("2026-12-31T00:00:00.000Z", "NEWEST-LINE")); err != nil {
		t.Fatal(err)
	}
}

// TestWholeRetentionIsReachable opens the viewer with its default
// settings on a full retention (five exec.log files of 10 MiB, a rotated
// runtime.log, a kernel.log: far more lines than it holds in memory): g
// shows the first line of exec.log.4, G goes back to the newest line and
// follows, a search finds the line only exec.log.4 holds, and with system
// lines shown g shows the first line of runtime.log.4.
func TestWholeRetentionIsReachable(t *testing.T) {
	t.Parallel()
	p := newPane(t, 120, 30)
	dir := fullRetention(t, filepath.Join(p.home, "sandboxes", "big"))
	markRetention(t, dir)
	p.run(fmt.Sprintf("%s --home %s big", resumecmd.Quote(binary), resumecmd.Quote(p.home)))
	p.waitText("NEWEST-LINE", "LIVE")
	p.waitText("entry ")
	p.text("g")
	p.waitSelected("OLDEST-LINE-OF-EXEC-LOG-4", "PAUSED")
	p.text("G")
	p.waitSelected("NEWEST-LINE", "LIVE")
	p.text("/NEEDLE-ONLY")
	p.keys("Enter")
	p.waitSelected("NEEDLE-ONLY-IN-EXEC-LOG-4", "1/1")
	// With system lines shown, the oldest line is runtime.log.4's.
	p.text("4")
	p.text("g")
	p.waitSelected("OLDEST-LINE-OF-RUNTIME-LOG-4", "system ✓")
	p.text("q")
}
