package printmode

import (
	"bufio"
	"bytes"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"sandtail/engine"
)

// pipeBatches makes batches of entries the way the engine hands them over:
// each batch's data lives in one buffer that is overwritten once the batch
// was handed over. fill(i) returns batch i; what it returned before is
// garbage from then on.
func pipeBatches(seed uint64, n int) (fill func(i int) []engine.Entry, want [][]engine.Entry) {
	rng := rand.New(rand.NewPCG(seed, 2))
	pieces := []string{"plain words ", "\n", "\"", "\\", "\t", "\x1b[31m", "\x7f", "é", "\u009b", "\u202e", "\xff", "日本"}
	sec := int64(1_780_000_000)
	for i := 0; i < n; i++ {
		size := rng.IntN(1500)
		if rng.IntN(10) == 0 {
			size = rng.IntN(3) // small batches, and empty ones
		}
		batch := make([]engine.Entry, size)
		for k := range batch {
			var d []byte
			for m := rng.IntN(6); m > 0; m-- {
				d = append(d, pieces[rng.IntN(len(pieces))]...)
			}
			if rng.IntN(200) == 0 {
				d = bytes.Repeat([]byte("x"), 60_000) // fills a job by its data
			}
			sec += rng.Int64N(2)
			e := engine.Entry{
				Time: time.Unix(sec, rng.Int64N(1e9)).UTC(), Source: engine.Source(rng.IntN(4)),
				Session: rng.Uint64N(9), HasSession: rng.IntN(3) > 0, Data: d, File: "exec.log",
				Cursor: engine.NewCursor(engine.Position{Inode: 5, Offset: uint64(i*10000 + k)}),
			}
			switch rng.IntN(300) {
			case 0:
				e.Mark, e.File = engine.MarkGap, "runtime.log"
			case 1:
				e.Truncated = 1 << 20
			}
			batch[k] = e
		}
		want = append(want, batch)
	}
	var buf []byte
	out := make([]engine.Entry, 0, 1500)
	fill = func(i int) []engine.Entry {
		// Overwrite what the last batch's data was in, then lay this
		// batch's data over the same memory.
		clear(buf)
		buf, out = buf[:0], out[:0]
		for _, e := range want[i] {
			buf = append(buf, e.Data...)
		}
		at := 0
		for _, e := range want[i] {
			e.Data = buf[at : at+len(e.Data) : at+len(e.Data)]
			at += len(e.Data)
			out = append(out, e)
		}
		return out
	}
	return fill, want
}

// TestPipePrintsWhatThePrinterPrints prints the same batches through the
// pipe, whose caller reuses each batch's memory as the engine does, and
// straight through the printer: stdout and the notices on stderr, which
// share one buffer here so that their order counts too, are the same
// bytes.
func TestPipePrintsWhatThePrinterPrints(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		fill, want := pipeBatches(seed, 40)
		var direct, piped bytes.Buffer
		{
			w := bufio.NewWriterSize(&direct, outBufSize)
			p := newJSONPrinter(w, &notifier{w: &direct, flushFirst: w}, nil)
			for _, b := range want {
				if err := p.Write(b); err != nil {
					t.Fatal(err)
				}
			}
			if err := p.Finish(); err != nil {
				t.Fatal(err)
			}
		}
		{
			w := bufio.NewWriterSize(&piped, outBufSize)
			p := newJSONPrinter(w, &notifier{w: &piped, flushFirst: w}, nil)
			q := newPrintPipe(p)
			for i := range want {
				if err := q.Write(fill(i)); err != nil {
					t.Fatal(err)
				}
			}
			if err := q.Close(); err != nil {
				t.Fatal(err)
			}
			if err := p.Finish(); err != nil {
				t.Fatal(err)
			}
		}
		if direct.Len() == 0 || !bytes.Equal(direct.Bytes(), piped.Bytes()) {
			t.Fatalf("seed %d: piped output (%d bytes) differs from the printer's (%d bytes)", seed, piped.Len(), direct.Len())
		}
	}
}

// failAfter accepts limit bytes, then fails every write.
type failAfter struct {
	limit int
	err   error
}

func (f *failAfter) Write(b []byte) (int, error) {
	if len(b) > f.limit {
		n := f.limit
		f.limit = 0
		return n, f.err
	}
	f.limit -= len(b)
	return len(b), nil
}

// TestPipeReportsTheWriteError: once stdout fails (a closed pipe), the
// pipe's Write returns the error, so the engine stops reading, and Close
// returns it too.
func TestPipeReportsTheWriteError(t *testing.T) {
	fill, want := pipeBatches(7, 200)
	broken := errors.New("broken pipe")
	w := bufio.NewWriterSize(&failAfter{limit: 1 << 20, err: broken}, outBufSize)
	p := newJSONPrinter(w, &notifier{w: &bytes.Buffer{}, flushFirst: w}, nil)
	q := newPrintPipe(p)
	var werr error
	written := 0
	for i := range want {
		if werr = q.Write(fill(i)); werr != nil {
			break
		}
		written++
	}
	if !errors.Is(werr, broken) {
		t.Fatalf("Write went on to the end (%d batches) without the error: %v", written, werr)
	}
	if err := q.Close(); !errors.Is(err, broken) {
		t.Fatalf("Close: %v, want the write error", err)
	}
}

// TestPipeCloseReportsALateError: a failure while writing the last job,
// after the last Write returned, comes back from Close.
func TestPipeCloseReportsALateError(t *testing.T) {
	broken := errors.New("broken pipe")
	w := bufio.NewWriterSize(&failAfter{limit: 10, err: broken}, outBufSize)
	p := newJSONPrinter(w, &notifier{w: &bytes.Buffer{}, flushFirst: w}, nil)
	q := newPrintPipe(p)
	// More than stdout's buffer holds: printing it writes to stdout.
	big := entry(1, engine.Stdout, 1, string(bytes.Repeat([]byte("x"), 2*outBufSize)))
	if err := q.Write([]engine.Entry{big}); err != nil {
		t.Fatalf("Write: %v (the job is not full: nothing was printed yet)", err)
	}
	if err := q.Close(); !errors.Is(err, broken) {
		t.Fatalf("Close: %v, want the write error", err)
	}
}
