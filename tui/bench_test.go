package tui

import (
	"context"
	"fmt"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"sandtail/engine"
	"sandtail/theme"
)

// benchModel is a model with n lines buffered on a w×h screen, fed
// directly (no commands), with the dark theme as a user would see it.
func benchModel(b *testing.B, n, w, h int) *Model {
	b.Helper()
	st := theme.Dark()
	m := newModel(context.Background(), Config{Name: "bench", Dir: "/x", Buffer: n}, options{backend: &fakeBackend{}, styles: &st, colorOK: true})
	m.Update(tea.WindowSizeMsg{Width: w, Height: h})
	m.gen = &generation{id: 1, cancel: func() {}}
	const batch = 10000
	for i := 0; i < n; i += batch {
		m.ingest(benchEntries(i, min(batch, n-i)))
	}
	return m
}

// benchEntries are n realistic lines: two sessions, some colour, some
// stderr.
func benchEntries(from, n int) []engine.Entry {
	out := make([]engine.Entry, n)
	for i := range out {
		k := from + i
		src := engine.Stdout
		data := fmt.Sprintf("2026-04-30 request id=%08x path=/api/v1/items/%d status=\x1b[32m200\x1b[0m took=%dms\n", k, k%977, k%300)
		if k%17 == 0 {
			src = engine.Stderr
			data = fmt.Sprintf("warning: retrying upstream call %d after timeout\n", k)
		}
		out[i] = engine.Entry{Time: time.Unix(int64(k), 0), Source: src, Session: uint64(k % 2), HasSession: true,
			Data: []byte(data), Cursor: engine.NewCursor(engine.Position{Inode: 1, Offset: uint64(k) * 100})}
	}
	return out
}

func benchView(b *testing.B, n int) {
	m := benchModel(b, n, 200, 60)
	m.timestamps, m.ids = true, true
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

// BenchmarkView1k and BenchmarkView1M draw a 200×60 frame; their ratio
// should be about 1, since only visible rows are drawn.
func BenchmarkView1k(b *testing.B) { benchView(b, 1000) }
func BenchmarkView1M(b *testing.B) { benchView(b, 1000000) }

// BenchmarkViewPaused1M draws from the middle of a million lines.
func BenchmarkViewPaused1M(b *testing.B) {
	m := benchModel(b, 1000000, 200, 60)
	m.vp.Unfollow()
	m.vp.Goto(m.vp.VisibleAt(500000))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

// BenchmarkIngest10k adds a batch of 10k entries to a full 200k-line ring
// (so every line also evicts one), with a search active.
func BenchmarkIngest10k(b *testing.B) {
	m := benchModel(b, DefaultBuffer, 200, 60)
	m.search, _ = compileQuery("timeout", false)
	batches := make([][]engine.Entry, 8)
	for i := range batches {
		batches[i] = benchEntries(DefaultBuffer+i*10000, 10000)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.ingest(batches[i%len(batches)])
	}
}

// BenchmarkFilter200k recomputes a filter over a full 200k-line buffer,
// as typing one character into the filter box does. Target: under 50 ms.
func BenchmarkFilter200k(b *testing.B) {
	m := benchModel(b, DefaultBuffer, 200, 60)
	queries := []string{"items/42", "Items/42", "status=500", "retrying"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.filter, _ = compileQuery(queries[i%len(queries)], false)
		m.vp.Refilter()
	}
}

// BenchmarkFilterRegex200k is the same with a regular expression.
func BenchmarkFilterRegex200k(b *testing.B) {
	m := benchModel(b, DefaultBuffer, 200, 60)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.filter, _ = compileQuery(`re:items/4[0-9]+ status`, false)
		m.vp.Refilter()
	}
}

// BenchmarkSearch200k recomputes the matches of a new search query.
func BenchmarkSearch200k(b *testing.B) {
	m := benchModel(b, DefaultBuffer, 200, 60)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.search, _ = compileQuery("took=29", false)
		m.vp.Rematch()
	}
}

// BenchmarkContextFilter200k recomputes a filter with 3 lines of context
// over a full 200k-line buffer. Target: under 50 ms.
func BenchmarkContextFilter200k(b *testing.B) {
	m := benchModel(b, DefaultBuffer, 200, 60)
	m.around.n = 3
	queries := []string{"items/42", "Items/42", "status=500", "retrying"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.filter, _ = compileQuery(queries[i%len(queries)], false)
		m.refilter()
	}
}

// BenchmarkLevelFilter200k steps the minimum level over a full 200k-line
// buffer, as L does. Target: under 50 ms.
func BenchmarkLevelFilter200k(b *testing.B) {
	m := benchModel(b, DefaultBuffer, 200, 60)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m.cycleLevel()
	}
}

// benchViewStrip draws a 200×60 frame with the activity strip on.
func benchViewStrip(b *testing.B, n int) {
	m := benchModel(b, n, 200, 60)
	m.toggleStrip()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

// BenchmarkViewStrip1k and BenchmarkViewStrip1M draw the frame with the
// strip on; their ratio should be about 1: the strip sums a fixed number
// of buckets, never the lines.
func BenchmarkViewStrip1k(b *testing.B) { benchViewStrip(b, 1000) }
func BenchmarkViewStrip1M(b *testing.B) { benchViewStrip(b, 1000000) }
