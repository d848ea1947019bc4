package e2e

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// driftCRD is a namespaced CRD of group %s with kind %s (plural %s).
const driftCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: %[3]s.%[1]s}
spec:
  group: %[1]s
  names: {plural: %[3]s, singular: %[4]s, kind: %[2]s}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`

// TestE2EDiffDir exports a namespace, changes the cluster (an edit, a
// delete, a create, a new CRD and object, a CRD deleted) and checks that
// diff --dir shows exactly those and exits 1, then that a fresh export
// shows nothing and exits 0.
func TestE2EDiffDir(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(driftCRD, "drift-old.example.org", "Sail", "sails", "sail"))
	env.WaitForCRD(t, "sails.drift-old.example.org")
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: " + ns + "}\ndata: {k: %s}\n"
	env.Apply(t, fmt.Sprintf(cm, "edited", "before")+"---\n"+fmt.Sprintf(cm, "deleted", "v")+"---\n"+fmt.Sprintf(cm, "kept", "v")+
		"---\napiVersion: drift-old.example.org/v1\nkind: Sail\nmetadata: {name: main, namespace: "+ns+"}\nspec: {size: 3}\n")
	tree := t.TempDir()
	kdx := func(args ...string) testenv.Result { return env.Kdx(t, append([]string{"-n", ns}, args...)...) }
	if res := kdx("export", "--all-types", "--dir", tree, "-q"); res.ExitCode != 0 {
		t.Fatalf("export: exit %d: %s", res.ExitCode, res.Stderr)
	}
	if res := kdx("diff", "--all-types", "--dir", tree); res.ExitCode != 0 || res.Stdout != "" {
		t.Fatalf("diff of a fresh export: exit %d (want 0), stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
	}

	// The cluster drifts.
	env.Apply(t, fmt.Sprintf(cm, "edited", "after")+"---\n"+fmt.Sprintf(cm, "created", "v"))
	if res := kdx("delete", "configmap", "deleted"); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	env.Apply(t, fmt.Sprintf(driftCRD, "drift-new.example.org", "Mast", "masts", "mast"))
	env.WaitForCRD(t, "masts.drift-new.example.org")
	env.Apply(t, "apiVersion: drift-new.example.org/v1\nkind: Mast\nmetadata: {name: tall, namespace: "+ns+"}\nspec: {height: 9}\n")
	if res := env.Kdx(t, "delete", "crd", "sails.drift-old.example.org"); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	t.Cleanup(func() { env.Kdx(t, "delete", "crd", "masts.drift-new.example.org", "--ignore-not-found") })
	waitUnserved(t, env, "sails.drift-old.example.org")

	rel := func(group, kind, name string) string { return filepath.Join(ns, group, kind, name+".yaml") }
	t.Run("diff shows exactly the drift", func(t *testing.T) {
		res := kdx("diff", "--all-types", "--dir", tree)
		if res.ExitCode != 1 {
			t.Fatalf("exit %d, want 1; stderr:\n%s", res.ExitCode, res.Stderr)
		}
		for _, want := range []string{
			"--- " + tree + "/" + rel("core", "ConfigMap", "edited") + "\n+++ live/" + rel("core", "ConfigMap", "edited") + "\n",
			"-  k: before\n+  k: after\n",
			"--- " + tree + "/" + rel("core", "ConfigMap", "deleted") + "\n+++ /dev/null\n",
			"--- /dev/null\n+++ live/" + rel("core", "ConfigMap", "created") + "\n",
			"--- /dev/null\n+++ live/" + rel("drift-new.example.org", "Mast", "tall") + "\n",
			"# " + rel("drift-old.example.org", "Sail", "main") + ": its type is no longer served\n",
		} {
			if !strings.Contains(res.Stdout, want) {
				t.Errorf("stdout has no %q:\n%s", want, res.Stdout)
			}
		}
		if strings.Contains(res.Stdout, "/kept.yaml") {
			t.Errorf("an unchanged object is in the diff:\n%s", res.Stdout)
		}
	})

	t.Run("stat", func(t *testing.T) {
		res := kdx("diff", "--all-types", "--dir", tree, "--stat")
		lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
		want := []string{
			"gone     " + rel("core", "ConfigMap", "deleted") + " (+0 -7)",
			"new      " + rel("core", "ConfigMap", "created"),
			"changed  " + rel("core", "ConfigMap", "edited") + " (+1 -1)",
		}
		for _, w := range want {
			if !containsLine(res.Stdout, w) {
				t.Errorf("no line %q in:\n%s", w, res.Stdout)
			}
		}
		if res.ExitCode != 1 || lines[len(lines)-1] != "1 changed, 2 new, 1 gone, 1 in types no longer served" {
			t.Errorf("exit %d, stdout:\n%s", res.ExitCode, res.Stdout)
		}
	})

	t.Run("json", func(t *testing.T) {
		res := kdx("diff", "--all-types", "--dir", tree, "-o", "json")
		var report struct {
			Changes []struct{ Path, Drift, Diff string }
		}
		if err := json.Unmarshal([]byte(res.Stdout), &report); err != nil {
			t.Fatalf("%v:\n%s", err, res.Stdout)
		}
		drifts := map[string]string{}
		for _, c := range report.Changes {
			drifts[c.Path] = c.Drift
		}
		if res.ExitCode != 1 || len(report.Changes) != 5 || drifts[rel("core", "ConfigMap", "edited")] != "changed" ||
			drifts[rel("drift-old.example.org", "Sail", "main")] != "unserved" {
			t.Errorf("exit %d, report %v", res.ExitCode, drifts)
		}
	})

	t.Run("a user who may not list", func(t *testing.T) {
		kc := testenv.WriteFleetKubeconfig(t, testenv.FleetContext{Name: "restricted", Config: env.RestrictedConfig})
		res := env.Kdx(t, "--kubeconfig", kc, "-n", ns, "diff", "configmaps", "--dir", tree)
		if res.ExitCode != 2 || !strings.Contains(res.Stderr, "forbidden") {
			t.Errorf("exit %d (want 2), stderr %q", res.ExitCode, res.Stderr)
		}
	})

	t.Run("a fresh export shows nothing", func(t *testing.T) {
		if res := kdx("export", "--all-types", "--dir", tree, "-q", "--prune"); res.ExitCode != 0 {
			t.Fatalf("export: exit %d: %s", res.ExitCode, res.Stderr)
		}
		if res := kdx("diff", "--all-types", "--dir", tree); res.ExitCode != 0 || res.Stdout != "" {
			t.Errorf("exit %d (want 0), stdout:\n%s\nstderr:\n%s", res.ExitCode, res.Stdout, res.Stderr)
		}
	})
}

// waitUnserved waits until discovery no longer serves the resource.
func waitUnserved(t *testing.T, env *testenv.Env, resource string) {
	t.Helper()
	for i := 0; i < 100; i++ {
		if res := env.Kdx(t, "get", resource); res.ExitCode != 0 && (strings.Contains(res.Stderr, "have a resource type") || strings.Contains(res.Stderr, "could not find the requested resource")) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	res := env.Kdx(t, "get", resource)
	t.Fatalf("%s is still served: exit %d, %s %s", resource, res.ExitCode, res.Stdout, res.Stderr)
}
