package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// writeTreeFiles writes files (path relative to dir: content) under dir.
func writeTreeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for rel, content := range files {
		writeTestFile(t, filepath.Join(dir, rel), content)
	}
}

// TestE2EExportPruneLeavesUserFiles: --prune, with --all-types -A and with
// -n, removes the file of an object deleted and none of the user's own
// YAML in the tree (a chart's templates, a kustomize patch, a file at an
// object's path holding another object), which -v names.
func TestE2EExportPruneLeavesUserFiles(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	exportConfigMaps(t, env, ns, 3)
	user := map[string]string{
		"charts/mychart/templates/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
		"charts/mychart/templates/cm.yaml":     "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: chart-cm}\n",
		ns + "/overlays/prod/patch.yaml":       "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 3}\n",
		ns + "/core/ConfigMap/mine.yaml":       "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: not-mine, namespace: " + ns + "}\n",
	}
	for _, tc := range []struct {
		name  string
		scope []string
	}{
		{"all types -A", []string{"--all-types", "-A"}},
		{"all types -n", []string{"--all-types", "-n", ns}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			exportConfigMaps(t, env, ns, 3)
			mustKdx(t, env, append([]string{"export", "--dir", dir, "-q"}, tc.scope...)...)
			writeTreeFiles(t, dir, user)
			if res := env.RunKubectl(t, "delete", "configmap", "cm-1", "-n", ns); res.ExitCode != 0 {
				t.Fatal(res.Stderr)
			}
			res := mustKdx(t, env, append([]string{"export", "--dir", dir, "-q", "--prune", "-v=1"}, tc.scope...)...)
			gone := filepath.Join(ns, "core", "ConfigMap", "cm-1.yaml")
			if !containsLine(res.Stdout, gone+" pruned") {
				t.Errorf("stdout has no %q:\n%s", gone+" pruned", res.Stdout)
			}
			if _, err := os.Stat(filepath.Join(dir, gone)); !os.IsNotExist(err) {
				t.Errorf("%s still there: %v", gone, err)
			}
			for rel := range user {
				if _, err := os.Stat(filepath.Join(dir, rel)); err != nil {
					t.Errorf("the user's %s was removed: %v", rel, err)
				}
				if strings.Contains(res.Stdout, rel) {
					t.Errorf("stdout names the user's %s:\n%s", rel, res.Stdout)
				}
			}
			for _, rel := range []string{ns + "/overlays/prod/patch.yaml", ns + "/core/ConfigMap/mine.yaml"} {
				if !strings.Contains(res.Stderr, "left "+rel+": not written by kdx") {
					t.Errorf("-v does not name %s:\n%s", rel, res.Stderr)
				}
			}
		})
	}
}

