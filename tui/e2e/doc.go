// Package e2e runs the real sandtail binary inside tmux: live tailing of a
// simulated sandbox, a forced missed rotation, resizing, quitting, and
// hostile program output that must not reach the terminal. The tests live in
// the _test.go files; TestMain builds the binary once.
package e2e
