package main

import (
	"strings"
	"testing"
	"time"
)

// TestCloudFlags: what reads the history, or a local directory, is refused
// with --cloud, saying why; what the live stream can do is accepted.
func TestCloudFlags(t *testing.T) {
	now := time.Date(2026, 5, 31, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		args []string
		want string // "" accepted
	}{
		{[]string{"--cloud", "devbox"}, ""},
		{[]string{"--cloud"}, ""},
		{[]string{"--cloud", "devbox", "--json", "--source", "all"}, ""},
		{[]string{"--cloud", "devbox", "--follow", "--until", "5m"}, ""},
		{[]string{"--cloud", "devbox", "--tail", "5"}, "--tail reads the last entries of the history, and the cloud keeps none"},
		{[]string{"--cloud", "devbox", "--until", "5m"}, "add --follow"},
		{[]string{"--cloud", "devbox", "--since", "5m"}, "--since starts in the history"},
		{[]string{"--cloud", "--dir", "/x"}, "drop --dir and --home"},
		{[]string{"--cloud", "devbox", "--home", "/x"}, "drop --dir and --home"},
		{[]string{"--cloud", "--demo"}, "drop --cloud"},
		{[]string{"--cloud", "a", "b"}, "one cloud sandbox at a time"},
		{[]string{"--cloud", "--all"}, "one cloud sandbox at a time"},
	} {
		o, err := parseArgs(tc.args, now)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%q: %v", tc.args, err)
		case tc.want == "" && !o.cloud:
			t.Errorf("%q: --cloud not set", tc.args)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%q: %v, want %q", tc.args, err, tc.want)
		}
		if tc.want != "" {
			if code, _ := explain(err); code != exitUsage {
				t.Errorf("%q: exit %d, want %d", tc.args, code, exitUsage)
			}
		}
	}
}
