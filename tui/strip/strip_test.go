package strip

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

const sec = int64(1e9)

func TestHistCountsAndColumns(t *testing.T) {
	var h Hist
	for i := 0; i < 100; i++ {
		h.Add(Sample{UnixNano: 1000*sec + int64(i)*sec, Source: i % 2, Err: i%10 == 0})
	}
	h.Add(Sample{UnixNano: 1050 * sec, Source: 3, Start: true})
	if h.Len() != 101 {
		t.Fatalf("Len = %d", h.Len())
	}
	from, to, ok := h.Range()
	if !ok || from > 1000*sec || to < 1099*sec {
		t.Fatalf("Range = %d…%d", from, to)
	}
	cols := h.Columns(1000*sec, 1100*sec, 10, 0b1111)
	total, errs, starts := 0, 0, 0
	for _, c := range cols {
		total += c.N
		errs += c.Err
		if c.Start {
			starts++
		}
	}
	if total != 101 || errs != 10 || starts != 1 {
		t.Fatalf("columns sum to %d lines, %d errors, %d starts; want 101, 10, 1: %+v", total, errs, starts, cols)
	}
	// Hiding source 1 leaves the other half, and source 3's line.
	n := 0
	for _, c := range h.Columns(1000*sec, 1100*sec, 10, 0b1101) {
		n += c.N
	}
	if n != 51 {
		t.Fatalf("with source 1 hidden: %d lines, want 51", n)
	}
}

func TestHistCoarsensAndFollowsEviction(t *testing.T) {
	var h Hist
	var samples []Sample
	// A week of lines, one a minute: far more than Buckets of the finest
	// span, so the buckets must merge.
	for i := int64(0); i < 7*24*60; i++ {
		s := Sample{UnixNano: i * 60 * sec, Source: 0}
		samples = append(samples, s)
		h.Add(s)
	}
	if h.Span() <= minSpan {
		t.Fatal("the span never grew")
	}
	from, to, _ := h.Range()
	if from > 0 || to < samples[len(samples)-1].UnixNano {
		t.Fatalf("range %d…%d does not cover the week", from, to)
	}
	// Lines leave oldest first; the rest stay counted.
	for _, s := range samples[:len(samples)-100] {
		h.Remove(s)
	}
	if h.Len() != 100 {
		t.Fatalf("Len after removing = %d, want 100", h.Len())
	}
	if !h.Coarse() {
		t.Error("a hundred minutes in week-sized buckets should be reported coarse")
	}
	n := 0
	from, to, _ = h.Range()
	// Fewer columns than buckets: each bucket is in one column.
	for _, c := range h.Columns(from, to, 10, 1) {
		n += c.N
	}
	if n != 100 {
		t.Fatalf("columns hold %d lines, want 100", n)
	}
}

func TestHistRandomAddRemoveStaysConsistent(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	var h Hist
	var held []Sample
	for i := 0; i < 20000; i++ {
		if len(held) > 0 && rng.Intn(3) == 0 {
			h.Remove(held[0])
			held = held[1:]
			continue
		}
		s := Sample{UnixNano: int64(i)*sec/10 + rng.Int63n(sec), Source: rng.Intn(Sources), Err: rng.Intn(5) == 0}
		held = append(held, s)
		h.Add(s)
	}
	from, to, _ := h.Range()
	n := 0
	for _, c := range h.Columns(from, to, 137, 0b1111) {
		n += c.N
	}
	if n != len(held) || h.Len() != len(held) {
		t.Fatalf("columns %d, Len %d, held %d", n, h.Len(), len(held))
	}
}

func TestBars(t *testing.T) {
	cols := []Column{{N: 8}, {N: 4, Err: 4}, {}, {N: 1, Start: true}, {N: 2, Stop: true}}
	rows := Bars(cols, 1, 2, Styles{})
	got := ansi.Strip(strings.Join(rows, "\n"))
	want := "█▄ ▁▂\n──▲↻∎"
	if got != want {
		t.Fatalf("Bars =\n%s\nwant\n%s", got, want)
	}
	mono := ansi.Strip(strings.Join(Bars([]Column{{N: 8, Err: 8}}, 2, -1, Styles{Mono: true}), "\n"))
	if mono != "▓\n▓\n─" {
		t.Fatalf("mono error bar =\n%s", mono)
	}
}

func TestColMapping(t *testing.T) {
	if c := Col(50, 0, 100, 10); c != 5 {
		t.Errorf("Col = %d", c)
	}
	if c := Col(500, 0, 100, 10); c != 9 {
		t.Errorf("Col past the end = %d", c)
	}
	if s := ColStart(5, 0, 100, 10); s != 50 {
		t.Errorf("ColStart = %d", s)
	}
}

func TestRateSpark(t *testing.T) {
	var r Rate
	now := int64(1_000_000)
	for i := 0; i < 10; i++ {
		r.Add((now - 1) * sec) // busy in the last seconds
	}
	r.Add((now - 55) * sec)
	r.Add((now - 600) * sec) // too old
	got := r.Spark(now, 6)
	if ansi.StringWidth(got) != 6 {
		t.Fatalf("width %d: %q", ansi.StringWidth(got), got)
	}
	runes := []rune(got)
	if runes[5] != '█' || runes[0] == '▁' || runes[2] != '▁' {
		t.Fatalf("Spark = %q", got)
	}
}
