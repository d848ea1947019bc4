package e2e

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// treeCRDs are a namespaced and a cluster-scoped kind that may own
// anything, with any status.
const treeCRDs = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: stacks.tree.kdx.test}
spec:
  group: tree.kdx.test
  scope: Namespaced
  names: {plural: stacks, singular: stack, kind: Stack}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: forests.tree.kdx.test}
spec:
  group: tree.kdx.test
  scope: Cluster
  names: {plural: forests, singular: forest, kind: Forest}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`

// waitTree runs kdx tree until want matches its output (the controllers
// make the objects), and returns the last result.
func waitTree(t *testing.T, env *testenv.Env, want *regexp.Regexp, args ...string) testenv.Result {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		res := env.Kdx(t, append([]string{"tree"}, args...)...)
		if res.ExitCode == 0 && want.MatchString(res.Stdout) {
			return res
		}
		if time.Now().After(deadline) {
			t.Fatalf("kdx tree %v: no match for %s after a minute: exit %d\n%s%s", args, want, res.ExitCode, res.Stdout, res.Stderr)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// TestE2ETreeDeployment checks the tree the controllers make: a
// Deployment, its ReplicaSet and its Pods, READY from Available; then
// --depth 1, --up from a Pod and -o json.
func TestE2ETreeDeployment(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %s}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: registry.invalid/web:1}]}
`, ns))
	full := regexp.MustCompile(`(?s)deployment\.apps/web\s+False\s+MinimumReplicasUnavailable.*\n` + ns + `\s+└─replicaset\.apps/web-\w+\s+-\s+-\s+\S+\n` +
		ns + `\s+  ├─pod/web-\w+-\w+\s+\S+\s+\S+\s+\S+\n` + ns + `\s+  └─pod/web-\w+-\w+\s`)
	res := waitTree(t, env, full, "deployment.apps/web", "-n", ns)
	if !regexp.MustCompile(`^NAMESPACE\s+NAME\s+READY\s+REASON\s+AGE\n`).MatchString(res.Stdout) || res.Stderr != "" {
		t.Errorf("want a header and no stderr:\n%s%s", res.Stdout, res.Stderr)
	}

	res = env.Kdx(t, "tree", "deployment.apps", "web", "-n", ns, "--depth", "1")
	if lines := strings.Split(strings.TrimSpace(res.Stdout), "\n"); res.ExitCode != 0 || len(lines) != 2 {
		t.Errorf("--depth 1: want header and the Deployment, exit 0: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}

	pod := regexp.MustCompile(`pod/(web-\w+-\w+)`).FindStringSubmatch(res.Stdout + env.Kdx(t, "tree", "deployment.apps/web", "-n", ns).Stdout)
	if pod == nil {
		t.Fatal("no pod in the tree")
	}
	res = env.Kdx(t, "tree", "pod/"+pod[1], "-n", ns, "--up")
	up := regexp.MustCompile(`pod/` + pod[1] + `\s.*\n` + ns + `\s+└─replicaset\.apps/web-\w+\s.*\n` + ns + `\s+  └─deployment\.apps/web\s+False`)
	if res.ExitCode != 0 || !up.MatchString(res.Stdout) {
		t.Errorf("--up: want pod, replicaset, deployment: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}

	res = env.Kdx(t, "tree", "deployment.apps/web", "-n", ns, "-o", "json")
	var tree struct {
		Kind, APIVersion, Name, Namespace, Ready, Reason string
		Children                                         []struct {
			Kind     string
			Children []struct{ Kind, Name, UID string }
		}
	}
	if err := json.Unmarshal([]byte(res.Stdout), &tree); err != nil || res.ExitCode != 0 {
		t.Fatalf("-o json: exit %d, %v\n%s%s", res.ExitCode, err, res.Stdout, res.Stderr)
	}
	if tree.Kind != "Deployment" || tree.APIVersion != "apps/v1" || tree.Ready != "False" || tree.Reason != "MinimumReplicasUnavailable" ||
		len(tree.Children) != 1 || tree.Children[0].Kind != "ReplicaSet" || len(tree.Children[0].Children) != 2 || tree.Children[0].Children[0].UID == "" {
		t.Errorf("-o json: got %+v", tree)
	}
}

// TestE2ETreeMarks checks a custom object owning a ConfigMap (READY from
// its Ready condition), a cluster-scoped one owning a ConfigMap with -A,
// a dangling ownerReference and a cycle.
func TestE2ETreeMarks(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, treeCRDs)
	objs := env.Apply(t, fmt.Sprintf(`apiVersion: tree.kdx.test/v1
kind: Stack
metadata: {name: app, namespace: %[1]s}
status: {conditions: [{type: Ready, status: "True", reason: AllGood}]}
---
apiVersion: tree.kdx.test/v1
kind: Forest
metadata: {name: %[1]s}
`, ns))
	stack, forest := objs[0], objs[1]
	t.Cleanup(func() { env.RunKubectl(t, "delete", "forest", forest.GetName(), "--wait=false") })
	owner := func(kind, name, uid string) string {
		return fmt.Sprintf(`{apiVersion: tree.kdx.test/v1, kind: %s, name: %s, uid: %s}`, kind, name, uid)
	}
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: app-config, namespace: %[1]s, ownerReferences: [%[2]s]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: in-forest, namespace: %[1]s, ownerReferences: [%[3]s]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: orphan, namespace: %[1]s, ownerReferences: [%[4]s]}
`, ns, owner("Stack", "app", string(stack.GetUID())), owner("Forest", forest.GetName(), string(forest.GetUID())),
		// An owner of a kind no server serves: kube-controller-manager's
		// garbage collector cannot look it up, so it leaves the orphan alone
		// (an absent owner of a served kind would have it deleted at once).
		`{apiVersion: gone.kdx.test/v1, kind: Ghost, name: gone, uid: 00000000-0000-0000-0000-000000000001}`))

	res := env.Kdx(t, "tree", "stack/app", "-n", ns)
	want := regexp.MustCompile(`stack\.tree\.kdx\.test/app\s+True\s+AllGood\s+\S+\n` + ns + `\s+└─configmap/app-config\s+-\s+-\s+\S+\n$`)
	if res.ExitCode != 0 || !want.MatchString(res.Stdout) {
		t.Errorf("stack: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	res = env.Kdx(t, "tree", "forest/"+forest.GetName(), "-A")
	if res.ExitCode != 0 || !regexp.MustCompile(`\n\s+forest\.tree\.kdx\.test/\S+.*\n`+ns+`\s+└─configmap/in-forest\s`).MatchString(res.Stdout) {
		t.Errorf("forest -A: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	res = env.Kdx(t, "tree", "configmap/orphan", "-n", ns, "--up")
	if res.ExitCode != 0 || !regexp.MustCompile(ns+`\s+└─ghost\.gone\.kdx\.test/gone \[missing\]\s+-\s+-\s+-\n$`).MatchString(res.Stdout) {
		t.Errorf("dangling: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}

	a := env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: %s}\n", ns))[0]
	b := env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: %s, ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: a, uid: %s}]}\n", ns, a.GetUID()))[0]
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: %s, ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: b, uid: %s}]}\n", ns, b.GetUID()))
	for _, args := range [][]string{{"tree", "configmap/a", "-n", ns}, {"tree", "configmap/a", "-n", ns, "--up"}} {
		res = env.Kdx(t, args...)
		cycle := regexp.MustCompile(`configmap/a\s.*\n` + ns + `\s+└─configmap/b\s.*\n` + ns + `\s+  └─configmap/a \[cycle\]\s`)
		if res.ExitCode != 0 || !cycle.MatchString(res.Stdout) {
			t.Errorf("%v: exit %d\n%s%s", args, res.ExitCode, res.Stdout, res.Stderr)
		}
	}
}

// TestE2ETreeForbidden checks a user who may list Pods but not
// ReplicaSets: --up from a Pod shows its ReplicaSet as unknown, with one
// warning, and the tree is printed.
func TestE2ETreeForbidden(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: %[1]s}
rules:
- {apiGroups: [""], resources: [pods], verbs: [get, list]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: pod-reader, namespace: %[1]s}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
subjects:
- {kind: User, name: restricted}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs, namespace: %[1]s}
spec:
  replicas: 1
  selector: {matchLabels: {app: rs}}
  template:
    metadata: {labels: {app: rs}}
    spec: {containers: [{name: c, image: registry.invalid/rs:1}]}
`, ns))
	waitForObjects(t, env, ns, "pods")
	pod := strings.TrimPrefix(strings.TrimSpace(env.RunKubectl(t, "get", "pods", "-n", ns, "-o", "name").Stdout), "pod/")
	res := env.Kdx(t, "--context", "restricted", "tree", "pod/"+pod, "-n", ns, "--up")
	if res.ExitCode != 1 || !regexp.MustCompile(`pod/`+pod+`\s.*\n`+ns+`\s+└─replicaset\.apps/rs \[unknown\]\s+-\s+-\s+-\n$`).MatchString(res.Stdout) {
		t.Errorf("stdout: exit %d\n%s%s", res.ExitCode, res.Stdout, res.Stderr)
	}
	lines := strings.Split(strings.TrimSpace(res.Stderr), "\n")
	if len(lines) != 1 || !regexp.MustCompile(`^Warning: you may not list \d+ types \(.*\): their objects are not in the tree`).MatchString(lines[0]) {
		t.Errorf("stderr: want one warning, got:\n%s", res.Stderr)
	}
}

