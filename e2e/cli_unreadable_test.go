package e2e

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// ordinaryUser is the credential to run the binary with so that file modes
// apply: nobody when the tests run as root (root reads a mode-000
// directory anyway), nil when they already run as an ordinary user.
func ordinaryUser(t *testing.T) *syscall.Credential {
	t.Helper()
	if os.Geteuid() != 0 {
		return nil
	}
	return &syscall.Credential{Uid: 65534, Gid: 65534, Groups: []uint32{}}
}

// homeWithSecret makes a home with sandboxes alpha and beta and a sandbox
// secret whose directory has mode 000, reachable by nobody but secret.
func homeWithSecret(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	// t.TempDir and the binary's directory are private to root; nobody
	// must reach them.
	for _, d := range []string{filepath.Dir(home), home, filepath.Dir(binary)} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"alpha", "beta", "secret"} {
		dir := filepath.Join(home, "sandboxes", name, "logs")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "exec.log"), []byte(`{"t":"2026-04-30T20:32:59.688Z","s":"stdout","d":"hi\n","id":1}`+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	secret := filepath.Join(home, "sandboxes", "secret")
	if err := os.Chmod(secret, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(secret, 0o755) })
	return home
}

// runAs runs the binary as cred (nil: as the test) to completion.
func runAs(t *testing.T, cred *syscall.Credential, args ...string) result {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = testEnv(nil)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	code := 0
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run %q: %v", args, err)
	}
	return result{stdout: out.String(), stderr: errb.String(), code: code}
}

// TestUnknownNameStillListsSandboxesBesideAnUnreadableOne: with one
// sandbox's directory unreadable to the user, `sandtail nope` still names
// every known sandbox (marking the unreadable one), and `sandtail secret`
// says the logs cannot be read and what to do.
func TestUnknownNameStillListsSandboxesBesideAnUnreadableOne(t *testing.T) {
	home := homeWithSecret(t)
	cred := ordinaryUser(t)
	r := runAs(t, cred, "--home", home, "nope")
	if r.code != 1 || !strings.Contains(r.stderr, "no sandbox named nope") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "known sandboxes: alpha, beta, secret (unreadable)") {
		t.Fatalf("the known sandboxes are not listed: %q", r.stderr)
	}
	r = runAs(t, cred, "--home", home, "secret", "--print")
	if r.code != 1 || !strings.Contains(r.stderr, "permission denied") || !strings.Contains(r.stderr, "run sandtail as a user who can read") {
		t.Fatalf("secret: exit %d, stderr %q", r.code, r.stderr)
	}
	r = runAs(t, cred, "--home", home, "alpha", "--print")
	if r.code != 0 || r.stdout != "hi\n" {
		t.Fatalf("alpha: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}
