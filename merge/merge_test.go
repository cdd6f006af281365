package merge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sandtail/engine"
)

var t0 = time.Date(2026, 4, 30, 20, 0, 0, 0, time.UTC)

// sandbox makes home/sandboxes/name/logs and returns it.
func sandbox(t *testing.T, home, name string) Sandbox {
	t.Helper()
	dir := filepath.Join(home, "sandboxes", name, "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return Sandbox{Name: name, Dir: dir}
}

// write appends stdout records "text" at t0+ms to dir's exec.log.
func write(t *testing.T, dir string, ms int, text string) {
	t.Helper()
	d, _ := json.Marshal(text + "\n")
	rec := fmt.Sprintf(`{"t":"%s","s":"stdout","d":%s,"id":1}`+"\n", t0.Add(time.Duration(ms)*time.Millisecond).Format("2006-01-02T15:04:05.000Z"), d)
	f, err := os.OpenFile(filepath.Join(dir, "exec.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(rec); err != nil {
		t.Fatal(err)
	}
}

// texts is each entry as "origin:text".
func texts(es []engine.Entry) []string {
	var out []string
	for _, e := range es {
		out = append(out, fmt.Sprintf("%d:%s", e.Origin, strings.TrimSuffix(string(e.Data), "\n")))
	}
	return out
}

func wantTexts(t *testing.T, got []engine.Entry, want ...string) {
	t.Helper()
	if g := strings.Join(texts(got), " "); g != strings.Join(want, " ") {
		t.Fatalf("got  %s\nwant %s", g, strings.Join(want, " "))
	}
}

func TestSnapshotMergesByTimeWithOriginsAndEnds(t *testing.T) {
	home := t.TempDir()
	a, b := sandbox(t, home, "a"), sandbox(t, home, "b")
	write(t, a.Dir, 1, "a1")
	write(t, b.Dir, 2, "b2")
	write(t, a.Dir, 3, "a3")
	write(t, b.Dir, 3, "b3") // same time as a3: a first (set order)
	write(t, b.Dir, 4, "b4")
	set := NewSet([]Sandbox{a, b})
	snap, err := ReadSnapshot(t.Context(), set, engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantTexts(t, snap.Entries, "0:a1", "1:b2", "0:a3", "1:b3", "1:b4")
	// Each end is that sandbox's own: a stream from it has nothing to
	// repeat, and the next write comes first.
	for i, sb := range set.All() {
		s, err := engine.Open(t.Context(), sb.Dir, engine.Options{Start: engine.FromCursor(snap.Ends[i])})
		if err != nil {
			t.Fatalf("%s: %v", sb.Name, err)
		}
		if es, err := s.Next(t.Context(), 10); len(es) != 0 || !errors.Is(err, io.EOF) {
			t.Fatalf("%s from its end: %v %v", sb.Name, texts(es), err)
		}
		s.Close()
	}
	tail, err := ReadSnapshot(t.Context(), set, engine.Options{Tail: 2})
	if err != nil {
		t.Fatal(err)
	}
	wantTexts(t, tail.Entries, "1:b3", "1:b4")
}

func TestSnapshotReadsTheOthersWhenOneFails(t *testing.T) {
	home := t.TempDir()
	a := sandbox(t, home, "a")
	write(t, a.Dir, 1, "a1")
	gone := Sandbox{Name: "gone", Dir: filepath.Join(home, "sandboxes", "gone", "logs")}
	snap, err := ReadSnapshot(t.Context(), NewSet([]Sandbox{gone, a}), engine.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantTexts(t, snap.Entries, "1:a1")
	if len(snap.Failed) != 1 || snap.Failed[0].Origin != 0 || !strings.Contains(snap.Failed[0].Error(), "gone") || !errors.Is(snap.Failed[0].Err, engine.ErrNotFound) {
		t.Fatalf("failed = %v", snap.Failed)
	}
}

// readN reads a merged stream until it has n entries.
func readN(t *testing.T, s *Stream, n int) []engine.Entry {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	var all []engine.Entry
	for len(all) < n {
		es, err := s.Next(ctx, 100)
		all = append(all, es...)
		if err != nil {
			t.Fatalf("after %v: %v", texts(all), err)
		}
	}
	return all
}

func TestFollowInterleavesAndKeepsEachCursorExact(t *testing.T) {
	home := t.TempDir()
	a, b := sandbox(t, home, "a"), sandbox(t, home, "b")
	write(t, a.Dir, 1, "a1")
	write(t, b.Dir, 2, "b2")
	set := NewSet([]Sandbox{a, b})
	snap, s, err := SnapshotFollow(t.Context(), set, engine.Options{Follow: true}, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	wantTexts(t, snap.Entries, "0:a1", "1:b2")
	write(t, b.Dir, 10, "b10")
	got := readN(t, s, 1)
	wantTexts(t, got, "1:b10")
	write(t, a.Dir, 11, "a11")
	write(t, a.Dir, 12, "a12")
	got = append(got, readN(t, s, 2)...)
	wantTexts(t, got, "1:b10", "0:a11", "0:a12")
	// a11's cursor is a's: resuming a from it gives a12 and nothing else.
	r, err := engine.Open(t.Context(), a.Dir, engine.Options{Start: engine.FromCursor(got[1].Cursor)})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rest, _ := r.Next(t.Context(), 10)
	wantTexts(t, rest, "0:a12")
}

func TestFollowPicksUpSandboxesCreatedUnderHome(t *testing.T) {
	home := t.TempDir()
	a := sandbox(t, home, "a")
	write(t, a.Dir, 1, "a1")
	set := NewSet([]Sandbox{a})
	_, s, err := SnapshotFollow(t.Context(), set, engine.Options{Follow: true}, home)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Made in two steps, as microsandbox does: the sandbox, then its logs.
	if err := os.MkdirAll(filepath.Join(home, "sandboxes", "late"), 0o755); err != nil {
		t.Fatal(err)
	}
	late := sandbox(t, home, "late")
	write(t, late.Dir, 5, "late5")
	got := readN(t, s, 2)
	if got[0].Mark != engine.MarkNotice || got[0].Origin != 1 || !strings.Contains(string(got[0].Data), "new sandbox") {
		t.Fatalf("first is not the notice of the new sandbox: %+v", got[0])
	}
	wantTexts(t, got[1:], "1:late5")
	if set.At(1).Name != "late" {
		t.Fatalf("set: %v", set.All())
	}
	write(t, late.Dir, 6, "late6")
	write(t, a.Dir, 7, "a7")
	more := readN(t, s, 2)
	if len(more) != 2 {
		t.Fatalf("got %v", texts(more))
	}
}

func TestBoundedStreamEndsWhenEverySandboxDid(t *testing.T) {
	home := t.TempDir()
	a, b := sandbox(t, home, "a"), sandbox(t, home, "b")
	write(t, a.Dir, 1, "a1")
	write(t, b.Dir, 2, "b2")
	s, failed, err := Open(t.Context(), NewSet([]Sandbox{a, b}), engine.Options{}, "")
	if err != nil || len(failed) > 0 {
		t.Fatal(err, failed)
	}
	defer s.Close()
	var all []engine.Entry
	for {
		es, err := s.Next(t.Context(), 10)
		all = append(all, es...)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(all) != 2 {
		t.Fatalf("got %v", texts(all))
	}
}

func TestMergeTailKeepsEachRunsOrder(t *testing.T) {
	mk := func(origin uint16, ms ...int) []engine.Entry {
		var es []engine.Entry
		for i, m := range ms {
			es = append(es, engine.Entry{Time: t0.Add(time.Duration(m) * time.Millisecond), Origin: origin, Data: []byte(fmt.Sprint(i))})
		}
		return es
	}
	// Run 1 is not in time order (a clock step back): its entries still
	// come in their order, merged around it.
	got := mergeTail([][]engine.Entry{mk(0, 1, 5, 9), mk(1, 4, 2, 8)}, 0)
	wantTexts(t, got, "0:0", "1:0", "1:1", "0:1", "1:2", "0:2")
	wantTexts(t, mergeTail([][]engine.Entry{mk(0, 1, 5, 9), mk(1, 4, 2, 8)}, 2), "1:2", "0:2")
}

// inotifyInstances counts this process's inotify instances.
func inotifyInstances(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	n := 0
	for _, e := range ents {
		if l, err := os.Readlink(filepath.Join("/proc/self/fd", e.Name())); err == nil && strings.Contains(l, "inotify") {
			n++
		}
	}
	return n
}

// Following 200 sandboxes takes one inotify instance (Linux allows a
// user 128 by default), and a line written to any of them arrives.
func TestFollowing200SandboxesTakesOneInotifyInstance(t *testing.T) {
	before := inotifyInstances(t)
	home := t.TempDir()
	var sbs []Sandbox
	for i := range 200 {
		sb := sandbox(t, home, fmt.Sprintf("sb%03d", i))
		write(t, sb.Dir, i, fmt.Sprintf("first %d", i))
		sbs = append(sbs, sb)
	}
	snap, s, err := SnapshotFollow(t.Context(), NewSet(sbs), engine.Options{Follow: true}, home)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if len(snap.Entries) != 200 || len(snap.Failed) != 0 {
		t.Fatalf("%d entries, failed %v", len(snap.Entries), snap.Failed)
	}
	if got := inotifyInstances(t) - before; got > 1 {
		t.Fatalf("%d inotify instances following 200 sandboxes, want 1", got)
	}
	for _, i := range []int{0, 127, 128, 199} {
		write(t, sbs[i].Dir, 1000+i, fmt.Sprintf("live %d", i))
		got := readN(t, s, 1)
		wantTexts(t, got, fmt.Sprintf("%d:live %d", i, i))
	}
}
