package sim

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestRotationChain writes numbered records through many rotations and
// checks the chain: at most .1–.4, each rename in order (inodes move down
// one slot per rotation), nothing copied, and the retained records are the
// newest ones, contiguous, oldest in .4.
func TestRotationChain(t *testing.T) {
	dir := t.TempDir()
	const limit = 2000
	s, err := New(dir, Config{RotateBytes: limit})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	live := filepath.Join(dir, ExecLog)
	var inodes []uint64 // inode of each live file, in order of creation
	inodes = append(inodes, inode(t, live))
	n := 0
	for s.Rotations() < 9 {
		n++
		before := s.Rotations()
		if err := s.Exec("stdout", 1, []byte(fmt.Sprintf("line %05d\n", n))); err != nil {
			t.Fatal(err)
		}
		if s.Rotations() == before {
			continue
		}
		inodes = append(inodes, inode(t, live))
		// After rotation r, slot k holds the live file of rotation r-k.
		r := s.Rotations()
		for k := 1; k <= maxRotated; k++ {
			p := live + "." + strconv.Itoa(k)
			if r-k < 0 {
				if _, err := os.Stat(p); !os.IsNotExist(err) {
					t.Fatalf("after %d rotations %s exists", r, p)
				}
				continue
			}
			if got, want := inode(t, p), inodes[r-k]; got != want {
				t.Fatalf("after %d rotations %s has inode %d, want %d (renamed, not copied)", r, p, got, want)
			}
		}
		if _, err := os.Stat(live + ".5"); !os.IsNotExist(err) {
			t.Fatalf("exec.log.5 exists after %d rotations", r)
		}
	}
	// Every file but the live one is near the limit and none exceeds it.
	var all []byte
	for _, p := range chain(dir, ExecLog) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) > limit {
			t.Fatalf("%s is %d bytes, over the %d limit", p, len(b), limit)
		}
		if p != live && len(b) < limit-100 {
			t.Fatalf("%s rotated at %d bytes, well under the limit", p, len(b))
		}
		all = append(all, b...)
	}
	recs := 0
	first, prev := 0, 0
	for _, line := range strings.Split(strings.TrimSuffix(string(all), "\n"), "\n") {
		i := strings.Index(line, `line `)
		v, err := strconv.Atoi(line[i+5 : i+10])
		if err != nil {
			t.Fatalf("record %q: %v", line, err)
		}
		if prev != 0 && v != prev+1 {
			t.Fatalf("retained records jump from %d to %d", prev, v)
		}
		if first == 0 {
			first = v
		}
		prev = v
		recs++
	}
	if prev != n || first <= 1 {
		t.Fatalf("retained records %d…%d, want an evicted start and last %d", first, prev, n)
	}
}

// TestRotationKeepsOpenDescriptor checks what a concurrent reader relies on:
// a descriptor opened on exec.log before a rotation still reads that file's
// data, all of it, and the live name then names a new file.
func TestRotationKeepsOpenDescriptor(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{RotateBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	live := filepath.Join(dir, ExecLog)
	if err := s.Exec("stdout", 1, []byte("before\n")); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(live)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	old := inode(t, live)
	if err := s.Rotate(ExecLog); err != nil {
		t.Fatal(err)
	}
	if err := s.Exec("stdout", 1, []byte("after\n")); err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`before\n`)) || bytes.Contains(b, []byte(`after`)) {
		t.Fatalf("old descriptor reads %q", b)
	}
	if inode(t, live+".1") != old || inode(t, live) == old {
		t.Fatal("rotation did not rename exec.log to exec.log.1 and create a new exec.log")
	}
	if s.Rotations() != 1 {
		t.Fatalf("Rotations() = %d, want 1", s.Rotations())
	}
	if err := s.Rotate(KernelLog); err == nil {
		t.Fatal("Rotate(kernel.log): want an error, kernel.log never rotates")
	}
}

// TestKernelNeverRotates writes far past the limit to kernel.log.
func TestKernelNeverRotates(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{RotateBytes: 512})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 200; i++ {
		if err := s.Kernel(fmt.Sprintf("[%12.6f] line %d", float64(i)/10, i)); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	b, err := os.ReadFile(filepath.Join(dir, KernelLog))
	if err != nil {
		t.Fatal(err)
	}
	if got := bytes.Count(b, []byte{'\n'}); got != 200 || b[len(b)-1] != '\n' {
		t.Fatalf("kernel.log has %d lines (ends %q)", got, b[len(b)-1:])
	}
	if _, err := os.Stat(filepath.Join(dir, KernelLog+".1")); !os.IsNotExist(err) {
		t.Fatal("kernel.log.1 exists")
	}
}

// TestReopenAppends checks that New on an existing directory appends and
// counts the existing size towards the limit, as the real writer does.
func TestReopenAppends(t *testing.T) {
	dir := t.TempDir()
	for i := 0; i < 2; i++ {
		s, err := New(dir, Config{RotateBytes: 150})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Exec("stdout", 1, []byte(strings.Repeat("x", 40)+"\n")); err != nil {
			t.Fatal(err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(readRecords(t, filepath.Join(dir, ExecLog))); n != 1 {
		t.Fatalf("live file has %d records, want 1 (the second open must rotate)", n)
	}
	if n := len(readRecords(t, filepath.Join(dir, ExecLog+".1"))); n != 1 {
		t.Fatalf("exec.log.1 has %d records, want 1", n)
	}
}
