package main

import "strings"

// distinct returns names without repeats, in the order first given:
// `sandtail a b a` reads a and b.
func distinct(names []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// multi reports whether the command line reads several sandboxes at once.
func (o *options) multi() bool { return o.all || len(o.names) > 1 }

// checkMulti refuses what cannot apply to several sandboxes read at once.
func checkMulti(o *options, set map[string]bool) error {
	if !o.multi() {
		return nil
	}
	what := "--all"
	if !o.all {
		what = "several sandboxes (" + strings.Join(o.names, ", ") + ")"
	}
	switch {
	case o.all && (o.name != "" || len(o.names) > 0):
		return usagef("--all reads every sandbox: drop the NAME arguments, or drop --all")
	case set["dir"]:
		return usagef("%s and --dir: give sandbox names, or one --dir", what)
	case o.demo:
		return usagef("--demo runs its own simulated sandbox: drop %s", what)
	case set["from"] || set["line"]:
		return usagef("--from takes a cursor of one sandbox: give that one NAME (a line's own command is what Y copies in the viewer)")
	}
	return nil
}
