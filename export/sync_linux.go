//go:build linux

package export

import "golang.org/x/sys/unix"

// syncTree makes everything written under root durable with one syncfs(2)
// of its file system, which flushes the files' data, the renames and the
// removals; nothing when nothing changed.
func syncTree(root dirRef, changed []string) error {
	if len(changed) == 0 {
		return nil
	}
	return retryEINTR(func() error { return unix.Syncfs(root.fd) })
}
