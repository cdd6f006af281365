package engine

import (
	"errors"
	"fmt"
	"io/fs"
)

// withPath adds what was being done and to which path to err, unless err
// already says so: the *fs.PathError of an os call names its path, and a
// second mention ("open x: open x: permission denied") only adds noise.
func withPath(op, path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == path {
		return err
	}
	return fmt.Errorf("%s %s: %w", op, path, err)
}
