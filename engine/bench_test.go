package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sandtail/engine/sim"
)

// The full retention window (exec.log.4 … exec.log at 10 MiB, runtime.log,
// kernel.log; ~310k entries) is written once per test binary and shared by
// the benchmarks that read it.
var (
	windowOnce sync.Once
	windowDir  string
	windowErr  error
)

func TestMain(m *testing.M) {
	// The holder tests start this test binary again as the holder.
	RunHolderIfRequested()
	code := m.Run()
	if windowDir != "" {
		os.RemoveAll(filepath.Dir(windowDir))
	}
	os.Exit(code)
}

func fullWindow(b *testing.B) string {
	b.Helper()
	windowOnce.Do(func() {
		root, err := os.MkdirTemp("", "sandtail-window-")
		if err != nil {
			windowErr = err
			return
		}
		windowDir = filepath.Join(root, "logs")
		_, windowErr = sim.FillWindow(windowDir, 1)
	})
	if windowErr != nil {
		b.Fatal(windowErr)
	}
	return windowDir
}

// windowBytes reads every file of the window into memory.
func windowBytes(b *testing.B, dir string) [][]byte {
	b.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "*.log*"))
	var out [][]byte
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			b.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

func totalLen(bufs [][]byte) int64 {
	var n int64
	for _, b := range bufs {
		n += int64(len(b))
	}
	return n
}

// BenchmarkNewlineFloor only finds the newlines of the window, in memory:
// the floor a snapshot is measured against.
func BenchmarkNewlineFloor(b *testing.B) {
	bufs := windowBytes(b, fullWindow(b))
	b.SetBytes(totalLen(bufs))
	lines := 0
	for b.Loop() {
		lines = 0
		for _, buf := range bufs {
			for i := 0; ; {
				j := bytes.IndexByte(buf[i:], '\n')
				if j < 0 {
					break
				}
				lines++
				i += j + 1
			}
		}
	}
	b.ReportMetric(float64(lines), "lines")
}

// BenchmarkNewlineFloorRead reads the window's files (one read each into
// a buffer reused across files and iterations) and finds their newlines:
// the floor for anything that reads the files.
func BenchmarkNewlineFloorRead(b *testing.B) {
	dir := fullWindow(b)
	names, _ := filepath.Glob(filepath.Join(dir, "*.log*"))
	var buf []byte
	b.SetBytes(totalLen(windowBytes(b, dir)))
	for b.Loop() {
		for _, n := range names {
			f, err := os.Open(n)
			if err != nil {
				b.Fatal(err)
			}
			fi, _ := f.Stat()
			if int64(cap(buf)) < fi.Size() {
				buf = make([]byte, fi.Size())
			}
			got, _ := f.ReadAt(buf[:fi.Size()], 0)
			f.Close()
			data := buf[:got]
			for i := 0; ; {
				j := bytes.IndexByte(data[i:], '\n')
				if j < 0 {
					break
				}
				i += j + 1
			}
		}
	}
}

// BenchmarkSnapshotEncodingJSON is the obvious snapshot, for calibration
// against the figures (about 1 s, 55× its newline floor):
// os.ReadFile, encoding/json into a struct, time.Parse and a stable sort,
// over the same window's exec.log files.
func BenchmarkSnapshotEncodingJSON(b *testing.B) {
	dir := fullWindow(b)
	names, _ := filepath.Glob(filepath.Join(dir, "exec.log*"))
	type record struct {
		T  string  `json:"t"`
		S  string  `json:"s"`
		D  string  `json:"d"`
		ID *uint64 `json:"id"`
		E  string  `json:"e"`
	}
	var size int64
	for _, name := range names {
		fi, err := os.Stat(name)
		if err != nil {
			b.Fatal(err)
		}
		size += fi.Size()
	}
	b.SetBytes(size)
	n := 0
	for b.Loop() {
		var es []Entry
		for _, name := range names {
			data, err := os.ReadFile(name)
			if err != nil {
				b.Fatal(err)
			}
			for line := range bytes.Lines(data) {
				var r record
				if json.Unmarshal(line, &r) != nil {
					continue
				}
				tm, err := time.Parse(time.RFC3339Nano, r.T)
				if err != nil {
					continue
				}
				e := Entry{Time: tm, Data: []byte(r.D)}
				if r.ID != nil {
					e.Session, e.HasSession = *r.ID, true
				}
				es = append(es, e)
			}
		}
		slices.SortStableFunc(es, func(x, y Entry) int { return x.Time.Compare(y.Time) })
		n = len(es)
	}
	b.ReportMetric(float64(n), "entries")
}

// BenchmarkSnapshotFullWindow reads, parses and sorts the whole window.
func BenchmarkSnapshotFullWindow(b *testing.B) {
	for _, tc := range []struct {
		name    string
		sources Sources
	}{{"all", AllSources}, {"default", 0}} {
		b.Run(tc.name, func(b *testing.B) {
			dir := fullWindow(b)
			b.SetBytes(totalLen(windowBytes(b, dir)))
			var ms0, ms1 runtime.MemStats
			entries := 0
			runtime.GC()
			runtime.ReadMemStats(&ms0)
			for b.Loop() {
				snap, err := ReadSnapshot(context.Background(), dir, Options{Sources: tc.sources})
				if err != nil {
					b.Fatal(err)
				}
				entries = len(snap.Entries)
			}
			runtime.ReadMemStats(&ms1)
			b.ReportMetric(float64(entries), "entries")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(b.N)/float64(entries), "allocs/entry")
		})
	}
}

