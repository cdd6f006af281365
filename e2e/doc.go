// Package e2e runs the real sandtail binary, end to end, the way a user
// does. TestMain builds it once from the module root (without the race
// detector, so the package stays fast; SANDTAIL_E2E_RACE=1 with -race builds
// it with the detector too) into a temporary directory.
//
// Two kinds of test share one set of helpers:
//
//   - the command line and print mode (cli_*_test.go): the binary runs to
//     completion or in the background through pipes (sandtail, start,
//     running), against the fixtures in testdata and simulated sandboxes;
//     follows through rotation, the holder process, stale cursors, odd
//     files, unreadable sandboxes (run as nobody when the tests run as root);
//   - the viewer in a real terminal (the rest): a tmux pane per test (pane,
//     newPane, openPane) driven with keys and read back from the screen:
//     live tailing, missed rotations, pairing, search, the picker, the title,
//     hostile program output that must not reach the terminal.
//
// The tmux tests skip when tmux is not installed; .ci/run installs it.
package e2e
