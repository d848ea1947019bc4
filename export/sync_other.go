//go:build !linux

package export

import (
	"errors"
	"os"
	"path/filepath"
)

// syncTree makes the changed files and directories durable, once each at
// the end of the run: each file, then each directory holding a change.
func syncTree(_ dirRef, changed []string) error {
	dirs := map[string]bool{}
	var errs []error
	for _, p := range changed {
		errs = append(errs, fsync(p))
		dirs[filepath.Dir(p)] = true
	}
	for dir := range dirs {
		errs = append(errs, fsync(dir))
	}
	return errors.Join(errs...)
}

func fsync(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
