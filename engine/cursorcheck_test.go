package engine

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// staleChain writes a live exec.log and exec.log.1, a runtime.log chain
// whose runtime.log.2 ends in a line a rotation cut, and a kernel.log.
func staleChain(t *testing.T) string {
	dir := logDir(t)
	ts := t0.Format("2006-01-02T15:04:05.000Z")
	appendFile(t, dir, "exec.log.1", execLine(t0, "stdout", 1, "line 0\n")+execLine(t0, "stdout", 1, "line 1\n"))
	appendFile(t, dir, "exec.log", execLine(t0, "stdout", 1, "line 2\n")+execLine(t0, "stdout", 1, "line 3\n"))
	appendFile(t, dir, "runtime.log.2", ts+" oldest\n"+ts+" cut by the rota")
	appendFile(t, dir, "runtime.log.1", "tion\n"+ts+" middle\n")
	appendFile(t, dir, "runtime.log", ts+" live\n")
	appendFile(t, dir, "kernel.log", "[0.1] one\n[0.2] two\n")
	return dir
}

// inodeSize returns a file's inode and size.
func inodeSize(t *testing.T, dir, name string) (uint64, uint64) {
	t.Helper()
	fi, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino, uint64(fi.Size())
}

// TestStaleOffsetIsInvalidEvenLeniently: a position whose file is in a
// slot of its chain but whose offset is mid-line or past the end is an
// invalid cursor for a strict and a lenient start alike, naming the file
// and why; only a file that is in no slot resumes leniently (marked
// NotOnDisk when strict), and kernel.log shorter than the offset restarts.
func TestStaleOffsetIsInvalidEvenLeniently(t *testing.T) {
	dir := staleChain(t)
	ex, exSize := inodeSize(t, dir, "exec.log")
	ex1, _ := inodeSize(t, dir, "exec.log.1")
	rt2, rt2Size := inodeSize(t, dir, "runtime.log.2")
	rt, rtSize := inodeSize(t, dir, "runtime.log")
	kn, knSize := inodeSize(t, dir, "kernel.log")
	okEx, okRt, okKn := Position{ex, exSize}, Position{rt, rtSize}, Position{kn, knSize}
	gone := Position{Inode: 1 << 40, Offset: 30}
	for _, tc := range []struct {
		name    string
		c       Cursor
		file    string // the InvalidCursorError's File; "" when the cursor fits
		words   []string
		goneToo bool // strict fails with NotOnDisk, lenient resumes
	}{
		{"live mid-line", NewCursor(Position{ex, 5}, okRt, okKn), "exec.log", []string{"offset 5", "middle of a line", "exec.log"}, false},
		{"live past the end", NewCursor(Position{ex, exSize + 1}, okRt, okKn), "exec.log", []string{"past the end", "exec.log"}, false},
		{"exec.log.1 mid-line", NewCursor(Position{ex1, 9}, okRt, okKn), "exec.log", []string{"exec.log.1"}, false},
		{"runtime.log.2 inside its cut line", NewCursor(okEx, Position{rt2, rt2Size - 3}, okKn), "runtime.log", []string{"runtime.log.2", "middle of a line"}, false},
		{"runtime.log.2 past the end", NewCursor(okEx, Position{rt2, rt2Size + 1}, okKn), "runtime.log", []string{"runtime.log.2", "past the end"}, false},
		{"gone, then mid-line", NewCursor(gone, Position{rt2, 4}, okKn), "runtime.log", []string{"runtime.log.2"}, false},
		{"kernel.log mid-line", NewCursor(okEx, okRt, Position{kn, 4}), "kernel.log", []string{"middle of a line"}, false},
		{"exec.log in no slot", NewCursor(gone, okRt, okKn), "", nil, true},
		{"kernel.log shrank", NewCursor(okEx, okRt, Position{kn, knSize + 50}), "", nil, false},
		{"end of the cut runtime.log.2", NewCursor(okEx, Position{rt2, rt2Size}, okKn), "", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, start := range []Start{FromCursor(tc.c), ResumeLenient(tc.c)} {
				opts := Options{Sources: AllSources, Start: start}
				_, serr := ReadSnapshot(t.Context(), dir, opts)
				s, err := Open(t.Context(), dir, opts)
				if err == nil {
					s.Close()
				}
				var ic, sic *InvalidCursorError
				strict := start.Kind == StartCursor
				switch {
				case tc.goneToo && strict:
					if !errors.As(err, &ic) || !ic.NotOnDisk || ic.File != "exec.log" || !errors.As(serr, &sic) || !sic.NotOnDisk {
						t.Fatalf("strict: Open %v, ReadSnapshot %v; want exec.log not on disk", err, serr)
					}
				case tc.file == "":
					if err != nil || serr != nil {
						t.Fatalf("kind %d: Open %v, ReadSnapshot %v; want the cursor to fit", start.Kind, err, serr)
					}
				default:
					if !errors.As(err, &ic) || ic.File != tc.file || ic.NotOnDisk || !errors.As(serr, &sic) || *sic != *ic {
						t.Fatalf("kind %d: Open %v, ReadSnapshot %v; want an invalid cursor for %s", start.Kind, err, serr, tc.file)
					}
					for _, w := range tc.words {
						if !strings.Contains(ic.Error(), w) {
							t.Errorf("kind %d: %q lacks %q", start.Kind, ic.Error(), w)
						}
					}
				}
			}
		})
	}
}
