package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binary is the sandtail executable TestMain builds once for every test;
// tmuxPath is empty when tmux is not installed (the tests that need it skip).
var (
	binary   string
	tmuxPath string
)

func TestMain(m *testing.M) {
	if out := os.Getenv(peakEnv); out != "" {
		os.Exit(peakWrap(out, os.Args[1:]))
	}
	if os.Getenv(floorEnv) == "1" {
		os.Exit(floor(os.Args[1:]))
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if tmuxPath, err = exec.LookPath("tmux"); err != nil {
		fmt.Fprintln(os.Stderr, "e2e: tmux is not installed; the tmux end-to-end tests will be skipped (CI installs it)")
		tmuxPath = ""
	}
	tmp, err := os.MkdirTemp("", "sandtail-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	defer os.RemoveAll(tmp)
	root, err := moduleRoot()
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e:", err)
		return 1
	}
	binary = filepath.Join(tmp, "sandtail")
	args := []string{"build", "-o", binary}
	// A race-enabled binary starts about ten times slower, which would put
	// the package well past a minute on a busy 2-core machine; the race
	// detector still covers every package's in-process tests. Set
	// SANDTAIL_E2E_RACE=1 (with -race) to build the binary with it too.
	if raceEnabled && os.Getenv("SANDTAIL_E2E_RACE") == "1" {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, ".")...)
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "e2e: go build sandtail: %v\n%s", err, out)
		return 1
	}
	return m.Run()
}

// moduleRoot is the directory of sandtail's go.mod.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", fmt.Errorf("not inside the sandtail module")
	}
	return filepath.Dir(mod), nil
}

// needTmux skips a test when tmux is absent, saying why.
func needTmux(t *testing.T) {
	t.Helper()
	if tmuxPath == "" {
		t.Skip("tmux is not installed: install it to run the end-to-end tests")
	}
}
