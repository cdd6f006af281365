package level

import (
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Level
	}{
		// runtime.log's tracing lines, the time already taken off.
		{"INFO runtime: booting vm", Info},
		{" WARN microsandbox::vm: slow start", Warn},
		{"ERROR runtime: mount failed", Error},
		{"DEBUG x", Debug},
		{"TRACE y", Trace},
		{"[ERROR] boom", Error},
		{"WARN", Warn},
		{"WARNING: disk almost full", Warn},
		// Prose is not a level.
		{"Error: not a tracing line", None},
		{"info about things", None},
		{"INFORMATION desk", None},
		{"INFOx", None},
		// logfmt.
		{`time=2026-11-29T02:40:00.695Z level=ERROR msg="dial tcp"`, Error},
		{"level=warn msg=x", Warn},
		{`ts=1 level="info" msg=x`, Info},
		{"level=debug", Debug},
		{"loglevel=error", None},
		{"level=verbose", None},
		{`level="unterminated`, None},
		// JSON.
		{`{"level":"error","msg":"x"}`, Error},
		{`{"msg":"x", "level" : "Warn"}`, Warn},
		{`{"level":3}`, None},
		{`{"loglevel":"error"}`, None},
		{`{"msg":"level=info"}`, None}, // logfmt inside a JSON string is not a field
		{"", None},
		{"level", None},
		{`"level"`, None},
		{`"level":`, None},
	} {
		if got := Detect(c.in); got != c.want {
			t.Errorf("Detect(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestDetectLooksOnlyNearTheStart(t *testing.T) {
	long := strings.Repeat("x ", scanLimit) + "level=error"
	if got := Detect(long); got != None {
		t.Fatalf("a level past %d bytes was read: %v", scanLimit, got)
	}
}

func TestOrderAndNames(t *testing.T) {
	if !(Trace < Debug && Debug < Info && Info < Warn && Warn < Error) {
		t.Fatal("levels are not ordered by severity")
	}
	for l := Trace; l <= Error; l++ {
		if l.String() == "" || l.Letter() == "" {
			t.Errorf("level %d has no name or letter", l)
		}
	}
	if None.String() != "" || None.Letter() != "" {
		t.Error("None has a name")
	}
}

func FuzzDetect(f *testing.F) {
	for _, s := range []string{
		"INFO runtime: x", `level=warn msg="a b"`, `{"level":"error"}`, `{"level" : "x"`,
		"[WARN]", "level=", `"level":"`, "\x00level=info",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l := Detect(s)
		if l > Error {
			t.Fatalf("Detect(%q) = %d, out of range", s, l)
		}
		// What lies past the scan limit never changes the answer.
		if len(s) <= scanLimit {
			if got := Detect(s + strings.Repeat(" ", scanLimit) + "level=error"); got != l {
				t.Fatalf("Detect changed with text past the limit: %v, then %v", l, got)
			}
		}
	})
}
