package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// binary is the sandtail executable built by TestMain; tmuxPath is empty
// when tmux is not installed.
var (
	binary   string
	tmuxPath string
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	tmuxPath, err = exec.LookPath("tmux")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: tmux is not installed; the tmux end-to-end tests will be skipped (CI installs it)")
		tmuxPath = ""
		return m.Run()
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
	build := exec.Command("go", "build", "-o", binary, ".")
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