// BenchmarkNewestScreenful is the time until the last 200 entries of the
// full window are available: what a UI paints first.
func BenchmarkNewestScreenful(b *testing.B) {
	dir := fullWindow(b)
	for b.Loop() {
		snap, err := ReadSnapshot(context.Background(), dir, Options{Sources: AllSources, Tail: 200})
		if err != nil {
			b.Fatal(err)
		}
		if len(snap.Entries) != 200 {
			b.Fatalf("%d entries", len(snap.Entries))
		}
	}
}

// BenchmarkFollowLatency measures the time from a write to the entry being
// handed over by a follow stream blocked in Next, with rotations going on.
// Each op is one record written 1 ms after the previous one; on Linux it
// runs with the stream's own watcher and with a holder process.
func BenchmarkFollowLatency(b *testing.B) {
	b.Run("watcher", func(b *testing.B) { followLatency(b, false) })
	if runtime.GOOS == "linux" {
		b.Run("holder", func(b *testing.B) { followLatency(b, true) })
	}
}

// followLatency measures, with or without a holder process.
func followLatency(b *testing.B, holder bool) {
	dir := logDir(b)
	sb, err := sim.New(dir, sim.Config{RotateBytes: 64 << 10})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	s, err := Open(context.Background(), dir, Options{Follow: true, Holder: holder})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if holder {
		waitRemote(b, s, true)
	}
	var lat []time.Duration
	got := make(chan struct{})
	go func() {
		defer close(got)
		for {
			batch, err := s.Next(context.Background(), 1024)
			if err != nil {
				return
			}
			now := time.Now()
			for _, e := range batch {
				fields := bytes.Fields(e.Data)
				if len(fields) != 2 {
					continue
				}
				sent, _ := strconv.ParseInt(string(fields[1]), 10, 64)
				lat = append(lat, now.Sub(time.Unix(0, sent)))
				if string(fields[0]) == "last" {
					return
				}
			}
		}
	}()
	pad := bytes.Repeat([]byte("x"), 150)
	n := 0
	for b.Loop() {
		msg := append(append([]byte("lat "), strconv.FormatInt(time.Now().UnixNano(), 10)...), '\n')
		if err := sb.Exec("stdout", 1, msg); err != nil {
			b.Fatal(err)
		}
		if err := sb.Exec("stderr", 2, pad); err != nil { // bulk, so files rotate
			b.Fatal(err)
		}
		n++
		time.Sleep(time.Millisecond)
	}
	sb.Exec("stdout", 1, []byte("last "+strconv.FormatInt(time.Now().UnixNano(), 10)+"\n"))
	<-got
	slices.Sort(lat)
	if len(lat) < n {
		b.Fatalf("handed over %d of %d", len(lat), n)
	}
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
	b.ReportMetric(float64(sb.Rotations()), "rotations")
}

// BenchmarkParseExecLines parses exec.log records already in memory, one
// core: the decoder's own cost, apart from I/O, allocation and sorting.
func BenchmarkParseExecLines(b *testing.B) {
	dir := fullWindow(b)
	src, err := os.ReadFile(filepath.Join(dir, "exec.log.1"))
	if err != nil {
		b.Fatal(err)
	}
	var skipped atomic.Int64
	p := newLineParser(&fileTable[0], 0, Options{Sources: AllSources}, &skipped)
	buf := make([]byte, len(src))
	out := make([]Entry, 0, bytes.Count(src, []byte{'\n'}))
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		copy(buf, src) // parsing unescapes in place
		out, _ = p.parseBlock(buf, 0, 0, 1, time.Time{}, out[:0], cap(out))
	}
	b.ReportMetric(float64(len(out)), "entries")
}

// BenchmarkHistoryOpen indexes the full window for the viewer: what makes
// the whole log reachable and searchable.
func BenchmarkHistoryOpen(b *testing.B) {
	dir := fullWindow(b)
	b.SetBytes(totalLen(windowBytes(b, dir)))
	entries := 0
	for b.Loop() {
		h, s, err := OpenHistory(context.Background(), dir, Options{Sources: AllSources})
		if err != nil {
			b.Fatal(err)
		}
		entries = h.Len()
		s.Close()
		h.Close()
	}
	b.ReportMetric(float64(entries), "entries")
}

// BenchmarkHistoryRead reads a window of 4,096 entries again, at the
// oldest, in the middle and at the newest: what moving the viewer's
// window costs.
func BenchmarkHistoryRead(b *testing.B) {
	dir := fullWindow(b)
	h, s, err := OpenHistory(context.Background(), dir, Options{Sources: AllSources})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(); h.Close() })
	n := h.Len()
	for _, at := range []struct {
		name string
		lo   int
	}{{"oldest", 0}, {"middle", n / 2}, {"newest", n - 4096}} {
		b.Run(at.name, func(b *testing.B) {
			for b.Loop() {
				es, err := h.Read(at.lo, at.lo+4096)
				if err != nil || len(es) != 4096 {
					b.Fatalf("%d entries, %v", len(es), err)
				}
			}
		})
	}
}
