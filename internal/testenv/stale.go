package testenv

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ownerFile names the file holding the pid of the process that owns a
// temporary directory of this package.
const ownerFile = "owner.pid"

// staleAge is how old an ownerless directory must be before it is removed,
// so a directory being created is never taken for a stale one.
const staleAge = time.Minute

// makeOwnedTemp creates a temporary directory under parent (the system's when
// empty) recording the current process as its owner, after removing the
// directories with the same prefix whose owner died without cleaning up (a
// test binary killed by a timeout, say; its children died with it).
func makeOwnedTemp(parent, prefix string) (string, error) {
	if parent == "" {
		parent = os.TempDir()
	}
	removeStale(parent, prefix)
	dir, err := os.MkdirTemp(parent, prefix)
	if err != nil {
		return "", err
	}
	pid := []byte(strconv.Itoa(os.Getpid()))
	if err := os.WriteFile(filepath.Join(dir, ownerFile), pid, 0o644); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	return dir, nil
}

// removeStale removes the directories parent/prefix* whose owner is gone.
func removeStale(parent, prefix string) {
	matches, _ := filepath.Glob(filepath.Join(parent, prefix+"*"))
	for _, dir := range matches {
		if isStale(dir) {
			_ = os.RemoveAll(dir)
		}
	}
}

// isStale reports whether dir is older than staleAge and its owner process
// is not running.
func isStale(dir string) bool {
	info, err := os.Stat(dir)
	if err != nil || !info.IsDir() || time.Since(info.ModTime()) < staleAge {
		return false
	}
	b, err := os.ReadFile(filepath.Join(dir, ownerFile))
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 {
		return false
	}
	return errors.Is(syscall.Kill(pid, 0), syscall.ESRCH)
}
