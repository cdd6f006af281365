package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"sandtail/engine/sim"
)

// demoRotateBytes is the demo's rotation size: small, so rotation happens
// within a minute at the default rate and the reader can be seen surviving it.
const demoRotateBytes = 256 << 10

// demoSessions is how many program sessions the demo runs at once: every
// kind the simulator knows (web server, worker, PTY build) and a second web
// server, so session ids and interleaving show.
const demoSessions = 4

// demoWarmup is how long the demo writes before a one-shot print takes its
// snapshot, so `sandtail --demo --print` has something to show.
const demoWarmup = 2 * time.Second

// demo is a simulated sandbox writing in a temporary directory.
type demo struct {
	tmp    string
	sb     *sim.Sandbox
	cancel context.CancelFunc
	done   chan struct{}
	err    error
	once   sync.Once
}

// startDemo creates the temporary sandbox and starts writing at rate records
// per second (0: flat out) until Close or ctx is done.
func startDemo(ctx context.Context, rate float64) (*demo, error) {
	tmp, err := os.MkdirTemp("", "sandtail-demo-")
	if err != nil {
		return nil, fmt.Errorf("demo: create a temporary directory: %w (set TMPDIR to a writable place)", err)
	}
	dir := filepath.Join(tmp, "sandboxes", "demo", "logs")
	sb, err := sim.New(dir, sim.Config{RotateBytes: demoRotateBytes})
	if err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("demo: %w", err)
	}
	runCtx, cancel := context.WithCancel(ctx)
	d := &demo{tmp: tmp, sb: sb, cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(d.done)
		_, d.err = sb.Run(runCtx, sim.Workload{
			Rate:     rate,
			Sessions: demoSessions,
			Seed:     time.Now().UnixNano(),
		})
	}()
	return d, nil
}

// Dir is the demo's log directory.
func (d *demo) Dir() string { return d.sb.Dir() }

// Home is the demo's microsandbox home (it holds one sandbox, "demo").
func (d *demo) Home() string { return d.tmp }

// warmUp waits until the demo has written for a while, or ctx is done.
func (d *demo) warmUp(ctx context.Context) {
	t := time.NewTimer(demoWarmup)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-d.done:
	case <-t.C:
	}
}

// Close stops the simulator and removes its directory.
func (d *demo) Close() error {
	var err error
	d.once.Do(func() {
		d.cancel()
		<-d.done
		err = errors.Join(d.err, d.sb.Close(), os.RemoveAll(d.tmp))
		if errors.Is(err, context.Canceled) {
			err = nil
		}
	})
	return err
}
