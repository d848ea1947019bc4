//go:build linux

package export

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncTree makes everything written under root durable with one syncfs(2)
// of its file system, which flushes the files' data, the renames and the
// removals; nothing when nothing changed.
func syncTree(root string, changed []string) error {
	if len(changed) == 0 {
		return nil
	}
	f, err := os.Open(root)
	if err != nil {
		return err
	}
	defer f.Close()
	return unix.Syncfs(int(f.Fd()))
}
