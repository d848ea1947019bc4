//go:build unix

package export

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// linkCase plants one link in an export tree: at the namespace, group or
// kind directory of shop's ConfigMaps, or at cmA's file.
type linkCase struct {
	name string
	// at is the link's path in the tree; it points to a real directory
	// (or, for a file, a real file) outside the tree.
	at string
	// file says the link is to a file.
	file bool
}

// cmOther is a ConfigMap away from the links of linkCases.
const cmOther = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: other}\n"

var linkCases = []linkCase{
	{name: "namespace directory", at: "shop"},
	{name: "group directory", at: "shop/core"},
	{name: "kind directory", at: "shop/core/ConfigMap"},
	{name: "file", at: "shop/core/ConfigMap/a.yaml", file: true},
}

// plantLink makes root/<at> a link to a directory (or file) outside root,
// holding what the tree would hold there, and returns that outside path.
func plantLink(t *testing.T, root string, c linkCase) string {
	t.Helper()
	outside := filepath.Join(t.TempDir(), "elsewhere")
	rest, _ := filepath.Rel(c.at, "shop/core/ConfigMap/a.yaml")
	if c.file {
		rest = "."
	}
	target := filepath.Join(outside, rest)
	if c.file {
		if err := os.MkdirAll(filepath.Dir(outside), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(outside, []byte("the user's file\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, []byte("the user's file\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(root, c.at)
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	return outside
}

// checkUntouched checks that the link is still there, pointing where it
// did, and that outside holds only the user's file, unchanged.
func checkUntouched(t *testing.T, root, outside string, c linkCase) {
	t.Helper()
	if target, err := os.Readlink(filepath.Join(root, c.at)); err != nil || target != outside {
		t.Errorf("the link %s is gone or changed: %q, %v", c.at, target, err)
	}
	var files []string
	_ = filepath.Walk(outside, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			data, _ := os.ReadFile(p)
			files = append(files, p+": "+string(data))
		}
		return nil
	})
	if len(files) != 1 || !strings.HasSuffix(files[0], ": the user's file\n") {
		t.Errorf("outside the tree: %q, want only the user's file, unchanged", files)
	}
}

// checkLinkError checks that err is one line naming the link.
func checkLinkError(t *testing.T, err error, root string, c linkCase) {
	t.Helper()
	if err == nil {
		t.Fatal("no error: the link was followed or replaced")
	}
	msg := err.Error()
	if !strings.Contains(msg, "symbolic link "+filepath.Join(root, c.at)) || strings.Contains(msg, "\n") {
		t.Errorf("error %q, want one line naming the link %s", msg, filepath.Join(root, c.at))
	}
}

// TestDirSinkRefusesLinks writes, updates (as --watch does) and removes
// (an object deleted while watching) a file whose directory, a parent of
// it, or the file itself is a link out of the tree: each is refused with
// one line naming the link; nothing outside is written or removed, no
// directory there is removed, and the link stays.
func TestDirSinkRefusesLinks(t *testing.T) {
	ops := map[string]func(*DirSink, *testing.T) error{
		"write": func(d *DirSink, t *testing.T) error { return d.Write(context.Background(), obj(t, cmA)) },
		"update": func(d *DirSink, t *testing.T) error {
			_, _, err := d.Update(context.Background(), obj(t, cmA))
			return err
		},
		"remove": func(d *DirSink, t *testing.T) error {
			_, _, err := d.Remove(obj(t, cmA))
			return err
		},
	}
	for _, c := range linkCases {
		for op, run := range ops {
			t.Run(op+" through a "+c.name, func(t *testing.T) {
				root := t.TempDir()
				outside := plantLink(t, root, c)
				d, err := NewDirSink(root, FormatYAML)
				if err != nil {
					t.Fatal(err)
				}
				err = run(d, t)
				checkLinkError(t, err, root, c)
				if cerr := d.Close(context.Background()); cerr != nil {
					t.Fatal(cerr)
				}
				checkUntouched(t, root, outside, c)
				// Objects elsewhere are still written.
				if err := d.Write(context.Background(), obj(t, cmOther)); err != nil {
					t.Errorf("a file away from the link: %v", err)
				}
			})
		}
	}
}

// TestDirSinkRootMayBeALink exports into a directory whose own path is a
// link: the user named it, it is followed.
func TestDirSinkRootMayBeALink(t *testing.T) {
	real := t.TempDir()
	root := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(real, root); err != nil {
		t.Fatal(err)
	}
	d, err := NewDirSink(root, FormatYAML)
	if err != nil {
		t.Fatal(err)
	}
	writeAll(t, d, cmA)
	if _, _, err := d.Remove(obj(t, cmA)); err != nil {
		t.Fatal(err)
	}
	writeAll(t, d, secret)
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := tree(t, real); len(got) != 1 || got["shop/core/Secret/s.yaml"] == 0 {
		t.Errorf("tree = %v, want the Secret alone", got)
	}
}

// TestDirSinkWatchSeesLinksMadeSince replaces, after a write, a directory
// of the tree with a link to it moved out of the tree (as a git pull of a
// planted link could): a watch's update or removal that follows is
// refused, even with no Close between, and nothing outside is touched.
func TestDirSinkWatchSeesLinksMadeSince(t *testing.T) {
	for _, op := range []string{"update", "remove"} {
		t.Run(op, func(t *testing.T) {
			root := t.TempDir()
			d, err := NewDirSink(root, FormatYAML)
			if err != nil {
				t.Fatal(err)
			}
			writeAll(t, d, cmA)
			outside := filepath.Join(t.TempDir(), "core")
			if err := os.Rename(filepath.Join(root, "shop/core"), outside); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(root, "shop/core")); err != nil {
				t.Fatal(err)
			}
			changed := strings.ReplaceAll(cmA, "{k: v}", "{k: changed}")
			if op == "update" {
				_, _, err = d.Update(context.Background(), obj(t, changed))
			} else {
				_, _, err = d.Remove(obj(t, cmA))
			}
			checkLinkError(t, err, root, linkCase{at: "shop/core"})
			data, err := os.ReadFile(filepath.Join(outside, "ConfigMap/a.yaml"))
			if err != nil || strings.Contains(string(data), "changed") {
				t.Errorf("the file outside: %q, %v", data, err)
			}
			if _, err := os.Lstat(filepath.Join(root, "shop/core")); err != nil {
				t.Errorf("the link: %v", err)
			}
		})
	}
}
