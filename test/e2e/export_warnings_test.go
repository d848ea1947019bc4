package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/internal/testenv"
)

// TestExportNamedSkippedObject: an object named on the command line is
// exported even though a bulk export skips it, with one warning line.
func TestExportNamedSkippedObject(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	bulk := mustKdx(t, env, "export", "configmaps", "-n", ns)
	if strings.Contains(bulk.Stdout, "kube-root-ca.crt") || strings.Contains(bulk.Stderr, "Warning") {
		t.Errorf("a bulk export exported kube-root-ca.crt or warned:\n%s\n%s", bulk.Stdout, bulk.Stderr)
	}
	for _, args := range [][]string{{"cm", "kube-root-ca.crt"}, {"configmap/kube-root-ca.crt"}} {
		res := mustKdx(t, env, append(append([]string{"export"}, args...), "-n", ns, "-q")...)
		if !strings.Contains(res.Stdout, "name: kube-root-ca.crt\n") || !strings.Contains(res.Stdout, "ca.crt: |") {
			t.Errorf("export %v: the object is not exported:\n%s", args, res.Stdout)
		}
		want := `Warning: configmaps "kube-root-ca.crt" is exported because it was named; an export of all configmaps skips it: ` +
			"the cluster's CA, published in every namespace by kube-controller-manager (--include-system keeps it)\n"
		if res.Stderr != want {
			t.Errorf("export %v: stderr %q, want %q", args, res.Stderr, want)
		}
	}
}

// TestExportMissingNamespace: a namespace that does not exist is an error,
// as kubectl words it, for --all-types and for one type; cluster-scoped
// types ignore -n.
func TestExportMissingNamespace(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	for _, args := range [][]string{{"--all-types"}, {"configmaps"}, {"cm", "x"}} {
		res := env.Kdx(t, append([]string{"export", "-n", "nosuchns"}, args...)...)
		if res.ExitCode != 1 || res.Stderr != "error: namespace \"nosuchns\" not found\n" || res.Stdout != "" {
			t.Errorf("export %v -n nosuchns: exit %d, stdout %q, stderr %q; want exit 1 and one error line", args, res.ExitCode, res.Stdout, res.Stderr)
		}
	}
	mustKdx(t, env, "export", "clusterroles", "-n", "nosuchns", "-l", "nothing=here")
}

// TestExportPruneNamesFiles: --prune names each file it removes on stdout.
func TestExportPruneNamesFiles(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	exportConfigMaps(t, env, ns, 3)
	dir := t.TempDir()
	mustKdx(t, env, "export", "configmaps", "-n", ns, "--dir", dir)
	if res := env.RunKubectl(t, "delete", "configmap", "cm-0", "cm-2", "-n", ns); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	path := func(name string) string { return filepath.Join(ns, "core", "ConfigMap", name+".yaml") }
	res := mustKdx(t, env, "export", "configmaps", "-n", ns, "--dir", dir, "--prune")
	if want := path("cm-0") + " pruned\n" + path("cm-2") + " pruned\n"; res.Stdout != want {
		t.Errorf("stdout %q, want %q", res.Stdout, want)
	}
	if _, err := os.Stat(filepath.Join(dir, path("cm-1"))); err != nil {
		t.Errorf("cm-1.yaml was pruned: %v", err)
	}
	// -q leaves out the summary, not the files removed.
	if res := env.RunKubectl(t, "delete", "configmap", "cm-1", "-n", ns); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	res = mustKdx(t, env, "export", "configmaps", "-n", ns, "--dir", dir, "--prune", "-q")
	if want := path("cm-1") + " pruned\n"; res.Stdout != want || res.Stderr != "" {
		t.Errorf("-q: stdout %q, stderr %q; want stdout %q and nothing on stderr", res.Stdout, res.Stderr, want)
	}
}

