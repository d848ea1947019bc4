//go:build !unix

package export

import (
	"errors"
	"io/fs"
	"os"
)

// writeNewFile creates name, which must not exist, with data and mode (less
// the umask unless chmod), removing it again on error.
func writeNewFile(name string, data []byte, mode fs.FileMode, chmod bool) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode.Perm())
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err == nil && chmod {
		err = f.Chmod(mode.Perm())
	}
	if err = errors.Join(err, f.Close()); err != nil {
		_ = os.Remove(name)
	}
	return err
}

// renameFile renames the file old to new, replacing new.
func renameFile(old, new string) error { return os.Rename(old, new) }
