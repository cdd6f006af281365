package printmode

import (
	"sync/atomic"

	"sandtail/engine"
)

// A snapshot is read and written at once: the engine parses the next
// batch while another goroutine formats and writes the one before, so a
// cold start costs about the larger of the two rather than their sum. The
// engine reuses a batch's memory as soon as it has handed it over, so each
// batch is copied into one of two buffers that go back and forth.

// pipeBuffers is how many batches may be in flight.
const pipeBuffers = 2

// pipeBatch is a copied batch: the entries and the bytes their Data use.
type pipeBatch struct {
	entries []engine.Entry
	data    []byte
}

// pipeline writes batches through p on a goroutine of its own.
type pipeline struct {
	p    entryPrinter
	todo chan *pipeBatch
	free chan *pipeBatch
	done chan error
	// failed is the writing goroutine's first error, seen by write at
	// once so that a closed pipe (| head) ends the read.
	failed atomic.Pointer[error]
}

func newPipeline(p entryPrinter) *pipeline {
	pl := &pipeline{p: p, todo: make(chan *pipeBatch, pipeBuffers), free: make(chan *pipeBatch, pipeBuffers), done: make(chan error, 1)}
	for i := 0; i < pipeBuffers; i++ {
		pl.free <- &pipeBatch{}
	}
	go pl.run()
	return pl
}

func (pl *pipeline) run() {
	var err error
	for b := range pl.todo {
		if err == nil {
			if err = pl.p.Write(b.entries); err != nil {
				pl.failed.Store(&err)
			}
		}
		clear(b.entries)
		pl.free <- b
	}
	pl.done <- err
}

// write copies es and queues it; it returns the first error the writing
// goroutine met, which ends the read.
func (pl *pipeline) write(es []engine.Entry) error {
	b := <-pl.free
	if err := pl.failed.Load(); err != nil {
		pl.free <- b
		return *err
	}
	n := 0
	for i := range es {
		n += len(es[i].Data)
	}
	if cap(b.data) < n {
		b.data = make([]byte, 0, n+n/4)
	}
	b.data = b.data[:0]
	b.entries = append(b.entries[:0], es...)
	for i := range b.entries {
		e := &b.entries[i]
		at := len(b.data)
		b.data = append(b.data, e.Data...)
		e.Data = b.data[at:len(b.data):len(b.data)]
	}
	pl.todo <- b
	return nil
}

// close waits for every queued batch to be written and returns the first
// error; the printer is then the caller's again.
func (pl *pipeline) close() error {
	close(pl.todo)
	return <-pl.done
}
