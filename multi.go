package main

import (
	"context"
	"errors"
	"fmt"
	"os"

	"sandtail/engine"
	"sandtail/lookup"
	"sandtail/merge"
	"sandtail/printmode"
	"sandtail/resumecmd"
	"sandtail/tui"
)

// runMulti reads several sandboxes at once (several NAMEs, or --all),
// in print mode or the viewer. Every name is looked up before anything is
// read: a name that is not there ends the command, as for one sandbox.
func runMulti(ctx context.Context, o *options, stdout, stderr *os.File, printMode, outTerm bool) int {
	set, err := multiSet(o)
	if err != nil {
		return report(stderr, err)
	}
	home := ""
	if o.all {
		home = lookup.Home(o.home)
	}
	if printMode && set.Len() == 0 && !o.follow {
		return report(stderr, fmt.Errorf("--all: no sandboxes under %s (add --follow to wait for new ones)", home))
	}
	if printMode {
		cfg := printConfig(o, target{home: o.home})
		cfg.Sandboxes, cfg.Home = set, home
		cfg.ResumeSandbox = func(name string, cur engine.Cursor) string {
			spec := resumeSpec(o, target{name: name, home: o.home}, cur)
			return resumecmd.Build(spec).String()
		}
		err = printmode.Run(ctx, cfg, stdout, stderr, outTerm)
	} else {
		cfg := uiConfig(o, target{home: o.home})
		cfg.Sandboxes, cfg.AllHome = set, home
		err = tui.Run(ctx, cfg)
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, context.Canceled) {
		err = nil
	}
	return report(stderr, err)
}

// multiSet is the sandboxes to read: the NAMEs given, each looked up, or
// with --all every sandbox under the home now (sorted by name); one whose
// logs cannot be read is said on stderr by the front-end that reads it.
func multiSet(o *options) (*merge.Set, error) {
	if o.all {
		sbs, err := engine.ListSandboxes(lookup.Home(o.home))
		if err != nil {
			return nil, err
		}
		set := merge.NewSet(nil)
		for _, sb := range sbs {
			set.Add(merge.Sandbox{Name: sb.Name, Dir: sb.LogDir})
		}
		return set, nil
	}
	var list []merge.Sandbox
	for _, name := range o.names {
		dir, err := resolveName(name, o.home)
		if err != nil {
			return nil, err
		}
		list = append(list, merge.Sandbox{Name: name, Dir: dir})
	}
	return merge.NewSet(list), nil
}
