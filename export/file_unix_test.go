//go:build unix

package export

import (
	"io/fs"
	"syscall"
	"testing"
)

// TestDirSinkModesWhateverTheUmask checks that files get exactly their mode
// when the umask would take bits away (files are created with their mode
// and changed only then).
func TestDirSinkModesWhateverTheUmask(t *testing.T) {
	for _, umask := range []int{0o022, 0o077, 0o277} {
		old := syscall.Umask(umask)
		root := t.TempDir()
		d, err := NewDirSink(root, FormatYAML)
		if err == nil {
			writeAll(t, d, cmA, secret)
		}
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]fs.FileMode{"shop/core/ConfigMap/a.yaml": FileMode, "shop/core/Secret/s.yaml": SecretMode}
		if got := tree(t, root); !mapsEqual(got, want) {
			t.Errorf("umask %o: files %v, want %v", umask, got, want)
		}
	}
}
