package sim

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestEscapedMatchesJSON(t *testing.T) {
	var all []byte
	for c := 0; c < 0x80; c++ {
		all = append(all, byte(c))
	}
	for _, s := range []string{
		"hello\n", "", "\x1b[31mred\x1b[0m\r\n", `quote " backslash \ `, string(all),
		"tab\tform\fback\bdel\x7f", "日本語 ✓ café \u2028 <>&", "\x00\x01\x1f",
	} {
		got := appendEscaped(nil, []byte(s))
		var back string
		if err := json.Unmarshal(append(append([]byte{'"'}, got...), '"'), &back); err != nil {
			t.Fatalf("escape %q → %q: %v", s, got, err)
		}
		if back != s {
			t.Fatalf("escape %q round-trips to %q", s, back)
		}
		// Only what JSON requires is escaped, as serde_json does.
		if strings.Contains(string(got), `\u003c`) || strings.Contains(string(got), `\u2028`) {
			t.Fatalf("escape %q over-escaped: %q", s, got)
		}
	}
	if got := string(appendEscaped(nil, []byte("a\nb\"\\\x1b"))); got != `a\nb\"\\\u001b` {
		t.Fatalf("short escapes: got %s", got)
	}
}

func TestExecRecordFields(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{Clock: fixedClock(1500 * time.Microsecond)})
	if err != nil {
		t.Fatal(err)
	}
	invalid := []byte{'o', 'k', 0xff, 0xfe, '\n'}
	steps := []struct {
		source string
		id     uint64
		data   []byte
	}{
		{"stdout", 7, []byte("hello\n")},
		{"stderr", 8, []byte("half a li")},
		{"output", 9, []byte("\x1b[32mgreen\x1b[0m\r\nsecond line\r\n")},
		{"stdout", 7, invalid},
		{"stdout", 7, nil},
	}
	for _, st := range steps {
		if err := s.Exec(st.source, st.id, st.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ExecSystem("session 7 exited with code 0\n"); err != nil {
		t.Fatal(err)
	}
	if err := s.Exec("system", 1, []byte("x")); err == nil {
		t.Fatal("Exec with source system: want an error")
	}
	if err := s.Exec("stdin", 1, []byte("x")); err == nil {
		t.Fatal("Exec with source stdin: want an error")
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	recs := readRecords(t, filepath.Join(dir, ExecLog))
	if len(recs) != len(steps)+1 {
		t.Fatalf("got %d records, want %d", len(recs), len(steps)+1)
	}
	prev := ""
	for i, st := range steps {
		r := recs[i]
		if *r.S != st.source || *r.ID != st.id {
			t.Fatalf("record %d: s=%s id=%d, want %s %d", i, *r.S, *r.ID, st.source, st.id)
		}
		if got := r.data(t); !bytes.Equal(got, st.data) {
			t.Fatalf("record %d: data %q, want %q", i, got, st.data)
		}
		if (r.E != nil) != !utf8.Valid(st.data) {
			t.Fatalf("record %d: e=%v for data %q", i, r.E, st.data)
		}
		if len(st.data) == 0 && r.D != nil {
			t.Fatalf("record %d: empty data written as d=%q, want d absent", i, *r.D)
		}
		if *r.T <= prev {
			t.Fatalf("record %d: time %s not after %s", i, *r.T, prev)
		}
		prev = *r.T
	}
	if *recs[3].D != base64.StdEncoding.EncodeToString(invalid) {
		t.Fatalf("b64 body %q", *recs[3].D)
	}
	sys := recs[len(steps)]
	if *sys.S != "system" || sys.ID != nil || *sys.D != "session 7 exited with code 0\n" {
		t.Fatalf("system record: %+v", sys)
	}
	// The exact bytes of the first record: field order and timestamp form.
	b, _ := os.ReadFile(filepath.Join(dir, ExecLog))
	first, _, _ := bytes.Cut(b, []byte{'\n'})
	if want := `{"t":"2026-04-30T20:32:59.689Z","s":"stdout","d":"hello\n","id":7}`; string(first) != want {
		t.Fatalf("first record\n got %s\nwant %s", first, want)
	}
}

func TestTimestampIsUTC(t *testing.T) {
	dir := t.TempDir()
	loc := time.FixedZone("X", 5*3600+1800)
	s, err := New(dir, Config{Clock: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 6_000_000, loc) }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Exec("stdout", 1, []byte("x\n")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	recs := readRecords(t, filepath.Join(dir, ExecLog))
	if *recs[0].T != "2026-01-01T21:34:05.006Z" {
		t.Fatalf("t = %s", *recs[0].T)
	}
}

func TestClosedSandboxRefusesWrites(t *testing.T) {
	s, err := New(t.TempDir(), Config{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for name, err := range map[string]error{
		"Exec":       s.Exec("stdout", 1, []byte("x")),
		"ExecSystem": s.ExecSystem("x"),
		"Runtime":    s.Runtime([]byte("x")),
		"Kernel":     s.Kernel("x"),
		"Rotate":     s.Rotate(ExecLog),
		"Flush":      s.Flush(),
	} {
		if err != ErrClosed {
			t.Errorf("%s after Close: %v, want ErrClosed", name, err)
		}
	}
}

// TestHugeRecord writes one record far larger than the rotation size: it
// lands whole in a fresh file, and its buffer is not kept.
func TestHugeRecord(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{RotateBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Exec("stdout", 1, []byte("small\n")); err != nil {
		t.Fatal(err)
	}
	huge := make([]byte, 3<<20)
	for i := range huge {
		huge[i] = 'a' + byte(i%26)
	}
	if err := s.Exec("stdout", 1, huge); err != nil {
		t.Fatal(err)
	}
	if s.Rotations() != 1 {
		t.Fatalf("%d rotations, want 1 (the huge record goes to a fresh file)", s.Rotations())
	}
	recs := readRecords(t, filepath.Join(dir, ExecLog))
	if len(recs) != 1 || len(recs[0].data(t)) != len(huge) {
		t.Fatalf("live file: %d records", len(recs))
	}
	if cap(s.rec) > maxKeptScratch {
		t.Fatalf("record buffer of %d bytes kept", cap(s.rec))
	}
}

func TestExecAtAndRaw(t *testing.T) {
	dir := t.TempDir()
	s, err := New(dir, Config{})
	if err != nil {
		t.Fatal(err)
	}
	s.SetBuffered(1 << 10)
	at := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := s.ExecAt(at, "stderr", 4, []byte("old\n")); err != nil {
		t.Fatal(err)
	}
	if err := s.ExecAt(at, "system", 4, []byte("x")); err == nil {
		t.Fatal("ExecAt with source system: want an error")
	}
	raw := "not json\n\n{\"t\":\"yesterday\",\"s\":\"stdout\",\"d\":\"x\"}\n"
	if err := s.ExecRaw([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	s.Close()
	b, err := os.ReadFile(filepath.Join(dir, ExecLog))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"t":"2020-01-02T03:04:05.000Z","s":"stderr","d":"old\n","id":4}` + "\n" + raw
	if string(b) != want {
		t.Fatalf("exec.log\n got %q\nwant %q", b, want)
	}
}
