package export

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// diffTree writes docs to a tree under a new directory and returns it.
func diffTree(t *testing.T, docs ...string) string {
	t.Helper()
	root := t.TempDir()
	d, err := NewDirSink(root, FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, d, docs...)
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	return root
}

// compare runs a DiffSink over root with the objects docs and returns its
// changes (those found and those gone) and the links it met.
func compare(t *testing.T, root string, scope PruneScope, docs ...string) ([]Change, []string) {
	t.Helper()
	var found []Change
	d, err := NewDiffSink(root, FormatYAML, func(c Change) error {
		found = append(found, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, doc := range docs {
		if err := d.Write(context.Background(), obj(t, doc)); err != nil {
			t.Fatal(err)
		}
	}
	gone, err := d.Gone(scope)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range gone {
		old, err := d.ReadOld(c)
		if err != nil {
			t.Errorf("ReadOld(%s): %v", c.Path, err)
		}
		if strings.Contains(string(old), "PRIVATE KEY") {
			t.Errorf("%s: a key outside the tree was read: %q", c.Path, old)
		}
	}
	return append(found, gone...), d.Links()
}

func changePaths(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, string(c.Drift)+" "+filepath.ToSlash(c.Path))
	}
	slices.Sort(out)
	return out
}

// TestDiffSinkRefusesLinks: a file of the tree that is a link to a secret
// outside (zz.yaml -> ../../id_rsa), a link at an object's path, and a
// directory link are not read: each is named once, and no content of
// theirs reaches a change.
func TestDiffSinkRefusesLinks(t *testing.T) {
	root := diffTree(t, cmA)
	outside := t.TempDir()
	key := filepath.Join(outside, "id_rsa")
	if err := os.WriteFile(key, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	writeFiles(t, outside, map[string]string{"core/ConfigMap/b.yaml": cmB, "ConfigMap/c.yaml": cmB})
	links := map[string]string{
		"shop/core/ConfigMap/zz.yaml": key,                                             // a file in scope
		"shop/core/ConfigMap/b.yaml":  filepath.Join(outside, "core/ConfigMap/b.yaml"), // an object's file
		"other":                       outside,                                         // a namespace directory
		"shop/apps":                   outside,                                         // a group directory
	}
	for rel, target := range links {
		if err := os.Symlink(target, filepath.Join(root, rel)); err != nil {
			t.Fatal(err)
		}
	}
	cm := TypeKey{Kind: "ConfigMap", Namespaced: true}
	changes, gotLinks := compare(t, root, PruneScope{AllTypes: true, Types: []TypeKey{cm}}, cmA, cmB)
	for _, c := range changes {
		if strings.Contains(string(c.Old), "PRIVATE KEY") {
			t.Errorf("%s: the key was read: %q", c.Path, c.Old)
		}
	}
	if len(changes) != 0 {
		t.Errorf("changes %v, want none", changePaths(changes))
	}
	var want []string
	for rel := range links {
		want = append(want, filepath.Join(root, rel))
	}
	slices.Sort(want)
	if !slices.Equal(gotLinks, want) {
		t.Errorf("links %v, want %v", gotLinks, want)
	}
}

// TestDiffSinkGoneOnlyKdxFiles: a user's files in the tree are not gone
// objects.
func TestDiffSinkGoneOnlyKdxFiles(t *testing.T) {
	root := diffTree(t, cmA, cmB, secret)
	writeFiles(t, root, userFiles)
	cm := TypeKey{Kind: "ConfigMap", Namespaced: true}
	sec := TypeKey{Kind: "Secret", Namespaced: true}
	all := PruneScope{AllTypes: true, Types: []TypeKey{cm, sec}}
	changes, _ := compare(t, root, all, cmA)
	if got, want := changePaths(changes), []string{"gone shop/core/ConfigMap/b.yaml", "gone shop/core/Secret/s.yaml"}; !slices.Equal(got, want) {
		t.Errorf("changes %v, want %v", got, want)
	}
}
