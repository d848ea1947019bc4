package export

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// tree returns the files under root (slash paths) with their modes.
func tree(t *testing.T, root string) map[string]fs.FileMode {
	t.Helper()
	out := map[string]fs.FileMode{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out[filepath.ToSlash(rel)] = info.Mode().Perm()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeAll(t *testing.T, d *DirSink, docs ...string) {
	t.Helper()
	for _, doc := range docs {
		if err := d.Write(context.Background(), obj(t, doc)); err != nil {
			t.Fatal(err)
		}
	}
}

const (
	cmA    = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\ndata: {k: v}\n"
	cmB    = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: shop}\n"
	secret = "apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: shop}\ndata: {k: dg==}\n"
	role   = "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: 'x:y'}\n"
)

func TestDirSinkLayoutAndModes(t *testing.T) {
	root := t.TempDir()
	d, err := NewDirSink(root, FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, d, cmA, secret, role)
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := tree(t, root)
	want := map[string]fs.FileMode{
		"shop/core/ConfigMap/a.yaml":                                FileMode,
		"shop/core/Secret/s.yaml":                                   SecretMode,
		"_cluster/rbac.authorization.k8s.io/ClusterRole/x%3Ay.yaml": FileMode,
	}
	if !mapsEqual(got, want) {
		t.Errorf("tree = %v, want %v", got, want)
	}
	data, _ := os.ReadFile(filepath.Join(root, "shop/core/ConfigMap/a.yaml"))
	if string(data) != "apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: shop\n" {
		t.Errorf("content = %q", data)
	}
}

func mapsEqual(a, b map[string]fs.FileMode) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestDirSinkSameFileTwice(t *testing.T) {
	d, err := NewDirSink(t.TempDir(), FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, d, cmA)
	err = d.Write(context.Background(), obj(t, cmA))
	if err == nil || !strings.Contains(err.Error(), "same file") {
		t.Errorf("second write of one file: err = %v, want 'same file'", err)
	}
}

func TestDirSinkReplacesInPlace(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "shop/core/Secret/s.yaml")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	d, _ := NewDirSink(root, FormatYAML)
	writeAll(t, d, secret)
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != SecretMode {
		t.Fatalf("secret file: %v, mode %v", err, info.Mode())
	}
	// An unchanged file is not rewritten.
	before := info.ModTime()
	d2, _ := NewDirSink(root, FormatYAML)
	writeAll(t, d2, secret)
	if info, _ := os.Stat(path); !info.ModTime().Equal(before) || len(d2.changed) != 0 {
		t.Errorf("unchanged file was rewritten")
	}
}

func TestDirSinkCancelledLeavesNoTemp(t *testing.T) {
	root := t.TempDir()
	d, _ := NewDirSink(root, FormatYAML)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := d.Write(ctx, obj(t, cmA)); err == nil {
		t.Fatal("write with a cancelled context succeeded")
	}
	for p := range tree(t, root) {
		t.Errorf("file left behind: %s", p)
	}
}

func TestPrune(t *testing.T) {
	cm := TypeKey{Kind: "ConfigMap", Namespaced: true}
	sec := TypeKey{Kind: "Secret", Namespaced: true}
	cr := TypeKey{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole"}
	tests := []struct {
		name  string
		scope PruneScope
		// want are the files left after a second run that writes only cmA.
		want []string
	}{
		{"types listed", PruneScope{Types: []TypeKey{cm}},
			[]string{"README.md", "_cluster/rbac.authorization.k8s.io/ClusterRole/x%3Ay.yaml", "shop/core/ConfigMap/a.yaml", "shop/core/Secret/s.yaml"}},
		{"one namespace", PruneScope{Namespace: "shop", Types: []TypeKey{cm}},
			[]string{"README.md", "_cluster/rbac.authorization.k8s.io/ClusterRole/x%3Ay.yaml", "other/core/ConfigMap/c.yaml", "shop/core/ConfigMap/a.yaml", "shop/core/Secret/s.yaml"}},
		{"all types", PruneScope{AllTypes: true, Types: []TypeKey{cm, sec, cr}},
			[]string{"README.md", "shop/core/ConfigMap/a.yaml"}},
		{"all types, one failed", PruneScope{AllTypes: true, Types: []TypeKey{cm, cr}, Failed: []TypeKey{sec}},
			[]string{"README.md", "shop/core/ConfigMap/a.yaml", "shop/core/Secret/s.yaml"}},
		{"all types in a namespace", PruneScope{AllTypes: true, Namespace: "shop", Types: []TypeKey{cm, sec}},
			[]string{"README.md", "_cluster/rbac.authorization.k8s.io/ClusterRole/x%3Ay.yaml", "other/core/ConfigMap/c.yaml", "shop/core/ConfigMap/a.yaml"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			d, _ := NewDirSink(root, FormatYAML)
			writeAll(t, d, cmA, cmB, secret, role, strings.ReplaceAll(cmA, "name: a, namespace: shop", "name: c, namespace: other"))
			_ = os.WriteFile(filepath.Join(root, "README.md"), []byte("hi"), 0o644)
			_ = os.WriteFile(filepath.Join(root, "shop/core/ConfigMap", tempPrefix+"123"), []byte("x"), 0o600)
			d2, _ := NewDirSink(root, FormatYAML)
			writeAll(t, d2, cmA)
			if _, _, err := d2.Prune(tc.scope); err != nil {
				t.Fatal(err)
			}
			var got []string
			for p := range tree(t, root) {
				got = append(got, p)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("left:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
