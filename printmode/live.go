package printmode

import (
	"bufio"
	"context"
	"errors"
	"io"
	"os"
	"time"

	"sandtail/engine"
	"sandtail/settings"
)

// LiveStream is a source with no history to snapshot: entries arrive as
// they are written (a cloud sandbox's log stream). Reconnecting says the
// connection is being made again: attempt n (0 when connected), why the
// last one ended, and the wait before the attempt.
type LiveStream interface {
	Next(ctx context.Context, max int) ([]engine.Entry, error)
	Skipped() int64
	Reconnecting() (n int, reason string, wait time.Duration)
}

// RunLive prints a live stream until it ends, fails for good, or ctx is
// done. Reconnects are told on stderr as they happen. cfg.Resume, when
// set, gives the command that continues after the last line printed,
// shown when the stream fails.
func RunLive(ctx context.Context, cfg Config, s LiveStream, stdout, stderr *os.File, outTerm bool) error {
	out := bufio.NewWriterSize(stdout, outBufSize)
	notes := &notifier{w: stderr, flushFirst: out}
	var p entryPrinter
	if cfg.JSON {
		p = newJSONPrinter(out, notes, nil)
	} else {
		p = newPlainPrinter(out, notes, plainOptions(cfg, outTerm), nil)
	}
	var last engine.Cursor
	shown := 0 // the reconnect attempt last told
	for {
		es, err := s.Next(ctx, settings.Batch)
		if werr := p.Write(es); werr != nil {
			return werr
		}
		for i := len(es) - 1; i >= 0; i-- {
			if es[i].Mark == engine.MarkNone {
				last = es[i].Cursor
				break
			}
		}
		notes.skipped(s.Skipped())
		if n, reason, wait := s.Reconnecting(); n != shown {
			if n > 0 {
				notes.say("the connection dropped (%s); reconnecting (%d) in %s", reason, n, wait.Round(time.Millisecond))
			} else {
				notes.say("reconnected: reading on after the last line received")
			}
			shown = n
		}
		if err == nil {
			if ferr := p.Flush(); ferr != nil {
				return ferr
			}
			continue
		}
		if ferr := p.Finish(); ferr != nil {
			return ferr
		}
		switch {
		case errors.Is(err, io.EOF):
			notes.say("the stream ended")
			return nil
		case ctx.Err() != nil:
			return nil
		}
		if !last.IsZero() && cfg.Resume != nil {
			notes.say("last cursor printed: %s; to continue after it:\n  %s", last, cfg.Resume(last))
		}
		return err
	}
}
