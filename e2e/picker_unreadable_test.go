package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sandtail/resumecmd"
)

// asOrdinaryUser returns the command prefix that runs sandtail as a user
// file modes apply to: nobody through setpriv when the tests run as root
// (root reads a mode-000 directory anyway), nothing otherwise. It opens
// the test's private directories to that user.
func asOrdinaryUser(t *testing.T, dirs ...string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return ""
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("running as root without setpriv (util-linux): cannot run sandtail as an ordinary user to meet a permission error")
	}
	for _, d := range append(dirs, filepath.Dir(binary)) {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return resumecmd.Quote(setpriv) + " --reuid=65534 --regid=65534 --clear-groups "
}

// TestPickerListsAnUnreadableSandboxAndGoesBack: one sandbox directory of
// mode 000 does not hide the others: the picker lists all three, marks
// the unreadable one and says why when it is chosen; a readable one opens,
// and esc returns to the picker.
func TestPickerListsAnUnreadableSandboxAndGoesBack(t *testing.T) {
	t.Parallel()
	p := newPane(t, 100, 16)
	for _, name := range []string{"alpha", "beta", "secret"} {
		write(t, newSandbox(t, p.home, name), "stdout", 1, "%s-line\n", name)
	}
	secret := filepath.Join(p.home, "sandboxes", "secret")
	if err := os.Chmod(secret, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(secret, 0o755) })
	prefix := asOrdinaryUser(t, filepath.Dir(p.home), p.home)

	p.run(prefix + resumecmd.Quote(binary))
	s := p.waitText("pick a sandbox", "alpha", "beta", "secret", "3/3")
	if strings.Contains(s, "Could not list") {
		t.Fatalf("the unreadable sandbox hid the others:\n%s", s)
	}
	if !strings.Contains(rowOf(s, "secret"), "unreadable") {
		t.Fatalf("secret is not marked unreadable:\n%s", s)
	}
	p.text("secret")
	p.keys("Enter")
	p.waitText("cannot open secret", "may read its logs")
	p.keys("C-u")
	p.text("alpha")
	p.keys("Enter")
	p.waitText("alpha-line", "esc sandboxes")
	p.keys("Escape")
	s = p.waitText("pick a sandbox", "beta", "3/3")
	if !strings.Contains(rowOf(s, "alpha"), "▸") {
		t.Fatalf("back in the picker, alpha is not highlighted:\n%s", s)
	}
	p.keys("Down", "Enter")
	p.waitText("beta-line")
	p.text("q")
	p.waitFor("the shell after q", func(s string) bool { return !strings.Contains(s, "beta-line") })
	p.run("echo exit=$?")
	p.waitText("exit=0")
}

// rowOf is the first row of screen holding text.
func rowOf(screen, text string) string {
	for _, r := range strings.Split(screen, "\n") {
		if strings.Contains(r, text) {
			return r
		}
	}
	return fmt.Sprintf("(no row holds %q)", text)
}
