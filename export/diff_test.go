package export

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
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
func compare(t *testing.T, root string, scope PruneScope, selected func(*unstructured.Unstructured) bool, docs ...string) ([]Change, []string) {
	t.Helper()
	var found []Change
	d, err := NewDiffSink(root, FormatYAML, func(c Change) error {
		found = append(found, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d.Selected = selected
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
	changes, gotLinks := compare(t, root, PruneScope{AllTypes: true, Types: []TypeKey{cm}}, nil, cmA, cmB)
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
// objects; with a selection, only files whose object it selects are.
func TestDiffSinkGoneOnlyKdxFiles(t *testing.T) {
	labelled := strings.Replace(cmB, "metadata: {name: b, namespace: shop}", "metadata: {name: b, namespace: shop, labels: {app: web}}", 1)
	root := diffTree(t, cmA, labelled, secret)
	writeFiles(t, root, userFiles)
	cm := TypeKey{Kind: "ConfigMap", Namespaced: true}
	sec := TypeKey{Kind: "Secret", Namespaced: true}
	all := PruneScope{AllTypes: true, Types: []TypeKey{cm, sec}}
	changes, _ := compare(t, root, all, nil, cmA)
	if got, want := changePaths(changes), []string{"gone shop/core/ConfigMap/b.yaml", "gone shop/core/Secret/s.yaml"}; !slices.Equal(got, want) {
		t.Errorf("changes %v, want %v", got, want)
	}
	web, err := Selection("app=web", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	changes, _ = compare(t, root, all, web)
	if got, want := changePaths(changes), []string{"gone shop/core/ConfigMap/b.yaml"}; !slices.Equal(got, want) {
		t.Errorf("with -l app=web: changes %v, want %v", got, want)
	}
	named, _ := Selection("", "metadata.name=s,type!=Opaque", func(m map[string]any) bool { return m["kind"] == "Secret" })
	changes, _ = compare(t, root, all, named)
	if got, want := changePaths(changes), []string{"gone shop/core/Secret/s.yaml"}; !slices.Equal(got, want) {
		t.Errorf("with --field-selector and --where: changes %v, want %v", got, want)
	}
}

func TestTreeFormats(t *testing.T) {
	root := diffTree(t, cmA)
	if got := TreeFormats(root, ""); !slices.Equal(got, []Format{FormatYAML}) {
		t.Errorf("a YAML tree: %v", got)
	}
	d, _ := NewDirSink(filepath.Join(root, "j"), FormatJSON)
	writeAll(t, d, role)
	if got := TreeFormats(filepath.Join(root, "j"), "shop"); !slices.Equal(got, []Format{FormatJSON}) {
		t.Errorf("a JSON tree: %v", got)
	}
	d, _ = NewDirSink(root, FormatJSON)
	writeAll(t, d, strings.ReplaceAll(cmA, "shop", "other"))
	if got := TreeFormats(root, ""); !slices.Equal(got, []Format{FormatJSON, FormatYAML}) {
		t.Errorf("a mixed tree: %v", got)
	}
	if got := TreeFormats(root, "shop"); !slices.Equal(got, []Format{FormatYAML}) {
		t.Errorf("the YAML namespace of a mixed tree: %v", got)
	}
	if got := TreeFormats(t.TempDir(), ""); len(got) != 0 {
		t.Errorf("an empty tree: %v", got)
	}
}
