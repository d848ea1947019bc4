package e2e

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/testenv"
)

// applyWriteObjects makes in ns a ConfigMap cm1, a Secret s1 and a Role
// named -rf (RBAC names may start with '-').
func applyWriteObjects(t *testing.T, env *testenv.Env, ns string) {
	t.Helper()
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: cm1, namespace: %[1]s}
data: {k: v}
---
apiVersion: v1
kind: Secret
metadata: {name: s1, namespace: %[1]s}
stringData: {password: hunter2}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: -rf, namespace: %[1]s}
rules: []
`, ns))
}

// TestExportDirRefusesLinks exports into trees where a directory, a parent
// of it or an object's file is a link out of the tree: kdx refuses with
// one line naming the link and exits 1; nothing outside is written.
func TestExportDirRefusesLinks(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	applyWriteObjects(t, env, ns)
	for _, c := range []struct{ name, at, op string }{
		{"namespace directory", ns, "follow"},
		{"group directory", ns + "/core", "follow"},
		{"file", ns + "/core/ConfigMap/cm1.yaml", "replace"},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir, outside := t.TempDir(), filepath.Join(t.TempDir(), "elsewhere")
			if strings.HasSuffix(c.at, ".yaml") {
				if err := os.WriteFile(outside, []byte("the user's file\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			} else if err := os.Mkdir(outside, 0o755); err != nil {
				t.Fatal(err)
			}
			link := filepath.Join(dir, c.at)
			_ = os.MkdirAll(filepath.Dir(link), 0o755)
			if err := os.Symlink(outside, link); err != nil {
				t.Fatal(err)
			}
			res := env.Kdx(t, "export", "configmaps,secrets", "-n", ns, "--dir", dir)
			want := fmt.Sprintf("refusing to %s the symbolic link %s (to %s)", c.op, link, outside)
			if res.ExitCode != 1 || !strings.Contains(res.Stderr, want) {
				t.Errorf("exit %d, stderr:\n%s\nwant 1 and %q", res.ExitCode, res.Stderr, want)
			}
			if strings.Count(res.Stderr, "symbolic link") != 1 {
				t.Errorf("the link is not named once:\n%s", res.Stderr)
			}
			if got := fileList(t, outside); len(got) != 0 && !(len(got) == 1 && got[0] == ".") {
				t.Errorf("written outside the tree: %v", got)
			}
			if data, err := os.ReadFile(outside); err == nil && string(data) != "the user's file\n" {
				t.Errorf("the user's file was changed: %q", data)
			}
			if target, err := os.Readlink(link); err != nil || target != outside {
				t.Errorf("the link changed: %q, %v", target, err)
			}
		})
	}
}

// fileList lists the files under root (not following links), relative.
func fileList(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

// TestExportWatchRefusesLinks moves, while `export --dir --watch` runs, a
// directory of the tree out of it and leaves a link to it in its place
// (as a pulled commit could), then deletes an object whose file is there:
// kdx stops with one line naming the link and leaves the file outside, the
// directory there and the link.
func TestExportWatchRefusesLinks(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	obj := newObjects(t, env.Config, ns)
	obj.create(configMapsGVR, "keep")
	obj.create(configMapsGVR, "gone")
	dir := t.TempDir()
	p := startKdx(t, env, env.Kubeconfig, "export", "configmaps", "-n", ns, "--dir", dir, "--watch")
	waitStderr(t, p, "Watching 1 types")
	moved := filepath.Join(t.TempDir(), "core")
	if err := os.Rename(filepath.Join(dir, ns, "core"), moved); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(moved, filepath.Join(dir, ns, "core")); err != nil {
		t.Fatal(err)
	}
	obj.delete(configMapsGVR, "gone")
	select {
	case <-p.done:
	case <-time.After(watchTimeout):
		t.Fatalf("kdx went on watching through the link\nstdout:\n%s\nstderr:\n%s", p.output(), p.errText())
	}
	_ = p.cmd.Wait()
	want := fmt.Sprintf("refusing to follow the symbolic link %s (to %s)", filepath.Join(dir, ns, "core"), moved)
	if code := p.cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(p.errText(), want) {
		t.Errorf("exit %d, stderr:\n%s\nwant 1 and %q", code, p.errText(), want)
	}
	if got := fileList(t, moved); strings.Join(got, ",") != filepath.Join("ConfigMap", "gone.yaml")+","+filepath.Join("ConfigMap", "keep.yaml") {
		t.Errorf("outside the tree: %v, want both files", got)
	}
	if _, err := os.Lstat(filepath.Join(dir, ns, "core")); err != nil {
		t.Errorf("the link was removed: %v", err)
	}
}

// TestExportDirFilesAsAUserExpects exports, under umask 077, into a tree
// where a killed run left a temporary file: the file is removed (and said),
// files and directories honour the umask, a Role named -rf is the file
// %2Drf.yaml, and the tree maps back to its objects: diff --dir shows
// nothing and a re-export with --prune prunes nothing.
func TestExportDirFilesAsAUserExpects(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	applyWriteObjects(t, env, ns)
	dir := t.TempDir()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(ns, "core", "ConfigMap", fmt.Sprintf(".kdx-tmp-%d-abc-1", gone.Process.Pid))
	_ = os.MkdirAll(filepath.Join(dir, filepath.Dir(stale)), 0o755)
	if err := os.WriteFile(filepath.Join(dir, stale), []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	types := "configmaps,secrets,roles"
	cmd := exec.Command("sh", "-c", `umask 077 && exec "$0" "$@"`, testenv.KdxBinary(t), "export", types, "-n", ns, "--dir", dir)
	cmd.Env = env.KdxCommand(context.Background(), t).Env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Removed the temporary files an interrupted export left in "+dir+": "+stale+".") {
		t.Errorf("the stale file is not said:\n%s", out)
	}
	want := map[string]fs.FileMode{
		filepath.Join(ns, "core/ConfigMap/cm1.yaml"):                   0o600,
		filepath.Join(ns, "core/Secret/s1.yaml"):                       0o600,
		filepath.Join(ns, "rbac.authorization.k8s.io/Role/%2Drf.yaml"): 0o600,
		filepath.Join(ns, "core/ConfigMap/kube-root-ca.crt.yaml"):      0, // skipped
		filepath.Join(ns, "rbac.authorization.k8s.io/Role/-rf.yaml"):   0,
		stale: 0,
	}
	for f, mode := range want {
		info, err := os.Lstat(filepath.Join(dir, f))
		switch {
		case mode == 0 && err == nil:
			t.Errorf("%s is there", f)
		case mode != 0 && (err != nil || info.Mode().Perm() != mode):
			t.Errorf("%s: %v, %v; want mode %v", f, info, err, mode)
		}
	}
	if info, err := os.Stat(filepath.Join(dir, ns, "rbac.authorization.k8s.io")); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("a directory made: %v, %v; want mode 0700", info, err)
	}
	if res := env.Kdx(t, "diff", types, "-n", ns, "--dir", dir); res.ExitCode != 0 || res.Stdout != "" {
		t.Errorf("diff --dir of a fresh export: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	if res := env.Kdx(t, "export", types, "-n", ns, "--dir", dir, "--prune"); res.ExitCode != 0 || res.Stdout != "" {
		t.Errorf("export --prune over a fresh export: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	if got := fileList(t, dir); len(got) != 4 || !slices.Contains(got, export.RecordFile) {
		t.Errorf("files %v, want the three objects' and the record of what export wrote", got)
	}
}
