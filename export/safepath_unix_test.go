//go:build unix

package export

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestOpenUnder reads files of a tree: through a link (a directory on the
// way, or the file itself) it is refused with a *LinkError naming the link.
func TestOpenUnder(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"shop/core/ConfigMap/a.yaml", "secret/id_rsa"} {
		p := filepath.Join(root, f)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(f), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	mustLink(t, "../../../secret/id_rsa", filepath.Join(root, "shop/core/ConfigMap/zz.yaml"))
	mustLink(t, "../secret", filepath.Join(root, "shop/apps"))
	tests := []struct{ rel, want, link string }{
		{rel: "shop/core/ConfigMap/a.yaml", want: "shop/core/ConfigMap/a.yaml"},
		{rel: "shop/core/ConfigMap/zz.yaml", link: "shop/core/ConfigMap/zz.yaml"},
		{rel: "shop/apps/id_rsa", link: "shop/apps"},
		{rel: "shop/apps", link: "shop/apps"},
	}
	for _, tc := range tests {
		t.Run(tc.rel, func(t *testing.T) {
			f, err := openUnder(root, filepath.FromSlash(tc.rel))
			if tc.link != "" {
				var le *LinkError
				if !errors.As(err, &le) || le.Path != filepath.Join(root, tc.link) || le.Op != "follow" {
					t.Fatalf("err = %v, want a *LinkError for %s", err, tc.link)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			data, _ := io.ReadAll(f)
			if string(data) != tc.want {
				t.Errorf("read %q, want %q", data, tc.want)
			}
		})
	}
	if f, err := openUnder(root, "shop/core"); err != nil {
		t.Errorf("a directory: %v", err)
	} else if names, err := f.Readdirnames(-1); err != nil || len(names) != 1 {
		t.Errorf("listed %v, %v", names, err)
	}
	if _, err := openUnder(root, "../x"); err == nil {
		t.Error("a path out of the tree was opened")
	}
}

// TestRemoveUnder removes files of a tree and the directories this empties,
// never the root, and refuses links.
func TestRemoveUnder(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	for _, f := range []string{"shop/core/ConfigMap/a.yaml", "shop/core/ConfigMap/b.yaml", "x/y/z.yaml"} {
		p := filepath.Join(root, f)
		_ = os.MkdirAll(filepath.Dir(p), 0o755)
		_ = os.WriteFile(p, nil, 0o644)
	}
	if err := os.WriteFile(filepath.Join(outside, "z.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	mustLink(t, outside, filepath.Join(root, "ln"))
	mustLink(t, filepath.Join(outside, "z.yaml"), filepath.Join(root, "shop/core/ConfigMap/c.yaml"))

	if err := removeUnder(root, "shop/core/ConfigMap/a.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := removeUnder(root, "x/y/z.yaml"); err != nil {
		t.Fatal(err)
	}
	if err := removeUnder(root, "shop/core/ConfigMap/missing.yaml"); err != nil {
		t.Errorf("a missing file: %v", err)
	}
	var le *LinkError
	if err := removeUnder(root, "ln/z.yaml"); !errors.As(err, &le) || le.Op != "follow" {
		t.Errorf("through a link: %v", err)
	}
	if err := removeUnder(root, "shop/core/ConfigMap/c.yaml"); !errors.As(err, &le) || le.Op != "remove" {
		t.Errorf("a link: %v", err)
	}
	got := tree(t, root)
	delete(got, "ln")
	delete(got, "shop/core/ConfigMap/c.yaml")
	if len(got) != 1 || got["shop/core/ConfigMap/b.yaml"] == 0 {
		t.Errorf("left %v, want b.yaml alone (and the links)", got)
	}
	if _, err := os.Stat(filepath.Join(root, "x")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("emptied directories stay: %v", err)
	}
	if _, err := os.Stat(filepath.Join(outside, "z.yaml")); err != nil {
		t.Errorf("the file outside: %v", err)
	}
	for _, l := range []string{"ln", "shop/core/ConfigMap/c.yaml"} {
		if _, err := os.Lstat(filepath.Join(root, l)); err != nil {
			t.Errorf("link %s: %v", l, err)
		}
	}
}

func mustLink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}
