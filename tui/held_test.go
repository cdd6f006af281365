package tui

import (
	"fmt"
	"strings"
	"testing"

	"sandtail/engine"
)

// TestLongLinesAreBoundedByMemoryNotOnlyByCount sends lines of 16 KiB of
// C1 bytes (each costs about 80 KiB held: its text and its sanitised
// text): the buffer lets the oldest go once they would hold more than
// maxHeldBytes, far below --buffer lines, and the newest stays in view
// with the counts right.
func TestLongLinesAreBoundedByMemoryNotOnlyByCount(t *testing.T) {
	h := newHarness(t, Config{Buffer: 100000}, &fakeBackend{})
	body := strings.Repeat("\u009b", 8000) // 16,000 bytes: the line fits under the 16 KiB cap
	per := int64(0)
	sent := 0
	for batch := 0; batch < 20; batch++ {
		var es []engine.Entry
		for i := 0; i < 100; i++ {
			es = append(es, ent(engine.Stdout, 1, fmt.Sprintf("%s long %d\n", body, sent)))
			sent++
		}
		h.send(0, es...)
		if per == 0 {
			per = h.m.held / int64(h.m.vp.Len())
		}
		if h.m.held > maxHeldBytes {
			t.Fatalf("after %d lines the buffer holds %d bytes, over %d", sent, h.m.held, maxHeldBytes)
		}
	}
	if per < 64<<10 {
		t.Fatalf("a line of 16 KiB of C1 bytes is counted as %d bytes: the count misses its sanitised text", per)
	}
	n := h.m.vp.Len()
	if n >= sent || int64(n) < maxHeldBytes/per-1 {
		t.Fatalf("the buffer holds %d of %d lines of about %d bytes: want as many as fit in %d bytes", n, sent, per, maxHeldBytes)
	}
	if h.m.counts[engine.Stdout] != n {
		t.Fatalf("header counts %d stdout lines, the buffer holds %d", h.m.counts[engine.Stdout], n)
	}
	var want int64
	for seq := h.m.vp.First(); seq < h.m.vp.End(); seq++ {
		want += h.m.vp.Line(seq).heldBytes()
	}
	if want != h.m.held {
		t.Fatalf("held is %d, the lines hold %d", h.m.held, want)
	}
	if !strings.Contains(h.selText(), fmt.Sprintf("long %d", sent-1)) {
		t.Fatalf("the newest line is not selected")
	}
	// Ordinary lines are not affected: the count bounds them.
	h2 := newHarness(t, Config{Buffer: 1000}, &fakeBackend{})
	h2.send(0, outLines(0, 1500)...)
	if h2.m.vp.Len() != 1000 {
		t.Fatalf("ordinary lines: %d held, want the buffer's 1000", h2.m.vp.Len())
	}
}
