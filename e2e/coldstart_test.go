package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestColdStart times fresh processes of print mode on a full retention
// (a 50 MiB exec history in five files, a rotated 50 MiB runtime.log, a
// 1 MiB kernel.log) and reads their peak memory, as a user meets them:
// page cache warm, a new process each time. Each figure is the median of
// several runs and is reported as a ratio to a floor measured in the same
// run: a process that reads the same files and counts their newlines. It
// takes a while and its figures depend on the machine, so it only runs
// when asked:
//
//	SANDTAIL_COLDSTART=1 go test -run TestColdStart -v ./e2e/
//
// It reports each figure against the targets (--json > /dev/null within
// 150 ms, the snapshot that prints nothing within 100 ms, of a 29 ms floor)
// and fails when a figure is back where it was before the snapshot's index
// (0.48 s and 0.29 s of that floor, and 115 MiB), as ratios to the floor so
// that a busy machine slows both sides.
func TestColdStart(t *testing.T) {
	if os.Getenv("SANDTAIL_COLDSTART") != "1" {
		t.Skip("set SANDTAIL_COLDSTART=1 to run")
	}
	dir := fullRetention(t, t.TempDir())
	execFiles, _ := filepath.Glob(filepath.Join(dir, "exec.log*"))
	allFiles, _ := filepath.Glob(filepath.Join(dir, "*.log*"))
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	const runs = 9
	median := func(what string, env []string, name string, args ...string) measured {
		t.Helper()
		var ms []measured
		for i := 0; i < runs+1; i++ {
			m := measureEnv(t, env, name, args...)
			if m.code != 0 {
				t.Fatalf("%s: exit %d: %s", what, m.code, m.stderr)
			}
			if i > 0 { // the first run warms the page cache
				ms = append(ms, m)
			}
		}
		slices.SortFunc(ms, func(a, b measured) int { return int(a.wall - b.wall) })
		m := ms[len(ms)/2]
		slices.SortFunc(ms, func(a, b measured) int { return int(a.peak - b.peak) })
		m.peak = ms[len(ms)/2].peak
		return m
	}
	floorEnv := []string{floorEnv + "=1", peakNullEnv + "=1"}
	floorExec := median("floor (exec.log files)", floorEnv, self, execFiles...)
	floorAll := median("floor (every file)", floorEnv, self, allFiles...)
	null := []string{peakNullEnv + "=1"}
	future := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	jsonRun := median("--json", null, binary, "--dir", dir, "--json")
	since := median("--since future", null, binary, "--dir", dir, "--print", "--since", future)
	allRun := median("--json --source all", null, binary, "--dir", dir, "--json", "--source", "all")
	tail := median("--tail 200 --source all", null, binary, "--dir", dir, "--print", "--tail", "200", "--source", "all")

	report := func(what string, m, fl measured) float64 {
		r := float64(m.wall) / float64(fl.wall)
		t.Logf("%-32s %7.1f ms  %5.1f× floor  peak RSS %6.1f MiB", what, ms(m.wall), r, float64(m.peak)/(1<<20))
		return r
	}
	t.Logf("floor, exec.log files (50 MiB)  %7.1f ms  peak RSS %.1f MiB", ms(floorExec.wall), float64(floorExec.peak)/(1<<20))
	t.Logf("floor, every file (101 MiB)     %7.1f ms  peak RSS %.1f MiB", ms(floorAll.wall), float64(floorAll.peak)/(1<<20))
	rJSON := report("--json > /dev/null", jsonRun, floorExec)
	rSince := report("--since (nothing printed)", since, floorExec)
	report("--json --source all", allRun, floorAll)
	report("--print --tail 200 --source all", tail, floorAll)
	if lnav, err := exec.LookPath("lnav"); err == nil {
		// lnav writes its configuration under HOME, which the tests
		// point nowhere (it then writes into the working directory).
		lnavEnv := append([]string{"HOME=" + t.TempDir()}, null...)
		m := median("lnav", lnavEnv, lnav, append([]string{"-n"}, allFiles...)...)
		report("lnav -n (every file)", m, floorAll)
	} else {
		t.Log("lnav is not installed: no comparison with it")
	}
	// The targets and the figures before the index, as ratios to the
	// floor they were measured against (29 ms).
	const floorRef = 29.0
	for _, c := range []struct {
		what           string
		ratio          float64
		target, before float64 // ms of a 29 ms floor
	}{
		{"--json > /dev/null", rJSON, 150, 480},
		{"the snapshot that prints nothing", rSince, 100, 290},
	} {
		met := "met"
		if c.ratio > c.target/floorRef {
			met = "not met"
		}
		t.Logf("%s: %.1f× the floor; target %.1f× (%s), before the index %.1f×", c.what, c.ratio, c.target/floorRef, met, c.before/floorRef)
		if c.ratio >= c.before/floorRef {
			t.Errorf("%s took %.1f× the floor: no better than before the index (%.1f×)", c.what, c.ratio, c.before/floorRef)
		}
	}
	for _, m := range []measured{jsonRun, since, allRun, tail} {
		if m.peak > printPeakLimit {
			t.Errorf("peak RSS %.1f MiB, over the %d MiB bound", float64(m.peak)/(1<<20), printPeakLimit>>20)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// floorEnv set to 1 makes the test binary the floor: it reads the files
// named in its arguments and counts their newlines.
const floorEnv = "SANDTAIL_E2E_FLOOR"

// floor reads files in 1 MiB blocks and prints how many newlines they hold.
func floor(files []string) int {
	buf := make([]byte, 1<<20)
	n := 0
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		for {
			k, err := f.Read(buf)
			n += bytes.Count(buf[:k], []byte{'\n'})
			if err == io.EOF {
				break
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
		f.Close()
	}
	fmt.Println(n)
	return 0
}

// fullRetention writes a full retention into dir/logs: exec.log and
// runtime.log with four rotations of 10 MiB each, a 1 MiB kernel.log,
// with records like a busy sandbox's (a few sessions, every source).
func fullRetention(t testing.TB, root string) string {
	t.Helper()
	return fullRetentionSized(t, root, 10<<20)
}

// fullRetentionSized is fullRetention with files of size bytes.
func fullRetentionSized(t testing.TB, root string, size int) string {
	t.Helper()
	dir := filepath.Join(root, "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(11, 12))
	words := strings.Fields("the quick brown fox GET POST /api/v1/orders 200 404 connection refused retry Compiling serde tokio dial tcp 10.0.14.209:5432 level=ERROR msg= attempt=3 ok")
	sentence := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(words[rng.IntN(len(words))])
		}
		return b.String()
	}
	ts := time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)
	write := func(name string, line func() string) {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		w := bufio.NewWriter(f)
		for n := 0; n < size; {
			k, _ := w.WriteString(line())
			n += k
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	sources := []string{"stdout", "stdout", "stderr", "output"}
	for _, slot := range []string{".4", ".3", ".2", ".1", ""} {
		write("exec.log"+slot, func() string {
			ts = ts.Add(time.Duration(100+rng.IntN(20000)) * time.Microsecond)
			return fmt.Sprintf(`{"t":"%s","s":"%s","d":"%s\n","id":%d}`+"\n",
				ts.Format("2006-01-02T15:04:05.000Z"), sources[rng.IntN(len(sources))], sentence(3+rng.IntN(22)), 1+rng.IntN(9))
		})
	}
	ts = time.Date(2026, 11, 29, 2, 0, 0, 0, time.UTC)
	for _, slot := range []string{".4", ".3", ".2", ".1", ""} {
		write("runtime.log"+slot, func() string {
			ts = ts.Add(time.Duration(100+rng.IntN(20000)) * time.Microsecond)
			return ts.Format("2006-01-02T15:04:05.000Z") + " INFO msb::runtime " + sentence(3+rng.IntN(18)) + "\n"
		})
	}
	var k strings.Builder
	for i := 0; k.Len() < 1<<20; i++ {
		fmt.Fprintf(&k, "[%12.6f] virtio_net: %s\n", float64(i)/1000, sentence(8))
	}
	if err := os.WriteFile(filepath.Join(dir, "kernel.log"), []byte(k.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
