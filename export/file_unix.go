//go:build unix

package export

import (
	"errors"
	"io/fs"

	"golang.org/x/sys/unix"
)

// writeNewFile creates name, which must not exist, with data and mode (less
// the umask unless chmod), removing it again on error. It makes the system
// calls itself: os.File adds half a dozen more per file (poller
// registration, non-blocking mode) that count when an export writes tens of
// thousands of small files.
func writeNewFile(name string, data []byte, mode fs.FileMode, chmod bool) error {
	fd, err := unix.Open(name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, uint32(mode.Perm()))
	for errors.Is(err, unix.EINTR) {
		// The file may have been created before the interruption: the name
		// is this run's alone, so it can go before trying again.
		_ = unix.Unlink(name)
		fd, err = unix.Open(name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, uint32(mode.Perm()))
	}
	if err != nil {
		return &fs.PathError{Op: "create", Path: name, Err: err}
	}
	for len(data) > 0 && err == nil {
		var n int
		err = retryEINTR(func() (err error) {
			n, err = unix.Write(fd, data)
			return err
		})
		if err == nil {
			data = data[n:]
		}
	}
	if err == nil && chmod {
		err = retryEINTR(func() error { return unix.Fchmod(fd, uint32(mode.Perm())) })
	}
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		_ = unix.Unlink(name)
		return &fs.PathError{Op: "write", Path: name, Err: err}
	}
	return nil
}

// renameFile renames the file old to new, replacing new. Unlike os.Rename
// it does not first check whether new is a directory: rename(2) refuses
// that itself.
func renameFile(old, new string) error {
	if err := retryEINTR(func() error { return unix.Rename(old, new) }); err != nil {
		return &fs.PathError{Op: "rename", Path: new, Err: err}
	}
	return nil
}

func retryEINTR(f func() error) error {
	for {
		if err := f(); !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
