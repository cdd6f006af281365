package main

import (
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=…"; otherwise
// the module version or VCS revision from the build info is shown.
var version = ""

const helpText = `sandtail — watch the logs of microsandbox sandboxes.

Usage:
  sandtail [flags] [NAME…]
  sandtail [flags] --all
  sandtail --cloud [flags] [NAME]

With no NAME in a terminal, a picker lists the sandboxes under the home
directory. When stdout is not a terminal, or with --print or --json, sandtail
prints instead of opening the viewer.

Examples:
  sandtail devbox                      open the viewer on sandbox devbox
  sandtail --demo                      try it on a simulated sandbox
  sandtail devbox --print --tail 100   the last 100 entries, then exit
  sandtail devbox -f --since 5m | grep ERROR
  sandtail devbox --json --source all > devbox.jsonl
  sandtail devbox --from 'AQ…'         continue exactly after a copied cursor
  sandtail --dir ./logs --until 2026-04-30T21:00:00Z
  sandtail api worker -f               two sandboxes merged, lines as "api | …"
  sandtail --all                       every sandbox, new ones too, in one view
  sandtail --cloud devbox              a sandbox in microsandbox cloud, live

Where to read:
  NAME                 a sandbox: its logs are in HOME/sandboxes/NAME/logs;
                       several names read them into one view, by time
  --all                every sandbox under the home, and those created
                       while sandtail runs
  --dir PATH           read this log directory instead of a sandbox by name
  --home PATH          microsandbox home (default $MSB_HOME, else ~/.microsandbox)
  --source LIST        comma list of stdout,stderr,output,system,all
                       (default stdout,stderr,output; with --from, the
                       sources the cursor was made with)
  --demo               a built-in simulated sandbox, removed on exit
  --cloud              NAME is a sandbox in microsandbox cloud: the API at
                       $MSB_API_URL (default https://api.microsandbox.dev)
                       with the key in $MSB_API_KEY; live only (the cloud
                       keeps no history); alone, a picker of them

What to read:
  --since T            start at time T: RFC 3339, or a duration ago (30s, 5m, 2h, 1d)
  --until T            stop before the first entry at or after T
  --tail N             print mode: only the last N entries of what is on disk
  --from CURSOR        continue just after CURSOR (from --json output or the
                       viewer's Y key); if its file has rotated away since,
                       continue with the oldest data kept, with a gap notice.
                       The viewer opens with the line after it selected
  --line N             with --from, the viewer selects the Nth line after
                       the cursor (Y adds it; print mode ignores it)
  --holder=false       follow without the helper process that holds rotated
                       files (it keeps a fast-rotating producer from
                       outrunning a busy reader)
  --holder-realtime    let that helper ask for real-time priority (root or
                       CAP_SYS_NICE): loses less to a producer rotating every
                       few milliseconds, but anyone who can write to the log
                       directory can then slow the whole machine
  --hold-budget SIZE   disk a follow may keep in rotated files it holds open,
                       per log (exec.log, runtime.log): 50MiB by default, one
                       retention. Past it the oldest are let go of unread and
                       reported as a missed rotation, exactly; 0 keeps none

Print mode:
  --print              print instead of opening the viewer
  --json               one JSON object per entry (implies --print)
  --marks              only the lines marked in the viewer (m) (implies --print)
  -f, --follow         keep printing new entries until Ctrl-C
  --timestamps         prefix each line with its time (UTC, RFC 3339)
  --show-id            prefix each line with its session id, as [7]
  --color WHEN         auto, always or never; auto means no colour with
                       NO_COLOR or TERM=dumb, and to a pipe writes the bytes
                       as the program wrote them

Viewer:
  --buffer N           lines held in memory around the screen
                       (default 20000), at most 32 MiB of them; a local
                       sandbox's other lines are read again from disk when
                       scrolled to, several sandboxes and the cloud keep
                       only these
  --mouse              turn on mouse support (off so tmux can select text)

  --version            print the version
  -h, --help           this help

Exit status: 0 done, 1 error (not found, invalid cursor, I/O), 2 usage,
3 missed rotation (fell behind log rotation; stderr has the resume command),
70 internal error (a bug; stderr says what to report); a fault sandtail
cannot catch ends with SIGABRT (134 in a shell), never with 2.
`

func printHelp(w io.Writer) {
	fmt.Fprint(w, helpText)
}

// versionString is what --version prints.
func versionString() string {
	v := version
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = s.Value[:12]
			}
		}
	}
	if v == "" {
		v = "devel"
	}
	out := "sandtail " + v
	if rev != "" {
		out += " (" + rev + ")"
	}
	return out + " " + runtime.Version()
}
