package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kdxproject/kdx/internal/testenv"
)

// labelFixture is the same objects for kdx (in one namespace) and for
// kubectl (in another), so that each runs the same commands on its own.
func labelFixture(ns string) string {
	return fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: %[1]s, labels: {team: blue}, annotations: {note: old}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: %[1]s, labels: {team: blue}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c, namespace: %[1]s, labels: {team: red}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %[1]s}
spec:
  replicas: 0
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: registry.invalid/web:1}]}
---
apiVersion: multi.example.org/v2
kind: Gadget
metadata: {name: g, namespace: %[1]s}
spec: {size: 1, color: red}
`, ns)
}

// sortBlocks sorts the lines of each block of --list output (kubectl
// prints a map's keys in Go's random order; kdx sorts them).
func sortBlocks(s string) string {
	var out, block []string
	flush := func() { slices.Sort(block); out = append(out, block...); block = nil }
	for _, l := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if strings.HasPrefix(l, "Listing ") {
			flush()
			out = append(out, l)
			continue
		}
		block = append(block, l)
	}
	flush()
	return strings.Join(out, "\n")
}

// TestLabelAnnotateAsKubectl runs the same label and annotate commands with
// kdx and with kubectl v1.37.2, each on its own copy of the objects, one
// after the other, and compares stdout and the exit code of each step; the
// stderr of kdx holds what the case says.
func TestLabelAnnotateAsKubectl(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	applyDemoCRDs(t, env)
	kdxNS, kubectlNS := env.Namespace(t), env.Namespace(t)
	env.Apply(t, labelFixture(kdxNS)+"---\n"+labelFixture(kubectlNS))
	file := filepath.Join(t.TempDir(), "a.yaml")
	if err := os.WriteFile(file, []byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		args   string
		stderr string // in kdx's stderr
		sorted bool   // --list: compare each block's lines sorted
	}{
		{args: "label cm a x=1"},
		{args: "label cm a x=1"}, // not labeled
		{args: "label cm a x=2", stderr: "failed to label configmap/a: 'x' already has a value (1), and --overwrite is false"},
		{args: "label cm/a x=2 --overwrite"},
		{args: "label cm a x- y-"}, // label "y" not found.
		{args: "label cm a x=1 team-"},
		{args: "label cm a x- team=blue"}, // modified
		{args: "label cm a q=1 --dry-run=server"},
		{args: "label cm a q=1 --dry-run"},
		{args: "label cm a q=1 -o name"},
		{args: "label cm -l team=blue sel=yes"},
		{args: "label cm --all all=yes"},
		{args: "label cm --all team=green", stderr: "failed to label configmap/a: 'team' already has a value (blue), and --overwrite is false"}, // some refused, the others labeled
		{args: "label deploy web tier=front"},
		{args: "label gadget g tier=front"},
		{args: "label cm a b rv=1 --resource-version=1", stderr: "--resource-version may only be used with a single resource"},
		{args: "label cm -l team=blue rv=1 --resource-version=1", stderr: "--resource-version may only be used with a single resource"},
		{args: "label cm a rv=1 --resource-version=1", stderr: `failed to label configmap/a: the object is at resourceVersion "`},
		{args: "label cm a --list", sorted: true},
		{args: "label -f " + file + " file=yes"},
		{args: "annotate -f " + file + " file=yes"},
		{args: "label cm -l team=blue --list", sorted: true},
		{args: "label cm nope x=1", stderr: `configmaps "nope" not found`},
		{args: "label cm a", stderr: "at least one label update is required"},
		{args: "label x=1", stderr: "one or more resources must be specified"},
		{args: "label cm a x=1 b", stderr: "all resources must be specified before label changes: b"},
		{args: "label cm --all -l team=blue x=1", stderr: "cannot set --all and --selector at the same time"},
		{args: "label cm a x=1 x-", stderr: "can not both modify and remove a label in the same command"},
		{args: "label cm a x=a=b", stderr: "invalid label spec: x=a=b"},
		{args: "label cm a bad=a,b", stderr: `invalid label value: "bad=a,b"`},
		{args: "label cm -l team=purple x=1", stderr: "No resources found"},
		{args: "annotate cm a note=new", stderr: "--overwrite is false but found the following declared annotation(s): 'note' already has a value (old)"},
		{args: "annotate cm a note=new --overwrite"},
		{args: "annotate cm a note=new"}, // same value: no overwrite needed
		{args: "annotate cm a note- other-"},
		{args: "annotate cm a b desc=a=b,c"},
		{args: "annotate cm -l team=blue --list", sorted: true},
		{args: "annotate gadget g desc=x --dry-run=server"},
		{args: "annotate cm a rv=1 --resource-version=1", stderr: `failed to annotate configmap/a: the object is at resourceVersion "`},
		{args: "annotate cm a x=1 x-", stderr: "can not both modify and remove the following annotation(s) in the same command: x"},
		{args: "annotate cm a", stderr: "at least one annotation update is required"},
		{args: "annotate cm a =x", stderr: "at least one annotation update is required"},
		{args: "annotate cm a --list -o yaml", stderr: "--list and --output may not be specified together"},
	}
	for _, s := range steps {
		args := strings.Fields(s.args)
		res := env.Kdx(t, append(args, "-n", kdxNS)...)
		k := env.RunKubectl(t, append(args, "-n", kubectlNS)...)
		if s.args == "label cm a q=1 --dry-run" {
			// kubectl's --dry-run alone is a client dry run, which kdx
			// refuses (a client dry run only guesses): kdx's is the server's.
			wantResult(t, res, 0)
			if res.Stdout != "configmap/a labeled (server dry run)\n" {
				t.Errorf("kdx %s: stdout %q", s.args, res.Stdout)
			}
			continue
		}
		kOut, dOut := k.Stdout, res.Stdout
		if s.sorted {
			kOut, dOut = sortBlocks(kOut), sortBlocks(dOut)
		}
		if res.ExitCode != k.ExitCode || dOut != kOut {
			t.Errorf("%s:\nkdx (exit %d):\n%s%s\nkubectl (exit %d):\n%s%s", s.args, res.ExitCode, res.Stdout, res.Stderr, k.ExitCode, k.Stdout, k.Stderr)
		}
		if s.stderr != "" && !strings.Contains(res.Stderr, s.stderr) {
			t.Errorf("%s: kdx's stderr does not hold %q:\n%s", s.args, s.stderr, res.Stderr)
		}
		if s.stderr == "" && res.Stderr != "" {
			t.Errorf("%s: kdx's stderr: %s", s.args, res.Stderr)
		}
	}
	// A cluster-scoped object: each its own namespace.
	for _, args := range [][]string{{"label", "ns", "NS", "x=1"}, {"label", "ns", "NS", "x=1"}, {"annotate", "namespace/NS", "x=1", "--dry-run=server"}} {
		with := func(ns string) []string {
			out := make([]string, len(args))
			for i, a := range args {
				out[i] = strings.ReplaceAll(a, "NS", ns)
			}
			return out
		}
		res, k := env.Kdx(t, with(kdxNS)...), env.RunKubectl(t, with(kubectlNS)...)
		if res.ExitCode != k.ExitCode || strings.ReplaceAll(res.Stdout, kdxNS, "NS") != strings.ReplaceAll(k.Stdout, kubectlNS, "NS") {
			t.Errorf("%v:\nkdx (exit %d): %s%s\nkubectl (exit %d): %s%s", args, res.ExitCode, res.Stdout, res.Stderr, k.ExitCode, k.Stdout, k.Stderr)
		}
	}
	// Both namespaces end the same.
	get := func(ns string) string {
		return env.RunKubectl(t, "get", "cm,deploy,gadget", "-n", ns, "-o", "jsonpath={range .items[*]}{.metadata.name} {.metadata.labels} {.metadata.annotations}{\"\\n\"}{end}").Stdout
	}
	if d, k := get(kdxNS), get(kubectlNS); d != k {
		t.Errorf("the objects differ after the steps:\nkdx:\n%s\nkubectl:\n%s", d, k)
	}
}

