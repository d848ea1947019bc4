//go:build unix

package export

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// TestNewDirSinkRemovesStaleTemps leaves in a tree the temporary files of
// runs that were killed (their process gone; an earlier process with this
// one's id; a process alive but the file too old) and others that must
// stay (a running export's, a user's file, outside the object directories,
// a link): a new sink removes the stale ones only.
func TestNewDirSinkRemovesStaleTemps(t *testing.T) {
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Skip("no true command:", err)
	}
	dead, alive := gone.Process.Pid, os.Getppid()
	kind := "shop/core/ConfigMap"
	stale := []string{
		fmt.Sprintf("%s/.kdx-tmp-%d-abc-1", kind, dead),
		fmt.Sprintf("%s/.kdx-tmp-%d-zzzzzzz-2", kind, os.Getpid()),
		fmt.Sprintf("%s/.kdx-tmp-%d-abc-3", kind, alive), // two hours old
	}
	kept := []string{
		fmt.Sprintf("%s/.kdx-tmp-%d-abc-4", kind, alive),
		kind + "/.kdx-tmp-notes",
		kind + "/a.yaml",
		fmt.Sprintf("shop/core/.kdx-tmp-%d-abc-5", dead),
		fmt.Sprintf(".git/objects/ab/.kdx-tmp-%d-abc-6", dead),
		kind + "/" + tempPrefix + processTag + "-8", // another sink of this process
	}
	root := t.TempDir()
	for _, f := range append(slices.Clone(stale), kept...) {
		p := filepath.Join(root, f)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(filepath.Join(root, stale[2]), old, old); err != nil {
		t.Fatal(err)
	}
	link := fmt.Sprintf("%s/.kdx-tmp-%d-abc-7", kind, dead)
	if err := os.Symlink("a.yaml", filepath.Join(root, link)); err != nil {
		t.Fatal(err)
	}
	kept = append(kept, link)

	if _, err := NewDirSink(root, FormatYAML); err != nil {
		t.Fatal(err)
	}
	var left []string
	for p := range tree(t, root) {
		left = append(left, p)
	}
	slices.Sort(left)
	slices.Sort(kept)
	if !slices.Equal(left, kept) {
		t.Errorf("left:\n%q\nwant:\n%q", left, kept)
	}
}
