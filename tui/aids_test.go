package tui

import (
	"fmt"
	"strings"
	"testing"

	"sandtail/engine"
)

// bodyTexts are the body rows between the header and the footer's rows,
// each trimmed, for tests that check which lines show.
func (h *harness) bodyTexts() []string {
	rows := h.rows()
	var out []string
	for _, r := range rows[1 : len(rows)-len(h.m.footerRows())] {
		if s := strings.TrimSpace(r); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// numbered is n stdout lines "line 0" …, with "hit k" in place of line k
// for each k in errs.
func numbered(n int, errs ...int) []engine.Entry {
	var out []engine.Entry
	for i := 0; i < n; i++ {
		text := fmt.Sprintf("line %d\n", i)
		for _, k := range errs {
			if k == i {
				text = fmt.Sprintf("hit %d\n", i)
			}
		}
		out = append(out, ent(engine.Stdout, 1, text))
	}
	return out
}

func filterFor(h *harness, q string) {
	h.key("&")
	h.typeText(q)
	h.key("enter")
}

func TestContextWidensAndNarrowsAroundMatches(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, numbered(20, 5, 14)...)
	filterFor(h, "hit")
	if got := h.bodyTexts(); len(got) != 2 {
		t.Fatalf("filter without context shows %q", got)
	}
	h.key("+")
	want := []string{"out line 4", "out hit 5", "out line 6", "┄", "out line 13", "out hit 14", "out line 15"}
	got := h.bodyTexts()
	if len(got) != len(want) {
		t.Fatalf("context 1 shows %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], strings.TrimPrefix(want[i], "▌")) && !strings.Contains(got[i], want[i]) {
			t.Errorf("row %d = %q, want %q", i, got[i], want[i])
		}
	}
	if hdr := h.rows()[0]; !strings.Contains(hdr, "filter:hit ±1 2 matches") {
		t.Errorf("header does not count matches only: %q", hdr)
	}
	h.key("+", "+", "+", "+")
	// Context 5 joins the two groups (lines 0…19 but 10 is 5 from both).
	got = h.bodyTexts()
	if len(got) != 20 || strings.Contains(strings.Join(got, "\n"), "┄") {
		t.Fatalf("context 5 should show one group of 20 lines, got %d rows: %q", len(got), got)
	}
	if hdr := h.rows()[0]; !strings.Contains(hdr, "±5 2 matches") {
		t.Errorf("header: %q", hdr)
	}
	h.key("-", "-", "-", "-", "-")
	if got := h.bodyTexts(); len(got) != 2 {
		t.Fatalf("context back to 0 shows %q", got)
	}
	h.key("-")
	if !strings.Contains(h.footer(), "no context lines to take away") {
		t.Errorf("footer: %q", h.footer())
	}
}

func TestContextFollowsLinesAsTheyArrive(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, numbered(3)...)
	filterFor(h, "hit")
	h.key("+", "+")
	// A match that arrives shows the two lines before it, and the two
	// after it as they come.
	h.send(0, ent(engine.Stdout, 1, "hit live\n"))
	h.send(0, ent(engine.Stdout, 1, "after 1\n"), ent(engine.Stdout, 1, "after 2\n"), ent(engine.Stdout, 1, "after 3\n"))
	got := strings.Join(h.bodyTexts(), "\n")
	for _, want := range []string{"line 1", "line 2", "hit live", "after 1", "after 2"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	for _, not := range []string{"line 0", "after 3"} {
		if strings.Contains(got, not) {
			t.Errorf("%q shown though out of context:\n%s", not, got)
		}
	}
	if hdr := h.rows()[0]; !strings.Contains(hdr, "±2 1 match") {
		t.Errorf("header: %q", hdr)
	}
}

func TestContextKeysWithoutFilterSaySo(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, numbered(3)...)
	h.key("+")
	if !strings.Contains(h.footer(), "context: 1 lines around each match of a filter") {
		t.Errorf("footer: %q", h.footer())
	}
	if got := h.bodyTexts(); len(got) != 3 {
		t.Errorf("context without a filter changed the view: %q", got)
	}
}