// TestLabelWhereAndFleet: --where selects what to label (kubectl has no
// equivalent), and --context a,b labels in both clusters, each line
// naming its context; a context that fails is named and the exit code is 1.
func TestLabelWhereAndFleet(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	peer := testenv.StartPeer(t)
	ns := env.Namespace(t)
	peer.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: Namespace\nmetadata: {name: %s}\n", ns))
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: %s, namespace: " + ns + "}\ndata: {k: %q}\n"
	env.Apply(t, fmt.Sprintf(cm, "a1", "keep")+"---\n"+fmt.Sprintf(cm, "a2", "drop"))
	peer.Apply(t, fmt.Sprintf(cm, "a1", "keep"))
	kc := testenv.WriteFleetKubeconfig(t,
		testenv.FleetContext{Name: "a", Config: env.Config},
		testenv.FleetContext{Name: "b", Config: peer.Config})

	res := env.Kdx(t, "--kubeconfig", kc, "--context", "a", "-n", ns, "label", "cm", "--where", `object.data.k == "keep"`, "kept=yes")
	wantResult(t, res, 0)
	if res.Stdout != "configmap/a1 labeled\n" {
		t.Errorf("--where: stdout %q", res.Stdout)
	}
	res = env.Kdx(t, "--kubeconfig", kc, "--context", "a", "-n", ns, "label", "cm", "a1", "--where", `true`, "x=1")
	wantResult(t, res, 1, "names cannot be given together with -l, --field-selector, --where or --all")

	res = env.Kdx(t, "--kubeconfig", kc, "--context", "a,b", "-n", ns, "annotate", "cm", "a1", "owner=me")
	wantResult(t, res, 0)
	if res.Stdout != "a: configmap/a1 annotated\nb: configmap/a1 annotated\n" {
		t.Errorf("fleet: stdout %q", res.Stdout)
	}
	// a2 is only in a: b says so, a is labeled, the exit code is 1.
	res = env.Kdx(t, "--kubeconfig", kc, "--context", "a,b", "-n", ns, "label", "cm", "a2", "x=1")
	wantResult(t, res, 1, `b: error: failed to label configmap/a2: configmaps "a2" not found`)
	if res.Stdout != "a: configmap/a2 labeled\n" {
		t.Errorf("fleet with a failure: stdout %q", res.Stdout)
	}
	res = env.Kdx(t, "--kubeconfig", kc, "--context", "a*", "-n", ns, "label", "cm", "a1", "x=1")
	wantResult(t, res, 1, "globs are for reads")
	if got := peer.RunKubectl(t, "get", "cm", "a1", "-n", ns, "-o", "jsonpath={.metadata.annotations.owner}").Stdout; got != "me" {
		t.Errorf("the peer's a1 was not annotated: %q", got)
	}
}