// TestE2ETreeManyOfOneType: the READY read of many objects of one type
// and namespace is one list of them, not a get of each; the stacks' Ready
// conditions still show.
func TestE2ETreeManyOfOneType(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, treeCRDs)
	root := env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: root, namespace: %s}\n", ns))[0]
	var b strings.Builder
	for i := 0; i < 25; i++ {
		fmt.Fprintf(&b, "---\napiVersion: tree.kdx.test/v1\nkind: Stack\nmetadata: {name: s%02d, namespace: %s, ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: root, uid: %s}]}\nstatus: {conditions: [{type: Ready, status: \"True\", reason: AllGood}]}\n", i, ns, root.GetUID())
	}
	env.Apply(t, b.String())
	res := env.Kdx(t, "tree", "configmap/root", "-n", ns, "-v=6")
	if res.ExitCode != 0 || strings.Count(res.Stdout, "stack.tree.kdx.test/s") != 25 || strings.Count(res.Stdout, "True   AllGood") != 25 {
		t.Errorf("exit %d, want 25 ready stacks:\n%s", res.ExitCode, res.Stdout)
	}
	if !strings.Contains(res.Stderr, "/stacks?") || strings.Contains(res.Stderr, "/stacks/s0") {
		t.Errorf("the stacks were got one by one:\n%s", res.Stderr)
	}
}