func TestLevelCyclesMinimum(t *testing.T) {
	h := newHarness(t, Config{Sources: engine.AllSources}, &fakeBackend{})
	h.send(0,
		ent(engine.System, 0, "DEBUG runtime: polling\n"),
		ent(engine.System, 0, "INFO runtime: booting vm\n"),
		ent(engine.Stdout, 1, "level=warn msg=slow\n"),
		ent(engine.Stdout, 1, `{"level":"error","msg":"boom"}`+"\n"),
		ent(engine.Stdout, 1, "plain output\n"),
	)
	if got := h.bodyTexts(); len(got) != 5 {
		t.Fatalf("all levels: %q", got)
	}
	for i, want := range []string{"D DEBUG", "I INFO", "W level=warn", "E {", "plain output"} {
		if !strings.Contains(h.bodyTexts()[i], want) {
			t.Errorf("row %d = %q, want the marker %q", i, h.bodyTexts()[i], want)
		}
	}
	for _, step := range []struct {
		label string
		rows  int
	}{{"level:info+", 3}, {"level:warn+", 2}, {"level:error", 1}, {"", 5}} {
		h.key("L")
		hdr := h.rows()[0]
		if step.label != "" && !strings.Contains(hdr, step.label) {
			t.Errorf("header %q lacks %q", hdr, step.label)
		}
		if step.label == "" && strings.Contains(hdr, "level:") {
			t.Errorf("header still names a level: %q", hdr)
		}
		if got := h.bodyTexts(); len(got) != step.rows {
			t.Errorf("%s: %d rows, want %d: %q", step.label, len(got), step.rows, got)
		}
	}
}

func TestLevelAndFilterAndContextTogether(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	var es []engine.Entry
	for i := 0; i < 10; i++ {
		lv := "info"
		if i%3 == 0 {
			lv = "warn"
		}
		es = append(es, ent(engine.Stdout, 1, fmt.Sprintf("level=%s n=%d\n", lv, i)))
	}
	h.send(0, es...)
	h.key("L", "L") // warn+: n=0,3,6,9
	filterFor(h, "n=6")
	h.key("+")
	got := strings.Join(h.bodyTexts(), "\n")
	for _, want := range []string{"n=3", "n=6", "n=9"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "n=5") || strings.Contains(got, "n=7") {
		t.Errorf("context took lines the level hides:\n%s", got)
	}
}

func TestExpandJSONAndCopyThePrettyForm(t *testing.T) {
	h := newHarness(t, Config{}, &fakeBackend{})
	h.send(0, ent(engine.Stdout, 1, `{"level":"info","msg":"hi \u001b[31mred","n":3}`+"\n"), ent(engine.Stdout, 1, "not json\n"))
	h.key("J")
	if !strings.Contains(h.footer(), "not") {
		t.Errorf("J on a plain line: footer %q", h.footer())
	}
	h.key("k", "J")
	body := strings.Join(h.bodyTexts(), "\n")
	for _, want := range []string{`"level": "info",`, `"msg": "hi \u001b[31mred",`, `"n": 3`, "}"} {
		if !strings.Contains(body, want) {
			t.Errorf("expanded view lacks %q:\n%s", want, body)
		}
	}
	h.key("y")
	want := "{\n  \"level\": \"info\",\n  \"msg\": \"hi \\u001b[31mred\",\n  \"n\": 3\n}"
	if !strings.Contains(h.clipboard, want) {
		t.Errorf("y copied %q, want the pretty form %q", h.clipboard, want)
	}
	h.key("J")
	if got := h.bodyTexts(); len(got) != 2 {
		t.Errorf("J again should fold the line back: %q", got)
	}
	h.key("y")
	if strings.Contains(h.clipboard, "\n") {
		t.Errorf("y on a folded line copied the pretty form: %q", h.clipboard)
	}
}
