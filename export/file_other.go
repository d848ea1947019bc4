//go:build !unix

package export

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// dirRef is a directory of an export tree, by its path: without openat,
// each component of a path is checked with Lstat as it is walked, which a
// link made at that moment could defeat.
type dirRef struct {
	path string
}

// openRootDir opens the export directory itself, following links: its
// path is the user's.
func openRootDir(path string) (dirRef, error) {
	info, err := os.Stat(path)
	if err == nil && !info.IsDir() {
		err = &fs.PathError{Op: "open", Path: path, Err: errors.New("not a directory")}
	}
	return dirRef{path: path}, err
}

// openDir opens the directory name in d without following a link.
func (d dirRef) openDir(name string) (dirRef, error) {
	path := filepath.Join(d.path, name)
	info, err := os.Lstat(path)
	switch {
	case err != nil:
		return dirRef{}, err
	case info.Mode()&fs.ModeSymlink != 0:
		return dirRef{}, &fs.PathError{Op: "open", Path: path, Err: errors.New("is a symbolic link")}
	case !info.IsDir():
		return dirRef{}, &fs.PathError{Op: "open", Path: path, Err: errors.New("not a directory")}
	}
	return dirRef{path: path}, nil
}

func (d dirRef) close() {}

// mkdir creates the directory name in d, with mode less the umask.
func (d dirRef) mkdir(name string, mode fs.FileMode) error {
	return os.Mkdir(filepath.Join(d.path, name), mode)
}

// entryInfo is what lstat tells of a directory entry.
type entryInfo struct {
	mode    fs.FileMode // type bits and permissions
	size    int64
	modTime time.Time
}

// lstat describes the entry name of d, not following a link.
func (d dirRef) lstat(name string) (entryInfo, error) {
	info, err := os.Lstat(filepath.Join(d.path, name))
	if err != nil {
		return entryInfo{}, err
	}
	return entryInfo{mode: info.Mode(), size: info.Size(), modTime: info.ModTime()}, nil
}

// readlink returns where the link name in d points, or "".
func (d dirRef) readlink(name string) string {
	target, _ := os.Readlink(filepath.Join(d.path, name))
	return target
}

// open opens the file name of d for reading, refusing a link.
func (d dirRef) open(name string) (*os.File, error) {
	path := filepath.Join(d.path, name)
	if info, err := os.Lstat(path); err == nil && info.Mode()&fs.ModeSymlink != 0 {
		return nil, &fs.PathError{Op: "open", Path: path, Err: errors.New("is a symbolic link")}
	}
	return os.Open(path)
}

// readFile reads the file name of d, if it holds exactly size bytes; ok is
// false when it does not.
func (d dirRef) readFile(name string, size int64) ([]byte, bool, error) {
	f, err := d.open(name)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	var b bytes.Buffer
	if _, err := io.Copy(&b, io.LimitReader(f, size+1)); err != nil {
		return nil, false, err
	}
	return b.Bytes(), int64(b.Len()) == size, nil
}

// writeNew creates the file name in d, which must not exist, with data and
// mode less the umask, removing it again on error.
func (d dirRef) writeNew(name string, data []byte, mode fs.FileMode) error {
	path := filepath.Join(d.path, name)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode.Perm())
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if err = errors.Join(err, f.Close()); err != nil {
		_ = os.Remove(path)
	}
	return err
}

// rename renames the file old of d to new, replacing new.
func (d dirRef) rename(old, new string) error {
	return os.Rename(filepath.Join(d.path, old), filepath.Join(d.path, new))
}

// remove removes the entry name of d, which is not a directory.
func (d dirRef) remove(name string) error {
	return os.Remove(filepath.Join(d.path, name))
}

// rmdir removes the directory name of d if it is empty.
func (d dirRef) rmdir(name string) error {
	path := filepath.Join(d.path, name)
	if info, err := os.Lstat(path); err != nil || !info.IsDir() {
		return &fs.PathError{Op: "rmdir", Path: path, Err: errors.New("not a directory")}
	}
	return os.Remove(path)
}

// list returns the entries of d.
func (d dirRef) list() ([]fs.DirEntry, error) {
	return os.ReadDir(d.path)
}

// processGone reports whether no process has the id pid: unknown here, so
// false (a temporary file is then stale by its age only).
func processGone(int) bool { return false }
