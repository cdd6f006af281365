package engine

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"unicode/utf8"
)

// maxNameLen is the longest sandbox name microsandbox accepts, in bytes.
const maxNameLen = 128

// bootErrorFile is the optional file a failed start leaves in the log directory.
const bootErrorFile = "boot-error.json"

// maxBootErrorBytes bounds how much of boot-error.json is read: it is a small
// record, and a huge file there must not exhaust memory.
const maxBootErrorBytes = 1 << 20

// Home returns the microsandbox home directory: $MSB_HOME, else ~/.microsandbox.
func Home() string {
	if h := os.Getenv("MSB_HOME"); h != "" {
		return h
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".microsandbox")
	}
	return ".microsandbox"
}

// ValidateName checks a sandbox name against microsandbox's rules: 1 to 128
// bytes, an ASCII letter or digit first, then ASCII letters, digits, '.', '-'
// or '_'. A name is never a path, so "../x" is refused. The error wraps
// ErrInvalidName and says what is wrong.
func ValidateName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: the name is empty", ErrInvalidName)
	case len(name) > maxNameLen:
		return fmt.Errorf("%w: %d bytes long, the limit is %d", ErrInvalidName, len(name), maxNameLen)
	}
	if !isAlnum(name[0]) {
		return fmt.Errorf("%w: %q must start with an ASCII letter or digit", ErrInvalidName, name)
	}
	for i := 1; i < len(name); i++ {
		c := name[i]
		if !isAlnum(c) && c != '.' && c != '-' && c != '_' {
			return fmt.Errorf("%w: %q has %s at byte %d; only ASCII letters, digits, '.', '-' and '_' are allowed", ErrInvalidName, name, badChar(name[i:]), i)
		}
	}
	return nil
}

// badChar names the character s starts with: the whole rune, quoted (a
// non-ASCII letter is one character, not its first byte), or the byte
// itself when s does not start with valid UTF-8.
func badChar(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && n <= 1 {
		return fmt.Sprintf("the byte %#02x, which is not UTF-8,", s[0])
	}
	return strconv.QuoteRune(r)
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// logDirPath joins home and a name already validated.
func logDirPath(home, name string) string {
	return filepath.Join(home, "sandboxes", name, "logs")
}

// LogDir validates name, then returns <home>/sandboxes/<name>/logs. The name
// is checked before the disk is touched; a missing directory is an error
// wrapping ErrNotFound.
func LogDir(home, name string) (string, error) {
	if err := ValidateName(name); err != nil {
		return "", err
	}
	dir := logDirPath(home, name)
	if err := checkDir(dir); err != nil {
		return "", fmt.Errorf("sandbox %s: %w", name, err)
	}
	return dir, nil
}

// checkDir returns an error wrapping ErrNotFound when dir does not exist, or
// exists but is not a directory.
func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: no log directory %s", ErrNotFound, dir)
	}
	if err != nil {
		return withPath("stat", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%w: %s is not a directory", ErrNotFound, dir)
	}
	return nil
}

// ListSandboxes lists the sandboxes under home that have a log directory,
// sorted by name. Entries whose names are not valid sandbox names are
// ignored. A home without a sandboxes directory has no sandboxes. A sandbox
// whose log directory cannot be read is listed with Err set; only a
// sandboxes directory that cannot be read fails the whole list.
func ListSandboxes(home string) ([]Sandbox, error) {
	root := filepath.Join(home, "sandboxes")
	des, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list sandboxes: %w", withPath("read", root, err))
	}
	var out []Sandbox
	for _, de := range des {
		name := de.Name()
		if ValidateName(name) != nil {
			continue
		}
		dir := logDirPath(home, name)
		sb, err := describeLogDir(name, dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			sb = Sandbox{Name: name, LogDir: dir, Err: err}
		}
		out = append(out, sb)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// describeLogDir sums the regular files of a log directory.
func describeLogDir(name, dir string) (Sandbox, error) {
	sb := Sandbox{Name: name, LogDir: dir}
	des, err := os.ReadDir(dir)
	if err != nil {
		return sb, withPath("read", dir, err)
	}
	for _, de := range des {
		if !de.Type().IsRegular() {
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue // removed meanwhile (rotation): not an error
		}
		if de.Name() == bootErrorFile {
			sb.BootError = true
			continue
		}
		sb.Size += fi.Size()
		if mt := fi.ModTime(); mt.After(sb.LastWrite) {
			sb.LastWrite = mt
		}
	}
	if !sb.LastWrite.IsZero() {
		sb.LastWrite = sb.LastWrite.UTC()
	}
	return sb, nil
}

// ReadBootError reads boot-error.json from a log directory. It returns nil,
// nil when the file is absent.
func ReadBootError(dir string) (*BootError, error) {
	path := filepath.Join(dir, bootErrorFile)
	// Like a log file: never through a link, never waiting on a pipe.
	raw, err := readRegularFile(path, maxBootErrorBytes)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if len(raw) > maxBootErrorBytes {
		return nil, fmt.Errorf("read %s: larger than %d bytes", path, maxBootErrorBytes)
	}
	var be BootError
	if err := json.Unmarshal(raw, &be); err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	if !be.Time.IsZero() {
		be.Time = be.Time.UTC()
	}
	return &be, nil
}
