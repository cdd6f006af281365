package main

import (
	"context"
	"errors"
	"os"
	"time"

	"sandtail/cloud"
	"sandtail/engine"
	"sandtail/printmode"
	"sandtail/resumecmd"
	"sandtail/tui"
)

// checkCloudFlags refuses what a cloud sandbox cannot do. The cloud keeps
// no history: its log stream starts now, or just after a --from cursor, so
// nothing that reads what is already there applies.
func checkCloudFlags(o *options, set map[string]bool) error {
	if !o.cloud {
		return nil
	}
	switch {
	case o.dir != "" || set["home"]:
		return usagef("--cloud reads a sandbox in microsandbox cloud: drop --dir and --home, which are for local sandboxes")
	case o.demo:
		return usagef("--demo runs a local simulated sandbox: drop --cloud")
	case o.all || len(o.names) > 1:
		return usagef("--cloud reads one cloud sandbox at a time: give one NAME, or drop --cloud to read several local sandboxes")
	case set["tail"]:
		return usagef("--tail reads the last entries of the history, and the cloud keeps none: its stream starts now (or after --from CURSOR); drop --tail")
	case set["until"] && !o.follow:
		return usagef("--until stops a read of the history, and the cloud keeps none: its stream starts now; add --follow to stop the live stream at --until, or drop --until")
	case set["since"]:
		return usagef("--since starts in the history, and the cloud keeps none: its stream starts now, or after --from CURSOR; drop --since")
	}
	return nil
}

// runCloud reads a sandbox in microsandbox cloud: print mode follows its
// stream (there is nothing else to print), the viewer opens it live, and
// with no name the viewer's picker lists the cloud sandboxes.
func runCloud(ctx context.Context, o *options, printMode, outTerm bool, stdout, stderr *os.File) int {
	cfg, err := cloud.FromEnv(os.Getenv)
	if err != nil {
		return report(stderr, usagef("--cloud: %v", err))
	}
	client := cloud.New(cfg)
	if !printMode {
		return report(stderr, tui.Run(ctx, cloudUIConfig(o, client)))
	}
	if o.name == "" {
		return report(stderr, usagef("print mode needs a cloud sandbox: give --cloud NAME (in a terminal, sandtail --cloud alone lists them)"))
	}
	s, err := client.Open(ctx, o.name, cloud.StreamOptions{Sources: readSources(o), From: o.from, Until: o.until})
	if err != nil {
		return report(stderr, cloudError(err))
	}
	defer s.Close()
	pc := printConfig(o, target{name: o.name})
	pc.Follow = true
	pc.Resume = func(cur engine.Cursor) string {
		spec := resumeSpec(o, target{name: o.name}, cur)
		spec.Cloud, spec.Follow = true, o.follow
		return resumecmd.Build(spec).String()
	}
	err = printmode.RunLive(ctx, pc, liveStream{s}, stdout, stderr, outTerm)
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		err = nil
	}
	return report(stderr, cloudError(err))
}

// cloudUIConfig is the viewer's configuration for a cloud sandbox.
func cloudUIConfig(o *options, client *cloud.Client) tui.Config {
	c := uiConfig(o, target{name: o.name, dir: o.name})
	c.Cloud = client
	c.Home = ""
	return c
}

// cloudError marks errors of the cloud with what they are.
func cloudError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	return &cloudFailure{err: err}
}

// cloudFailure is an error of the cloud: exit status 1, the message as the
// cloud package words it.
type cloudFailure struct{ err error }

func (e *cloudFailure) Error() string { return "cloud: " + e.err.Error() }
func (e *cloudFailure) Unwrap() error { return e.err }

// liveStream gives print mode the connection state of a cloud stream.
type liveStream struct{ *cloud.Stream }

func (l liveStream) Reconnecting() (int, string, time.Duration) {
	st := l.State()
	return st.Reconnecting, st.Reason, st.Wait
}