// TestExportRulesFlag: `kdx export --rules` prints the rules table that
// export/RULES.md holds (export's unit tests keep RULES.md in step with the
// rules data), without a cluster.
func TestExportRulesFlag(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	doc, err := os.ReadFile(filepath.Join("..", "..", "export", "RULES.md"))
	if err != nil {
		t.Fatal(err)
	}
	res := env.KdxIn(t, nil, []string{"KUBECONFIG=/nonexistent"}, "export", "--rules")
	if res.ExitCode != 0 || res.Stdout != strings.TrimPrefix(string(doc), export.RulesDocHeader) || !strings.Contains(res.Stdout, "`pod-token-volume`") {
		t.Errorf("export --rules: exit %d, stderr %q; stdout differs from export/RULES.md:\n%s", res.ExitCode, res.Stderr, res.Stdout)
	}
	if res := env.Kdx(t, "export", "--rules", "pods"); res.ExitCode != 1 || res.Stderr != "error: --rules prints the rules: give no TYPE, NAME or --all-types with it\n" {
		t.Errorf("export --rules pods: exit %d, stderr %q", res.ExitCode, res.Stderr)
	}
}

// TestExportBarePod: what admission and the scheduler inject into a bare
// Pod is removed (token volume and mounts, default tolerations, priority,
// a nodeName the binding set), what the user wrote stays, and the export
// creates the Pod again in another namespace.
func TestExportBarePod(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns, target := env.Namespace(t), env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: %[1]s}
spec:
  containers: [{name: c, image: registry.k8s.io/pause:3.10, volumeMounts: [{name: data, mountPath: /data}]}]
  volumes: [{name: data, emptyDir: {}}]
  tolerations: [{key: example.com/mine, operator: Exists, effect: NoSchedule}]
---
apiVersion: v1
kind: Pod
metadata: {name: pinned, namespace: %[1]s}
spec:
  nodeName: node-of-the-user
  containers: [{name: c, image: registry.k8s.io/pause:3.10}]
