package histscan

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sandtail/engine"
)

// execRecord is one exec.log record as microsandbox writes it.
func execRecord(ts time.Time, src string, id int, data string) string {
	d, _ := json.Marshal(data)
	return fmt.Sprintf(`{"t":"%s","s":"%s","d":%s,"id":%d}`+"\n", ts.UTC().Format("2006-01-02T15:04:05.000Z"), src, d, id)
}

// TestScanOverAnEngineSnapshot scans entries the engine read from a real
// exec.log: output chunks that split lines, two sessions interleaved.
func TestScanOverAnEngineSnapshot(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "logs")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Millisecond) }
	for i := range 3000 {
		switch {
		case i == 1500:
			b.WriteString(execRecord(at(i), "stdout", 1, "request needle-"))
		case i == 1501:
			b.WriteString(execRecord(at(i), "stderr", 2, "other session\nneedle two\n"))
		case i == 1502:
			b.WriteString(execRecord(at(i), "stdout", 1, "done\n"))
		default:
			b.WriteString(execRecord(at(i), "stdout", 1, fmt.Sprintf("line %d\n", i)))
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	snap, err := engine.ReadSnapshot(t.Context(), dir, engine.Options{Sources: engine.AllSources})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Entries) != 3000 {
		t.Fatalf("engine read %d entries, want 3000", len(snap.Entries))
	}
	s := Start(t.Context(), &memSource{entries: snap.Entries}, containing("needle"))
	if done, _, err := wait(t, s); err != nil || done != 3000 {
		t.Fatalf("scanned %d, err %v", done, err)
	}
	// The entries are in time order, so their ordinals are the records'.
	want := []Hit{{1500, 0}, {1501, 1}}
	if got := allHits(s); !slices.Equal(got, want) {
		t.Fatalf("hits %v, want %v", got, want)
	}
	placed := sameLines(t, snap.Entries)
	if l := placed[1500]; l.Plain != "request needle-done" || l.Session != 1 {
		t.Errorf("joined line %+v", l)
	}
}
