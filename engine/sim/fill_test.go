package sim

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestFillWindow(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	st, err := FillWindow(dir, 1)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rotations != maxRotated {
		t.Fatalf("%d rotations, want %d", st.Rotations, maxRotated)
	}
	const mib = 1 << 20
	for _, p := range chain(dir, ExecLog) {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Size() > DefaultRotateBytes || fi.Size() < DefaultRotateBytes-256<<10 {
			t.Fatalf("%s is %.2f MiB, want just under 10 MiB", p, float64(fi.Size())/mib)
		}
	}
	if len(chain(dir, ExecLog)) != maxRotated+1 {
		t.Fatalf("chain %v, want exec.log.4 … exec.log", chain(dir, ExecLog))
	}
	// Every exec record is 20–300 bytes and later than the one before it
	// across the whole chain (t read at its fixed place: the full JSON
	// check below is too slow under -race for 300k records).
	var prev time.Time
	var records int64
	for _, p := range chain(dir, ExecLog) {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			l := sc.Bytes()
			if n := len(l) + 1; n < 20 || n > 300 {
				t.Fatalf("%s: record of %d bytes: %q", p, n, l)
			}
			ts, err := time.Parse(time.RFC3339, string(l[6:30]))
			if err != nil || !bytes.HasPrefix(l, []byte(`{"t":"`)) {
				t.Fatalf("%s: record %q: %v", p, l, err)
			}
			if !ts.After(prev) {
				t.Fatalf("%s: time %s not after %s", p, ts, prev)
			}
			prev = ts
			records++
		}
		f.Close()
	}
	// Full checks on the oldest and the live file.
	readRecords(t, filepath.Join(dir, ExecLog+".4"))
	readRecords(t, filepath.Join(dir, ExecLog))
	if prev.After(time.Now()) {
		t.Fatalf("last timestamp %s is in the future", prev)
	}
	if records != st.Records {
		t.Fatalf("%d records on disk, Stats %d", records, st.Records)
	}
	rl, kl := checkTextFiles(t, dir)
	total := records + rl + kl
	if total < 280_000 || total > 340_000 {
		t.Fatalf("%d entries (%d exec, %d runtime, %d kernel), want about 310k", total, records, rl, kl)
	}
	t.Logf("%d entries: %d exec, %d runtime, %d kernel; %d bytes", total, records, rl, kl, st.Bytes)
}

func TestFillWindowRefusesUsedDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ExecLog), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := FillWindow(dir, 1); err == nil {
		t.Fatal("FillWindow over an existing exec.log: want an error")
	}
}
