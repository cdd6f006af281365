package sim

// This file holds what a guest's life does to the log directory besides
// writing: a reboot that truncates or replaces kernel.log, and a failed
// start that leaves boot-error.json.

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// TruncateKernel empties kernel.log in place (same inode), as a guest that
// reboots and reuses its console file does. Later Kernel lines start again
// at offset 0; a reader must notice the size fell below its offset.
func (s *Sandbox) TruncateKernel() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if err := s.kernel.f.Truncate(0); err != nil {
		return fmt.Errorf("truncate %s: %w", s.kernel.path, err)
	}
	s.kernel.size = 0
	return nil
}

// ReplaceKernel removes kernel.log and creates a new, empty one (a new
// inode), as a fresh boot that recreates its console file does.
func (s *Sandbox) ReplaceKernel() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	if err := os.Remove(s.kernel.path); err != nil {
		return fmt.Errorf("replace %s: %w", s.kernel.path, err)
	}
	f, err := os.OpenFile(s.kernel.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("replace %s: %w", s.kernel.path, err)
	}
	old := s.kernel.f
	s.kernel.f, s.kernel.size = f, 0
	if err := old.Close(); err != nil {
		return fmt.Errorf("replace %s: close old file: %w", s.kernel.path, err)
	}
	return nil
}

// The lifecycle records microsandbox writes to exec.log as system records:
// "started" when the guest's agent reports ready, "stopped" when the VM
// exits.
const (
	StartedRecord = "--- sandbox started ---\n"
	StoppedRecord = "--- sandbox stopped ---\n"
)

// Started writes the "sandbox started" lifecycle record.
func (s *Sandbox) Started() error { return s.ExecSystem(StartedRecord) }

// Stopped writes the "sandbox stopped" lifecycle record.
func (s *Sandbox) Stopped() error { return s.ExecSystem(StoppedRecord) }

// BootErrorFile is the file a sandbox that failed to start leaves in its log
// directory.
const BootErrorFile = "boot-error.json"

// WriteBootError writes boot-error.json into dir as microsandbox does when a
// sandbox fails to start: {"t","stage","errno","message"}, errno null when
// nil. stage is one of mount, build_vm, config, network, image, other. The
// file appears whole (written aside, then renamed into place).
func WriteBootError(dir string, t time.Time, stage string, errno *int, message string) error {
	b, err := json.Marshal(struct {
		T       string `json:"t"`
		Stage   string `json:"stage"`
		Errno   *int   `json:"errno"`
		Message string `json:"message"`
	}{t.UTC().Format(timeLayout), stage, errno, message})
	if err != nil {
		return fmt.Errorf("encode boot error: %w", err)
	}
	path := filepath.Join(dir, BootErrorFile)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
