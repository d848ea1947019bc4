package export

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxTreeFile is the largest file of an export tree that kdx reads: an
// object is at most a few MiB (etcd's limit is 1.5 MiB by default), so a
// larger file is not one kdx wrote.
const maxTreeFile = 64 << 20

// LinkError is a symbolic link met in an export tree: kdx never writes one
// and never follows one there, since a link can point anywhere (a pulled
// commit can plant `zz.yaml -> ../../id_rsa`).
type LinkError struct {
	// Path is the link, under the tree's root as given.
	Path string
}

func (e *LinkError) Error() string {
	return fmt.Sprintf("%s is a symbolic link: kdx does not follow links in an export tree", e.Path)
}

// lstatTree checks that no component of rel (a relative path under root,
// the root itself excepted) is a symbolic link, and returns the last
// one's information. A link is a *LinkError naming it.
func lstatTree(root, rel string) (fs.FileInfo, error) {
	parts := strings.Split(filepath.ToSlash(filepath.Clean(rel)), "/")
	path := root
	var info fs.FileInfo
	for _, p := range parts {
		if p == ".." || p == "." || p == "" {
			return nil, fmt.Errorf("%s: not a path inside %s", rel, root)
		}
		path = filepath.Join(path, p)
		var err error
		if info, err = os.Lstat(path); err != nil {
			return nil, err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return nil, &LinkError{Path: path}
		}
	}
	return info, nil
}

// readTreeFile reads the regular file rel under root without following a
// link anywhere below root: a link is a *LinkError; anything but a
// regular file, or a file larger than maxTreeFile, is an error. The file
// opened is checked to be the one looked at, so that a component swapped
// for a link in between is not followed either.
func readTreeFile(root, rel string) ([]byte, error) {
	info, err := lstatTree(root, rel)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(root, rel)
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	if info.Size() > maxTreeFile {
		return nil, fmt.Errorf("%s is larger than any object (%d MiB)", path, maxTreeFile>>20)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opened, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !os.SameFile(info, opened) {
		return nil, fmt.Errorf("%s changed while it was read", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, maxTreeFile+1))
	if err == nil && len(data) > maxTreeFile {
		err = fmt.Errorf("%s is larger than any object (%d MiB)", path, maxTreeFile>>20)
	}
	return data, err
}

// isLink reports whether err is a *LinkError.
func isLink(err error) bool {
	var le *LinkError
	return errors.As(err, &le)
}
