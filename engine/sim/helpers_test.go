package sim

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"
)

// rec is one exec.log record as a reader sees it; pointers tell absent
// fields from empty ones.
type rec struct {
	T  *string `json:"t"`
	S  *string `json:"s"`
	D  *string `json:"d"`
	ID *uint64 `json:"id"`
	E  *string `json:"e"`
}

// data returns the record's bytes, base64 decoded when e is b64.
func (r rec) data(t *testing.T) []byte {
	t.Helper()
	if r.D == nil {
		return nil
	}
	if r.E != nil {
		if *r.E != "b64" {
			t.Fatalf("e = %q, want b64", *r.E)
		}
		b, err := base64.StdEncoding.DecodeString(*r.D)
		if err != nil {
			t.Fatalf("b64 body %q: %v", *r.D, err)
		}
		return b
	}
	return []byte(*r.D)
}

var timeRE = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)

// readRecords parses every line of an exec.log file strictly: each must be
// valid JSON with a well-formed t and a known s, and the file must end with
// a newline.
func readRecords(t *testing.T, path string) []rec {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		t.Fatalf("%s does not end with a newline", path)
	}
	var out []rec
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var r rec
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s: line %d %q: %v", path, len(out)+1, sc.Text(), err)
		}
		if r.T == nil || !timeRE.MatchString(*r.T) {
			t.Fatalf("%s: bad t in %q", path, sc.Text())
		}
		if _, err := time.Parse(time.RFC3339, *r.T); err != nil {
			t.Fatalf("%s: t %q: %v", path, *r.T, err)
		}
		if r.S == nil {
			t.Fatalf("%s: no s in %q", path, sc.Text())
		}
		switch *r.S {
		case "stdout", "stderr", "output":
			if r.ID == nil {
				t.Fatalf("%s: program record without id: %q", path, sc.Text())
			}
		case "system":
			if r.ID != nil {
				t.Fatalf("%s: system record with id: %q", path, sc.Text())
			}
		default:
			t.Fatalf("%s: unknown s in %q", path, sc.Text())
		}
		out = append(out, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// chain returns the paths of a rotating file's chain, oldest first, that
// exist.
func chain(dir, name string) []string {
	var out []string
	for i := maxRotated; i >= 1; i-- {
		p := filepath.Join(dir, name+"."+strconv.Itoa(i))
		if _, err := os.Stat(p); err == nil {
			out = append(out, p)
		}
	}
	return append(out, filepath.Join(dir, name))
}

// inode returns a file's inode number.
func inode(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return inodeOf(fi)
}

// fixedClock returns a clock that advances by step at every reading.
func fixedClock(step time.Duration) func() time.Time {
	t := time.Date(2026, 4, 30, 20, 32, 59, 688_000_000, time.UTC)
	return func() time.Time {
		t = t.Add(step)
		return t
	}
}
