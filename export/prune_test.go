package export

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// userFiles are files a user keeps in an export tree, each where the
// layout's walk looks (namespace/group/kind/file), none an object file kdx
// wrote: prune must leave every one.
var userFiles = map[string]string{
	// A chart: a template, not an object of the path.
	"charts/mychart/templates/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
	// A kustomize patch in a namespace's directory.
	"shop/overlays/prod/patch.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n",
	// At a ConfigMap's path, another object.
	"shop/core/ConfigMap/z.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other, namespace: shop}\n",
	// The right object, and a second document.
	"shop/core/ConfigMap/two.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: two, namespace: shop}\n---\nkind: Secret\n",
	// A JSON file with the right object, and more.
	"shop/core/ConfigMap/j.json": `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j", "namespace": "shop"}} {}`,
	// Not YAML.
	"shop/core/ConfigMap/notes.yaml": "key: [unclosed\n",
}

// writeFiles writes files (relative path: content) under root.
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		path := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func treeList(t *testing.T, root string) []string {
	t.Helper()
	var got []string
	for p := range tree(t, root) {
		got = append(got, p)
	}
	slices.Sort(got)
	return got
}

// TestPruneOnlyWhatKdxWrote: --prune --all-types (-A or -n shop) removes the
// files of the objects gone, and leaves a user's charts, patches and files
// that hold another object than their path says, naming each.
func TestPruneOnlyWhatKdxWrote(t *testing.T) {
	cm := TypeKey{Kind: "ConfigMap", Namespaced: true}
	sec := TypeKey{Kind: "Secret", Namespaced: true}
	cr := TypeKey{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}
	for _, tc := range []struct {
		name  string
		scope PruneScope
		// removed are the files of the first run's objects pruned.
		removed []string
	}{
		{"all types -A", PruneScope{AllTypes: true, Types: []TypeKey{cm, sec, cr}},
			[]string{"_cluster/rbac.authorization.k8s.io/ClusterRole/x%3Ay.yaml", "shop/core/ConfigMap/b.yaml", "shop/core/Secret/s.yaml"}},
		{"all types -n shop", PruneScope{AllTypes: true, Namespace: "shop", Types: []TypeKey{cm, sec}},
			[]string{"shop/core/ConfigMap/b.yaml", "shop/core/Secret/s.yaml"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			d, _ := NewDirSink(root, FormatYAML)
			writeAll(t, d, cmA, cmB, secret, role)
			writeFiles(t, root, userFiles)
			outside := filepath.Join(t.TempDir(), "id_rsa.yaml")
			writeFiles(t, filepath.Dir(outside), map[string]string{"id_rsa.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: l, namespace: shop}\n"})
			if err := os.Symlink(outside, filepath.Join(root, "shop/core/ConfigMap/l.yaml")); err != nil {
				t.Fatal(err)
			}
			d2, _ := NewDirSink(root, FormatYAML)
			writeAll(t, d2, cmA)
			removed, left, err := d2.Prune(tc.scope)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(removed, tc.removed) {
				t.Errorf("removed %v, want %v", removed, tc.removed)
			}
			want := []string{"shop/core/ConfigMap/a.yaml"}
			for rel := range userFiles {
				want = append(want, rel)
			}
			if tc.scope.Namespace != "" {
				want = append(want, "_cluster/rbac.authorization.k8s.io/ClusterRole/x%3Ay.yaml")
			}
			slices.Sort(want)
			got := slices.DeleteFunc(treeList(t, root), func(p string) bool { return p == "shop/core/ConfigMap/l.yaml" })
			if !slices.Equal(got, want) {
				t.Errorf("tree after prune:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if _, err := os.Lstat(filepath.Join(root, "shop/core/ConfigMap/l.yaml")); err != nil {
				t.Errorf("the link was removed: %v", err)
			}
			if _, err := os.Stat(outside); err != nil {
				t.Errorf("the link's target was removed: %v", err)
			}
			var leftPaths []string
			for _, l := range left {
				leftPaths = append(leftPaths, l.Path)
				if l.Why == "" {
					t.Errorf("%s left without a reason", l.Path)
				}
			}
			wantLeft := []string{"shop/core/ConfigMap/j.json", "shop/core/ConfigMap/l.yaml", "shop/core/ConfigMap/notes.yaml",
				"shop/core/ConfigMap/two.yaml", "shop/core/ConfigMap/z.yaml", "shop/overlays/prod/patch.yaml"}
			if tc.scope.Namespace == "" {
				wantLeft = append([]string{"charts/mychart/templates/deploy.yaml"}, wantLeft...)
			}
			if !slices.Equal(leftPaths, wantLeft) {
				t.Errorf("left %v, want %v", leftPaths, wantLeft)
			}
		})
	}
}

// TestPruneRecord: a file the record lists is pruned even when it no
// longer reads as its object (a merge left conflict markers in it); the
// same file not in the record is left.
func TestPruneRecord(t *testing.T) {
	cm := TypeKey{Kind: "ConfigMap", Namespaced: true}
	conflict := "<<<<<<< HEAD\napiVersion: v1\n=======\n>>>>>>> theirs\n"
	for _, recorded := range []bool{true, false} {
		root := t.TempDir()
		d, _ := NewDirSink(root, FormatYAML)
		writeAll(t, d, cmA, cmB)
		if recorded {
			if err := d.SaveRecord(); err != nil {
				t.Fatal(err)
			}
		}
		writeFiles(t, root, map[string]string{"shop/core/ConfigMap/b.yaml": conflict})
		d2, _ := NewDirSink(root, FormatYAML)
		writeAll(t, d2, cmA)
		removed, left, err := d2.Prune(PruneScope{Types: []TypeKey{cm}})
		if err != nil {
			t.Fatal(err)
		}
		if recorded && (len(removed) != 1 || len(left) != 0) {
			t.Errorf("recorded: removed %v, left %v; want b.yaml removed", removed, left)
		}
		if !recorded && (len(removed) != 0 || len(left) != 1) {
			t.Errorf("not recorded: removed %v, left %v; want b.yaml left", removed, left)
		}
	}
}

// TestSaveRecord: the record lists the files of this run and those of the
// last record still there, and is not rewritten when it is right.
func TestSaveRecord(t *testing.T) {
	root := t.TempDir()
	d, _ := NewDirSink(root, FormatYAML)
	writeAll(t, d, cmA, cmB, role)
	if err := d.SaveRecord(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "shop/core/ConfigMap/b.yaml")); err != nil {
		t.Fatal(err)
	}
	// A hand-written record line that is no object file's path is dropped.
	path := filepath.Join(root, RecordFile)
	data, _ := os.ReadFile(path)
	if err := os.WriteFile(path, append(data, "../../etc/passwd.yaml\nREADME.md\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	d2, _ := NewDirSink(root, FormatYAML)
	writeAll(t, d2, secret)
	if err := d2.SaveRecord(); err != nil {
		t.Fatal(err)
	}
	want := recordHeader + "_cluster/rbac.authorization.k8s.io/ClusterRole/x%3Ay.yaml\nshop/core/ConfigMap/a.yaml\nshop/core/Secret/s.yaml\n"
	if data, _ := os.ReadFile(path); string(data) != want {
		t.Errorf("record:\n%s\nwant:\n%s", data, want)
	}
	before, _ := os.Stat(path)
	d3, _ := NewDirSink(root, FormatYAML)
	writeAll(t, d3, cmA)
	if err := d3.SaveRecord(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.Stat(path); !os.SameFile(before, after) || len(d3.changed) != 0 {
		t.Errorf("an unchanged record was rewritten")
	}
}

// TestSaveRecordNothingWritten: an export that wrote nothing leaves no
// record, and removes one whose files are all gone.
func TestSaveRecordNothingWritten(t *testing.T) {
	root := t.TempDir()
	d, _ := NewDirSink(root, FormatYAML)
	if err := d.SaveRecord(); err != nil {
		t.Fatal(err)
	}
	if files := treeList(t, root); len(files) != 0 {
		t.Errorf("an export of nothing wrote %v", files)
	}
	writeAll(t, d, cmA)
	if err := d.SaveRecord(); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(root, "shop/core/ConfigMap/a.yaml")); err != nil {
		t.Fatal(err)
	}
	d2, _ := NewDirSink(root, FormatYAML)
	if err := d2.SaveRecord(); err != nil {
		t.Fatal(err)
	}
	if files := treeList(t, root); len(files) != 0 {
		t.Errorf("a record of files all gone stayed: %v", files)
	}
}

// TestSaveRecordInterrupted: a write cancelled before its file is in place
// claims the path but leaves it out of the record (an interrupted export
// lists only the files it wrote).
func TestSaveRecordInterrupted(t *testing.T) {
	root := t.TempDir()
	d, _ := NewDirSink(root, FormatYAML)
	writeAll(t, d, cmA)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Write(ctx, obj(t, cmB)); err == nil {
		t.Fatal("a cancelled write succeeded")
	}
	if err := d.SaveRecord(); err != nil {
		t.Fatal(err)
	}
	want := recordHeader + "shop/core/ConfigMap/a.yaml\n"
	if data, _ := os.ReadFile(filepath.Join(root, RecordFile)); string(data) != want {
		t.Errorf("record:\n%s\nwant:\n%s", data, want)
	}
}
