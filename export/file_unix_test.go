//go:build unix

package export

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestDirSinkModesHonourTheUmask checks that files get their mode less the
// umask, as any file a program creates, with Secrets never readable by
// others whatever the umask; and that a file whose mode gives bits the
// umask now takes away is written again.
func TestDirSinkModesHonourTheUmask(t *testing.T) {
	tests := []struct {
		umask      int
		cm, secret fs.FileMode
	}{
		{0o022, 0o644, 0o600},
		{0o002, 0o644, 0o600},
		{0o000, 0o644, 0o600},
		{0o077, 0o600, 0o600},
		{0o027, 0o640, 0o600},
		{0o277, 0o400, 0o400},
	}
	for _, tc := range tests {
		root := t.TempDir()
		// A file from a run under umask 022, unchanged since.
		cmFile := filepath.Join(root, "shop/core/ConfigMap/a.yaml")
		_ = os.MkdirAll(filepath.Dir(cmFile), 0o755)
		if err := os.WriteFile(cmFile, []byte("apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: shop\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		old := syscall.Umask(tc.umask)
		d, err := NewDirSink(root, FormatYAML)
		if err == nil {
			writeAll(t, d, cmA, secret, cmB)
		}
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]fs.FileMode{"shop/core/ConfigMap/a.yaml": tc.cm, "shop/core/ConfigMap/b.yaml": tc.cm, "shop/core/Secret/s.yaml": tc.secret}
		if got := tree(t, root); !mapsEqual(got, want) {
			t.Errorf("umask %03o: files %v, want %v", tc.umask, got, want)
		}
	}
}

// TestDirSinkKeepsNarrowedModes checks that a file the user made more
// private is left alone when its content is right.
func TestDirSinkKeepsNarrowedModes(t *testing.T) {
	root := t.TempDir()
	d, _ := NewDirSink(root, FormatYAML)
	writeAll(t, d, cmA)
	path := filepath.Join(root, "shop/core/ConfigMap/a.yaml")
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	d2, _ := NewDirSink(root, FormatYAML)
	if _, changed, err := d2.Update(context.Background(), obj(t, cmA)); err != nil || changed {
		t.Errorf("changed %v, %v: the file was written again", changed, err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the user's 0600", info.Mode().Perm())
	}
}
