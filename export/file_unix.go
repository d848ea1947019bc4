//go:build unix

package export

import (
	"errors"
	"io/fs"
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// dirRef is a directory of an export tree, open: every file operation is
// made relative to its descriptor (openat, renameat, unlinkat ...), so that
// it acts on this very directory, whatever links or renames happen in the
// path that led to it.
type dirRef struct {
	fd int
	// path is the directory's path, for messages.
	path string
}

// openRootDir opens the export directory itself, following links: its
// path is the user's.
func openRootDir(path string) (dirRef, error) {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = unix.Open(path, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return dirRef{fd: -1}, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return dirRef{fd: fd, path: path}, nil
}

// openDir opens the directory name in d without following a link: a link
// (to a directory or not) fails, as does a file that is not a directory.
func (d dirRef) openDir(name string) (dirRef, error) {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = unix.Openat(d.fd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		return err
	})
	path := joinPath(d.path, name)
	if err != nil {
		return dirRef{fd: -1}, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return dirRef{fd: fd, path: path}, nil
}

// close closes d (nothing for a zero dirRef).
func (d dirRef) close() {
	if d.fd >= 0 {
		_ = unix.Close(d.fd)
	}
}

// mkdir creates the directory name in d, with mode less the umask.
func (d dirRef) mkdir(name string, mode fs.FileMode) error {
	if err := retryEINTR(func() error { return unix.Mkdirat(d.fd, name, uint32(mode.Perm())) }); err != nil {
		return &fs.PathError{Op: "mkdir", Path: joinPath(d.path, name), Err: err}
	}
	return nil
}

// entryInfo is what lstat tells of a directory entry.
type entryInfo struct {
	mode    fs.FileMode // type bits and permissions
	size    int64
	modTime time.Time
}

// lstat describes the entry name of d, not following a link.
func (d dirRef) lstat(name string) (entryInfo, error) {
	var st unix.Stat_t
	if err := retryEINTR(func() error { return unix.Fstatat(d.fd, name, &st, unix.AT_SYMLINK_NOFOLLOW) }); err != nil {
		return entryInfo{}, &fs.PathError{Op: "lstat", Path: joinPath(d.path, name), Err: err}
	}
	mode := fs.FileMode(st.Mode & 0o777)
	switch uint32(st.Mode) & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFDIR:
		mode |= fs.ModeDir
	case unix.S_IFLNK:
		mode |= fs.ModeSymlink
	default:
		mode |= fs.ModeIrregular
	}
	sec, nsec := st.Mtim.Unix()
	return entryInfo{mode: mode, size: st.Size, modTime: time.Unix(sec, nsec)}, nil
}

// readlink returns where the link name in d points, or "".
func (d dirRef) readlink(name string) string {
	buf := make([]byte, 4096)
	n, err := unix.Readlinkat(d.fd, name, buf)
	if err != nil {
		return ""
	}
	return string(buf[:n])
}

// open opens the file name of d for reading without following a link,
// and without waiting for a writer if it is a FIFO (O_NONBLOCK).
func (d dirRef) open(name string) (*os.File, error) {
	var fd int
	err := retryEINTR(func() (err error) {
		fd, err = unix.Openat(d.fd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC|unix.O_NONBLOCK, 0)
		return err
	})
	path := joinPath(d.path, name)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// readFile reads the regular file name of d, not following a link, if it
// holds exactly size bytes; ok is false when it does not.
func (d dirRef) readFile(name string, size int64) (data []byte, ok bool, err error) {
	var fd int
	err = retryEINTR(func() (err error) {
		fd, err = unix.Openat(d.fd, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, false, &fs.PathError{Op: "open", Path: joinPath(d.path, name), Err: err}
	}
	defer unix.Close(fd)
	data = make([]byte, size+1) // one more: a file that grew reads longer
	n := 0
	for n < len(data) {
		var m int
		err = retryEINTR(func() (err error) {
			m, err = unix.Read(fd, data[n:])
			return err
		})
		if err != nil {
			return nil, false, &fs.PathError{Op: "read", Path: joinPath(d.path, name), Err: err}
		}
		if m == 0 {
			break
		}
		n += m
	}
	return data[:n], int64(n) == size, nil
}

// writeNew creates the file name in d, which must not exist, with data and
// mode less the umask, removing it again on error. It makes the system
// calls itself: os.File adds half a dozen more per file (poller
// registration, non-blocking mode) that count when an export writes tens of
// thousands of small files.
func (d dirRef) writeNew(name string, data []byte, mode fs.FileMode) error {
	flags := unix.O_WRONLY | unix.O_CREAT | unix.O_EXCL | unix.O_NOFOLLOW | unix.O_CLOEXEC
	fd, err := unix.Openat(d.fd, name, flags, uint32(mode.Perm()))
	for errors.Is(err, unix.EINTR) {
		// The file may have been created before the interruption: the name
		// is this run's alone, so it can go before trying again.
		_ = unix.Unlinkat(d.fd, name, 0)
		fd, err = unix.Openat(d.fd, name, flags, uint32(mode.Perm()))
	}
	if err != nil {
		return &fs.PathError{Op: "create", Path: joinPath(d.path, name), Err: err}
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
	if cerr := unix.Close(fd); err == nil {
		err = cerr
	}
	if err != nil {
		_ = unix.Unlinkat(d.fd, name, 0)
		return &fs.PathError{Op: "write", Path: joinPath(d.path, name), Err: err}
	}
	return nil
}

// rename renames the file old of d to new, replacing new (a link there is
// replaced, never followed; a directory makes it fail).
func (d dirRef) rename(old, new string) error {
	if err := retryEINTR(func() error { return unix.Renameat(d.fd, old, d.fd, new) }); err != nil {
		return &fs.PathError{Op: "rename", Path: joinPath(d.path, new), Err: err}
	}
	return nil
}

// remove removes the entry name of d, which is not a directory (a link is
// removed itself, never followed).
func (d dirRef) remove(name string) error {
	if err := retryEINTR(func() error { return unix.Unlinkat(d.fd, name, 0) }); err != nil {
		return &fs.PathError{Op: "remove", Path: joinPath(d.path, name), Err: err}
	}
	return nil
}

// rmdir removes the directory name of d if it is empty (a link to a
// directory is not one: it fails).
func (d dirRef) rmdir(name string) error {
	if err := retryEINTR(func() error { return unix.Unlinkat(d.fd, name, unix.AT_REMOVEDIR) }); err != nil {
		return &fs.PathError{Op: "rmdir", Path: joinPath(d.path, name), Err: err}
	}
	return nil
}

// list returns the entries of d; their types are those of the entries
// themselves (a link is a link).
func (d dirRef) list() ([]fs.DirEntry, error) {
	f, err := d.open(".")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.ReadDir(-1)
}

// processGone reports whether no process has the id pid on this machine.
func processGone(pid int) bool {
	return pid > 0 && errors.Is(unix.Kill(pid, 0), unix.ESRCH)
}

func retryEINTR(f func() error) error {
	for {
		if err := f(); !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