`, ns))
	// The scheduler binds a Pod through pods/binding (testenv runs no scheduler).
	binding := fmt.Sprintf("apiVersion: v1\nkind: Binding\nmetadata: {name: bare, namespace: %s}\ntarget: {apiVersion: v1, kind: Node, name: node-1}\n", ns)
	if res := env.RunKubectlIn(t, strings.NewReader(binding), nil, "create", "-f", "-"); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	live := env.RunKubectl(t, "get", "pod", "bare", "-n", ns, "-o", "yaml").Stdout
	for _, injected := range []string{"kube-api-access-", "tolerationSeconds: 300", "priority: 0", "nodeName: node-1"} {
		if !strings.Contains(live, injected) {
			t.Fatalf("the live Pod lacks %q, the test no longer tests its rule:\n%s", injected, live)
		}
	}
	out := mustKdx(t, env, "export", "pods", "-n", ns, "-q").Stdout
	for _, gone := range []string{"kube-api-access-", "tolerationSeconds: 300", "node.kubernetes.io/", "priority:", "node-1"} {
		if strings.Contains(out, gone) {
			t.Errorf("export kept %q:\n%s", gone, out)
		}
	}
	for _, kept := range []string{"mountPath: /data", "emptyDir: {}", "example.com/mine", "nodeName: node-of-the-user", "enableServiceLinks: true"} {
		if !strings.Contains(out, kept) {
			t.Errorf("export lost %q:\n%s", kept, out)
		}
	}
	res := env.RunKubectlIn(t, strings.NewReader(strings.ReplaceAll(out, "namespace: "+ns, "namespace: "+target)), nil, "create", "-f", "-")
	if res.ExitCode != 0 {
		t.Errorf("the exported Pods do not create again: %s", res.Stderr)
	}
}

// TestExportTerminatingNamespace: objects of a namespace being deleted are
// exported with one warning, with -n and with -A.
func TestExportTerminatingNamespace(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: %s, labels: {held: %[1]s}, finalizers: [example.com/hold]}\n", ns))
	t.Cleanup(func() {
		env.RunKubectl(t, "patch", "configmap", "held", "-n", ns, "--type", "merge", "-p", `{"metadata":{"finalizers":null}}`)
	})
	if res := env.RunKubectl(t, "delete", "namespace", ns, "--wait=false"); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if env.RunKubectl(t, "get", "namespace", ns, "-o", "jsonpath={.status.phase}").Stdout == "Terminating" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the namespace never became Terminating")
		}
	}
	want := fmt.Sprintf("Warning: namespace %q is terminating; its objects may be gone soon\n", ns)
	// once the namespace controller has deleted it, the object is itself
	// being deleted (TestExportDeletingObject): said too
	deleting := fmt.Sprintf("Warning: configmaps %s/held is being deleted (metadata.deletionTimestamp set); applying this export would make it again\n", ns)
	for _, args := range [][]string{{"-n", ns}, {"-A"}} {
		res := mustKdx(t, env, append([]string{"export", "configmaps", "-l", "held=" + ns, "-q"}, args...)...)
		if !strings.Contains(res.Stdout, "name: held\n") || res.Stderr != want && res.Stderr != deleting+want {
			t.Errorf("export %v: stderr %q, want %q; stdout:\n%s", args, res.Stderr, want, res.Stdout)
		}
	}
	// Namespaces whose objects are not exported are not named.
	other := env.Namespace(t)
	if res := mustKdx(t, env, "export", "configmaps", "-A", "-l", "held="+other, "-q"); res.Stderr != "" {
		t.Errorf("export -A of nothing in the terminating namespace warned: %q", res.Stderr)
	}
}

// TestExportDeletingObject: an object being deleted (held by a finalizer)
// is exported to stdout with a warning, left out of a tree with a warning
// (a restore would make it again) unless --include-deleting, and diff
// compares as export writes.
func TestExportDeletingObject(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: held, namespace: %s, finalizers: [example.com/hold]}\ndata: {k: v}\n---\n"+
		"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept, namespace: %[1]s}\ndata: {k: v}\n", ns))
	t.Cleanup(func() {
		env.RunKubectl(t, "patch", "configmap", "held", "-n", ns, "--type", "merge", "-p", `{"metadata":{"finalizers":null}}`)
	})
	if res := env.RunKubectl(t, "delete", "configmap", "held", "-n", ns, "--wait=false"); res.ExitCode != 0 {
		t.Fatal(res.Stderr)
	}
	res := mustKdx(t, env, "export", "configmaps", "-n", ns, "-q")
	want := fmt.Sprintf("Warning: configmaps %s/held is being deleted (metadata.deletionTimestamp set); applying this export would make it again\n", ns)
	if !strings.Contains(res.Stdout, "name: held\n") || res.Stderr != want {
		t.Errorf("export to stdout: stderr %q, want %q; stdout:\n%s", res.Stderr, want, res.Stdout)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, ns, "core", "ConfigMap", "held.yaml")
	res = mustKdx(t, env, "export", "configmaps", "-n", ns, "--dir", dir)
	want = fmt.Sprintf("Warning: configmaps %s/held is being deleted (metadata.deletionTimestamp set); not written, since restoring the tree would make it again (--include-deleting writes it)\n", ns)
	if _, err := os.Stat(file); err == nil || !strings.HasPrefix(res.Stderr, want) ||
		!strings.Contains(res.Stderr, "being deleted: restoring the tree would make it again (--include-deleting)") {
		t.Errorf("export --dir: the file exists (%v), or stderr:\n%s\nwant it to start with %q and count the object skipped", err, res.Stderr, want)
	}
	if res := mustKdx(t, env, "diff", "configmaps", "-n", ns, "--dir", dir); res.Stdout != "" {
		t.Errorf("diff of the tree: a difference:\n%s", res.Stdout)
	}
	res = mustKdx(t, env, "export", "configmaps", "-n", ns, "--dir", dir, "--include-deleting", "-q")
	want = fmt.Sprintf("Warning: configmaps %s/held is being deleted (metadata.deletionTimestamp set); applying this export would make it again\n", ns)
	if _, err := os.Stat(file); err != nil || res.Stderr != want {
		t.Errorf("export --dir --include-deleting: %v; stderr %q, want %q", err, res.Stderr, want)
	}
	if res := mustKdx(t, env, "diff", "configmaps", "-n", ns, "--dir", dir, "--include-deleting"); res.Stdout != "" {
		t.Errorf("diff --include-deleting of the tree: a difference:\n%s", res.Stdout)
	}
	if res := env.Kdx(t, "export", "configmaps", "-n", ns, "--include-deleting"); res.ExitCode != 1 || !strings.HasPrefix(res.Stderr, "error: --include-deleting needs --dir") {
		t.Errorf("--include-deleting without --dir: exit %d, stderr %q", res.ExitCode, res.Stderr)
	}
}
