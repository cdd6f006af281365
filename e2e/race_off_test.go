//go:build !race

package e2e

// raceEnabled builds the end-to-end binary with the race detector too.
const raceEnabled = false