// TestE2EExportCommit: --commit into a directory not created yet in a work
// tree creates it and commits only the files kdx changed there: not the
// user's staged file outside it, nor untracked files and leftovers inside
// it; Secrets that are not redacted are refused; a watch whose commit meets
// another git's index.lock waits for it and commits.
func TestE2EExportCommit(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	exportConfigMaps(t, env, ns, 2)
	env.Apply(t, "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: "+ns+"}\nstringData: {password: hunter2}\n")
	repo := t.TempDir()
	git := testenv.GitRepo(t, repo)
	writeTreeFiles(t, repo, map[string]string{"README.md": "mine\n", "staged.txt": "work in progress\n"})
	git("add", "README.md")
	git("commit", "-q", "-m", "first")
	git("add", "staged.txt")
	dir := filepath.Join(repo, "clusters", "test")
	cm := func(name string) string {
		return filepath.Join("clusters", "test", ns, "core", "ConfigMap", name+".yaml")
	}

	res := env.Kdx(t, "export", "configmaps", "-n", ns, "--dir", dir, "--commit", "-q")
	if res.ExitCode != 0 {
		t.Fatalf("export --commit into a new directory: exit %d\n%s", res.ExitCode, res.Stderr)
	}
	want := strings.Join([]string{"clusters/test/.kdx-written", cm("cm-0"), cm("cm-1")}, "\n") + "\n"
	if got := git("show", "--name-only", "--format=", "HEAD"); got != want {
		t.Errorf("the export's commit holds:\n%swant:\n%s", got, want)
	}

	// The user's files in the tree, a leftover of a killed run, a change.
	writeTreeFiles(t, dir, map[string]string{"notes.md": "mine\n", filepath.Join(ns, "core", "ConfigMap", ".kdx-tmp-99-x-1"): "half"})
	env.Apply(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-0, namespace: "+ns+"}\ndata: {payload: changed}\n")
	mustKdx(t, env, "export", "configmaps", "-n", ns, "--dir", dir, "--commit", "-q")
	if got := git("show", "--name-only", "--format=", "HEAD"); got != cm("cm-0")+"\n" {
		t.Errorf("the second commit holds:\n%swant only %s", got, cm("cm-0"))
	}
	status := git("status", "--porcelain", "--untracked-files=all")
	for _, want := range []string{"A  staged.txt", "?? clusters/test/notes.md"} {
		if !containsLine(status, want) {
			t.Errorf("git status has no %q:\n%s", want, status)
		}
	}
	if strings.Contains(git("log", "--all", "--name-only", "--format="), "kdx-tmp") {
		t.Errorf("a temporary file was committed")
	}

	t.Run("secrets", func(t *testing.T) {
		res := env.Kdx(t, "export", "secrets,configmaps", "-n", ns, "--dir", dir, "--commit")
		if res.ExitCode != 1 || !strings.Contains(res.Stderr, "--redact-secrets") {
			t.Errorf("unredacted Secrets: exit %d (want 1), stderr:\n%s", res.ExitCode, res.Stderr)
		}
		if _, err := os.Stat(filepath.Join(dir, ns, "core", "Secret")); !os.IsNotExist(err) {
			t.Errorf("the refused export wrote Secrets: %v", err)
		}
		mustKdx(t, env, "export", "secrets", "-n", ns, "--dir", dir, "--commit", "-q", "--redact-secrets")
		if show := git("show", "HEAD"); strings.Contains(show, "aHVudGVyMg") {
			t.Errorf("a Secret's value was committed:\n%s", show)
		}
	})

	t.Run("index.lock under --watch", func(t *testing.T) {
		p := startKdx(t, env, env.Kubeconfig, "export", "configmaps", "-n", ns, "--dir", dir, "--watch", "--commit")
		waitStderr(t, p, "Watching 1 types")
		lock := filepath.Join(repo, ".git", "index.lock")
		if err := os.WriteFile(lock, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		released := make(chan struct{})
		go func() {
			defer close(released)
			time.Sleep(2 * time.Second)
			_ = os.Remove(lock)
		}()
		env.Apply(t, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-1, namespace: "+ns+"}\ndata: {payload: locked}\n")
		waitLines(t, p, "wrote "+filepath.Join(ns, "core", "ConfigMap", "cm-1.yaml"))
		<-released
		p.interrupt(t)
		if got := git("log", "-1", "--format=%s"); got != "kdx export: wrote "+filepath.Join(ns, "core", "ConfigMap", "cm-1.yaml")+"\n" {
			t.Errorf("last commit %q, stderr:\n%s", got, p.errText())
		}
		if strings.Contains(p.errText(), "index.lock") {
			t.Errorf("the lock was reported:\n%s", p.errText())
		}
	})
}

// TestE2EDiffDirTrees: diff --dir refuses the links of a tree (one line
// each, never their content), reads a JSON tree without --format, and
// takes the selection the tree was exported with (-l, --field-selector,
// --where): a fresh tree shows nothing, an object deleted is gone.
func TestE2EDiffDirTrees(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	var b strings.Builder
	for i, app := range []string{"web", "web", "db"} {
		fmt.Fprintf(&b, "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s-%d, namespace: %s, labels: {app: %s}}\ndata: {k: v}\n", app, i, ns, app)
	}
	env.Apply(t, b.String())

	t.Run("links", func(t *testing.T) {
		tree := t.TempDir()
		mustKdx(t, env, "export", "configmaps", "-n", ns, "--dir", tree, "-q")
		key := filepath.Join(t.TempDir(), "id_rsa")
		if err := os.WriteFile(key, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\nsecret\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		zz := filepath.Join(tree, ns, "core", "ConfigMap", "zz.yaml")
		if err := os.Symlink(key, zz); err != nil {
			t.Fatal(err)
		}
		apps := filepath.Join(tree, ns, "apps")
		if err := os.Symlink(filepath.Dir(key), apps); err != nil {
			t.Fatal(err)
		}
		res := env.Kdx(t, "diff", "--all-types", "-n", ns, "--dir", tree)
		if strings.Contains(res.Stdout+res.Stderr, "PRIVATE KEY") {
			t.Errorf("the key was printed:\n%s%s", res.Stdout, res.Stderr)
		}
		for _, link := range []string{zz, apps} {
			if strings.Count(res.Stderr, link+" is a symbolic link") != 1 {
				t.Errorf("stderr does not name %s once:\n%s", link, res.Stderr)
			}
		}
		if res.ExitCode != 2 {
			t.Errorf("exit %d, want 2", res.ExitCode)
		}
	})

	t.Run("a JSON tree", func(t *testing.T) {
		tree := t.TempDir()
		mustKdx(t, env, "export", "configmaps", "-n", ns, "--dir", tree, "-q", "-o", "json")
		if res := env.Kdx(t, "diff", "configmaps", "-n", ns, "--dir", tree); res.ExitCode != 0 || res.Stdout != "" {
			t.Errorf("exit %d (want 0), stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	for _, sel := range [][]string{
		{"-l", "app=web"},
		{"--field-selector", "metadata.name!=db-2"},
		{"--where", `object.metadata.labels.app == "web"`},
	} {
		t.Run(strings.Join(sel, " "), func(t *testing.T) {
			tree := t.TempDir()
			mustKdx(t, env, append([]string{"export", "configmaps", "-n", ns, "--dir", tree, "-q"}, sel...)...)
			diff := append([]string{"diff", "configmaps", "-n", ns, "--dir", tree, "--stat"}, sel...)
			if res := env.Kdx(t, diff...); res.ExitCode != 0 || res.Stdout != "" {
				t.Fatalf("a fresh tree: exit %d (want 0), stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
			}
			// Gone: a file the selection selects whose object is not there.
			writeTreeFiles(t, tree, map[string]string{filepath.Join(ns, "core", "ConfigMap", "web-9.yaml"): "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  labels:\n    app: web\n  name: web-9\n  namespace: " + ns + "\n"})
			res := env.Kdx(t, diff...)
			if res.ExitCode != 1 || !strings.Contains(res.Stdout, "gone     "+filepath.Join(ns, "core", "ConfigMap", "web-9.yaml")+" (") {
				t.Errorf("exit %d (want 1), stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
			}
		})
	}
}
