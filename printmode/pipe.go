package printmode

import (
	"sync/atomic"

	"sandtail/engine"
)

// After its index is built, a snapshot is read on one goroutine: the
// engine parses a batch, hands it over, and the printer formats it before
// the engine goes on. Formatting JSON was about half of that, so --json
// prints the snapshot through a pipe: the batches are copied (their data
// lives in the engine's buffers, reused once a batch is handed over) into
// a job, and a goroutine of the pipe's own formats and writes one job
// while the engine parses the next. The printer is then used by that
// goroutine alone until Close, and the bytes written are the same.

const (
	// pipeJobEntries and pipeJobData are how many entries, and how many
	// bytes of their data, a job collects before it is handed to the
	// writer: enough work that the writer's start (it sleeps while it
	// waits for a job) is small beside formatting it, little enough that
	// the jobs stay in the cache. (Jobs of a thousand entries made the
	// writer's starts the cost; of four thousand, no faster than two.)
	pipeJobEntries = 2048
	pipeJobData    = 256 << 10
	// pipeJobs is how many jobs there are: one filled while the other is
	// written.
	pipeJobs = 2
	// engineBatchMax is the most entries the engine hands over at once
	// (a batch and a record's lines): the job's room past pipeJobEntries.
	engineBatchMax = 1280
)

// printPipe writes batches of entries through a printer on a goroutine of
// its own.
type printPipe struct {
	p    entryPrinter
	jobs chan *pipeJob // to the writer
	free chan *pipeJob // back from it
	done chan struct{} // closed when the writer has ended
	cur  *pipeJob      // being filled; nil when none is
	// failed is set once the printer has failed, after err.
	failed atomic.Bool
	err    error
}

// pipeJob is entries and a copy of their data.
type pipeJob struct {
	es   []engine.Entry
	data []byte
}

func newPrintPipe(p entryPrinter) *printPipe {
	q := &printPipe{p: p, jobs: make(chan *pipeJob, pipeJobs), free: make(chan *pipeJob, pipeJobs), done: make(chan struct{})}
	for range pipeJobs {
		q.free <- &pipeJob{}
	}
	go q.write()
	return q
}

// write is the writer: it prints every job it is given, until the first
// error, and gives the job back.
func (q *printPipe) write() {
	defer close(q.done)
	for j := range q.jobs {
		if !q.failed.Load() {
			if err := q.p.Write(j.es); err != nil {
				q.err = err
				q.failed.Store(true)
			}
		}
		j.reset()
		q.free <- j
	}
}

// reset empties a job for reuse, letting go of buffers an unusual batch
// made large.
func (j *pipeJob) reset() {
	clear(j.es)
	j.es = j.es[:0]
	if cap(j.es) > pipeJobEntries+engineBatchMax {
		j.es = nil
	}
	j.data = j.data[:0]
	if cap(j.data) > 2*pipeJobData {
		j.data = nil
	}
}

// Write copies es into the job being filled, and hands the job to the
// writer when it is full. It returns the printer's error once it has
// failed.
func (q *printPipe) Write(es []engine.Entry) error {
	if q.failed.Load() {
		return q.err
	}
	if q.cur == nil {
		q.cur = <-q.free
		if q.cur.es == nil {
			q.cur.es = make([]engine.Entry, 0, pipeJobEntries+engineBatchMax)
			q.cur.data = make([]byte, 0, pipeJobData+pipeJobData/4)
		}
	}
	j := q.cur
	// The entries are copied at once, then pointed at the copy of their
	// data: copied one by one, they were most of the pipe's own cost.
	n0 := len(j.es)
	j.es = append(j.es, es...)
	for i := n0; i < len(j.es); i++ {
		e := &j.es[i]
		if len(e.Data) > 0 {
			// A reallocation leaves the entries before it on the old
			// array, which they keep alive: still theirs.
			start := len(j.data)
			j.data = append(j.data, e.Data...)
			e.Data = j.data[start:len(j.data):len(j.data)]
		}
	}
	if len(j.es) >= pipeJobEntries || len(j.data) >= pipeJobData {
		q.send()
	}
	return nil
}

func (q *printPipe) send() {
	if q.cur != nil {
		q.jobs <- q.cur
		q.cur = nil
	}
}

// Close writes what is left, waits for the writer to end, and returns the
// printer's first error. The printer is the caller's again after it.
func (q *printPipe) Close() error {
	q.send()
	close(q.jobs)
	<-q.done
	return q.err
}
