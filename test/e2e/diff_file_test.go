package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// TestE2EDiffFile diffs files against the real server: nothing before a
// change, then exactly the changed fields, a new object, a Secret masked,
// the live objects the input lacks with --prune, and a schema error in one
// object reported while the others are still diffed.
func TestE2EDiffFile(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	dir := t.TempDir()
	manifest := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: " + ns + "}\ndata: {k: %s}\n"
	secret := "apiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: " + ns + "}\nstringData: {password: %s}\n"
	before := manifest("before.yaml", fmt.Sprintf(cm, "app", "v1")+"---\n"+fmt.Sprintf(secret, "hunter2"))
	if res := env.Kdx(t, "apply", "-f", before); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	if res := env.Kdx(t, "apply", "-f", manifest("other.yaml", fmt.Sprintf(cm, "not-in-input", "v"))); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	path := func(kind, name string) string { return filepath.Join(ns, "core", kind, name+".yaml") }

	t.Run("no change", func(t *testing.T) {
		res := env.Kdx(t, "diff", "-f", before)
		if res.ExitCode != 0 || res.Stdout != "" {
			t.Errorf("exit %d (want 0), stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	after := manifest("after.yaml", fmt.Sprintf(cm, "app", "v2")+"---\n"+fmt.Sprintf(cm, "new", "v")+"---\n"+fmt.Sprintf(secret, "correct-horse"))
	t.Run("changes", func(t *testing.T) {
		res := env.Kdx(t, "diff", "-f", after)
		for _, want := range []string{
			"--- live/" + path("ConfigMap", "app") + "\n+++ merged/" + path("ConfigMap", "app") + "\n",
			"-  k: v1\n+  k: v2\n",
			"--- /dev/null\n+++ merged/" + path("ConfigMap", "new") + "\n",
			"-  password: '*** (before)'\n+  password: '*** (after)'\n",
		} {
			if !strings.Contains(res.Stdout, want) {
				t.Errorf("stdout has no %q:\n%s", want, res.Stdout)
			}
		}
		if res.ExitCode != 1 || strings.Contains(res.Stdout, "hunter2") || strings.Contains(res.Stdout, "aHVudGVyMg") ||
			strings.Contains(res.Stdout, "resourceVersion") || strings.Contains(res.Stdout, "not-in-input") {
			t.Errorf("exit %d (want 1); no Secret value, no server-managed field, nothing pruned without --prune:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
		// Nothing was written.
		if got := env.Kdx(t, "get", "configmap", "app", "-n", ns, "-o", "jsonpath={.data.k}"); got.Stdout != "v1" {
			t.Errorf("diff changed the object: k=%q", got.Stdout)
		}
	})

	t.Run("prune, stat", func(t *testing.T) {
		// The labels and the totals line of diff --dir --stat.
		res := env.Kdx(t, "diff", "-f", after, "--prune", "--stat")
		lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		for _, w := range []string{
			"changed  " + path("ConfigMap", "app") + " (+1 -1)",
			"new      " + path("ConfigMap", "new") + " (+",
			"changed  " + path("Secret", "creds") + " (+1 -1)",
			"gone     " + path("ConfigMap", "not-in-input") + " (+0 -",
		} {
			if !containsLine(res.Stdout, w) {
				t.Errorf("no line %q in:\n%s", w, res.Stdout)
			}
		}
		if res.ExitCode != 1 || lines[len(lines)-1] != "2 changed, 1 new, 1 gone" {
			t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("a schema error in one object", func(t *testing.T) {
		bad := manifest("bad.yaml", fmt.Sprintf(cm, "app", "v3")+
			"---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: broken, namespace: "+ns+"}\nspec: {replicas: many}\n")
		res := env.Kdx(t, "diff", "-f", bad)
		// The error says what was run: diff, not apply.
		if res.ExitCode != 2 || !strings.Contains(res.Stdout, "+  k: v3\n") || !strings.HasPrefix(res.Stderr, "error: failed to diff deployment.apps/broken from "+bad) {
			t.Errorf("exit %d (want 2), stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})

	t.Run("forbidden", func(t *testing.T) {
		kc := testenv.WriteFleetKubeconfig(t, testenv.FleetContext{Name: "restricted", Config: env.RestrictedConfig})
		res := env.Kdx(t, "--kubeconfig", kc, "diff", "-f", after)
		if res.ExitCode != 2 || !strings.Contains(res.Stderr, "forbidden") {
			t.Errorf("exit %d (want 2), stderr %q", res.ExitCode, res.Stderr)
		}
	})
}
