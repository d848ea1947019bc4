package export

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// maxTreeFile is the largest file of an export tree that kdx reads: an
// object is at most a few MiB (etcd's limit is 1.5 MiB by default), so a
// larger file is not one kdx wrote.
const maxTreeFile = 64 << 20

// statTree is the information of the file or directory rel under root,
// walked as openUnder walks: a link below root is a *LinkError.
func statTree(root, rel string) (fs.FileInfo, error) {
	f, err := openUnder(root, rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.Stat()
}

// readTreeFile reads the regular file rel under root through openUnder (no
// link below root is followed: a link is a *LinkError); anything but a
// regular file, or a file larger than maxTreeFile, is an error.
func readTreeFile(root, rel string) ([]byte, error) {
	f, err := openUnder(root, rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", quoteIfNeeded(f.Name()))
	}
	tooLarge := fmt.Errorf("%s is larger than any object (%d MiB)", quoteIfNeeded(f.Name()), maxTreeFile>>20)
	if info.Size() > maxTreeFile {
		return nil, tooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, maxTreeFile+1))
	if err == nil && len(data) > maxTreeFile {
		err = tooLarge
	}
	return data, err
}

// isLink reports whether err is a *LinkError.
func isLink(err error) bool {
	var le *LinkError
	return errors.As(err, &le)
}
