package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/internal/testenv"
)

// waitersCRD is a namespaced custom type whose status keeps what it is
// given (conditions, phase), with a status subresource.
const waitersCRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: waiters.wait.example.org}
spec:
  group: wait.example.org
  scope: Namespaced
  names: {plural: waiters, singular: waiter, kind: Waiter}
  versions:
  - name: v1
    served: true
    storage: true
    subresources: {status: {}}
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec: {type: object, x-kubernetes-preserve-unknown-fields: true}
          status: {type: object, x-kubernetes-preserve-unknown-fields: true}
`

var waitersGVR = schema.GroupVersionResource{Group: "wait.example.org", Version: "v1", Resource: "waiters"}

// setWaiterStatus writes the status of waiter name in ns through cfg.
func setWaiterStatus(t *testing.T, cfg *rest.Config, ns, name, status string) {
	t.Helper()
	dc, err := dynamic.NewForConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = dc.Resource(waitersGVR).Namespace(ns).Patch(t.Context(), name, types.MergePatchType,
		[]byte(`{"status":`+status+`}`), metav1.PatchOptions{}, "status")
	if err != nil {
		t.Fatalf("failed to set the status of waiter %s: %v", name, err)
	}
}

// TestWaitMatchesKubectl: each of kubectl's --for forms gives kubectl's
// stdout and exit code, and kubectl's error line where kdx words it the
// same (kdx adds why after a timeout's line).
func TestWaitMatchesKubectl(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	env.Apply(t, waitersCRD)
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: c1, namespace: %[1]s, labels: {app: w, test-ns: %[1]s}}
data: {k: v}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: c2, namespace: %[1]s, labels: {app: w, test-ns: %[1]s}}
---
apiVersion: wait.example.org/v1
kind: Waiter
metadata: {name: ready, namespace: %[1]s}
spec: {size: 3}
---
apiVersion: wait.example.org/v1
kind: Waiter
metadata: {name: stale, namespace: %[1]s}
spec: {size: 3}
`, ns))
	setWaiterStatus(t, env.Config, ns, "ready", `{"phase":"Running","conditions":[{"type":"Ready","status":"True","reason":"Done"},{"type":"Degraded","status":"False"}]}`)
	setWaiterStatus(t, env.Config, ns, "stale", `{"observedGeneration":0,"conditions":[{"type":"Ready","status":"True"}]}`)
	cases := []struct {
		args []string
		// stderrPrefix: kdx's stderr starts with kubectl's (kdx says why
		// after a timeout); else stderr is not compared.
		stderrPrefix bool
	}{
		{[]string{"configmap/c1", "--for", "jsonpath={.data.k}=v"}, true},
		{[]string{"configmap/c1", "--for", "jsonpath={.data.k}"}, true},
		{[]string{"configmap/c1", "--for", "create"}, true},
		{[]string{"configmap/c1", "--for", "create", "--for", "jsonpath={.data.k}=v"}, true},
		{[]string{"configmap/nope", "--for", "delete", "--timeout", "2s"}, true},
		{[]string{"configmaps", "-l", "app=nothing", "--for", "delete"}, true},
		{[]string{"configmaps", "-l", "app=nothing", "--for", "condition=Ready"}, true},
		{[]string{"configmaps", "-l", "app=w", "--for", "jsonpath={.metadata.labels.app}=w"}, true},
		{[]string{"configmap", "c1", "c2", "--for", "jsonpath={.metadata.labels.app}=w"}, true},
		{[]string{"configmaps", "-l", "app=w", "--for", "create", "--for", "jsonpath={.metadata.labels.app}=w", "-o", "name"}, true},
		{[]string{"configmaps", "-A", "-l", "test-ns=" + ns, "--for", "jsonpath={.metadata.labels.app}=w"}, true},
		{[]string{"configmaps", "-A", "-l", "test-ns=" + ns, "--for", "condition=Ready", "--timeout", "1s"}, false}, // kubectl: one line per object, unprefixed
		{[]string{"configmap/c1", "--for", "delete", "--timeout", "0"}, true},
		{[]string{"configmap/c1", "--for", "jsonpath={.data.k}=v", "--timeout", "0"}, true},
		{[]string{"configmap/c1", "--for", "condition=Ready", "--timeout", "0"}, true},
		{[]string{"configmap/c1", "--for", "condition=Ready", "--timeout", "1s"}, true},
		{[]string{"configmap/c1", "--for", "jsonpath={.data.k}=other", "--timeout", "1s"}, true},
		{[]string{"configmap/nope", "--for", "condition=Ready", "--timeout", "1s"}, false}, // kubectl: Error from server (NotFound)
		{[]string{"configmap/c1", "--for", "bogus"}, false},
		{[]string{"configmap/c1", "--for", "jsonpath={.data.k}="}, true},
		{[]string{"configmap/c1", "--for", "jsonpath={.data"}, true},
		{[]string{"customresourcedefinition/waiters.wait.example.org", "--for", "condition=Established"}, true},
		{[]string{"waiter/ready", "--for", "condition=Ready"}, true},
		{[]string{"waiter/ready", "--for", "condition=ready=TRUE"}, true},
		{[]string{"waiter/ready", "--for", "condition=Degraded=false"}, true},
		{[]string{"waiter/ready", "--for", "jsonpath={.status.phase}=Running"}, true},
		{[]string{"waiter/ready", "--for", "condition=Degraded", "--timeout", "1s"}, true},
		{[]string{"waiters", "--all", "--for", "condition=Ready", "--timeout", "1s"}, false}, // kubectl: one line per object, unprefixed
	}
	for _, tc := range cases {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			t.Parallel()
			args := append([]string{"wait", "-n", ns}, tc.args...)
			if slices.Contains(tc.args, "-A") {
				// kubectl refuses -n with -A in wait ("the namespace from the
				// provided object ... does not match"); kdx takes -A, as get
				args = append([]string{"wait"}, tc.args...)
			}
			want := env.RunKubectl(t, args...)
			got := env.Kdx(t, args...)
			if got.Stdout != want.Stdout || got.ExitCode != want.ExitCode {
				t.Errorf("kdx %s:\nexit %d, stdout:\n%s\nstderr:\n%s\nkubectl: exit %d, stdout:\n%s\nstderr:\n%s",
					strings.Join(args, " "), got.ExitCode, got.Stdout, got.Stderr, want.ExitCode, want.Stdout, want.Stderr)
			}
			if tc.stderrPrefix && !strings.HasPrefix(got.Stderr, strings.TrimSuffix(want.Stderr, "\n")) {
				t.Errorf("kdx %s: stderr\n%s\ndoes not start with kubectl's\n%s", strings.Join(args, " "), got.Stderr, want.Stderr)
			}
		})
	}
}

// TestWaitTimeoutSaysWhy: when --timeout ends the wait, every object still
// waited on is named with what was seen of it: its condition, the value of
// the jsonpath, the fields the expression read; one line per cause.
func TestWaitTimeoutSaysWhy(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	env.Apply(t, waitersCRD)
	var objs []string
	for _, name := range []string{"a", "b", "c"} {
		objs = append(objs, fmt.Sprintf("apiVersion: wait.example.org/v1\nkind: Waiter\nmetadata: {name: %s, namespace: %s}\nspec: {size: 3}\n", name, ns))
	}
	env.Apply(t, strings.Join(objs, "---\n"))
	setWaiterStatus(t, env.Config, ns, "a", `{"phase":"Running","conditions":[{"type":"Ready","status":"True"}]}`)
	setWaiterStatus(t, env.Config, ns, "b", `{"phase":"Pending","conditions":[{"type":"Ready","status":"False","reason":"Starting"}]}`)
	cases := []struct {
		forCond string
		stdout  string
		stderr  []string
	}{
		{"condition=Ready", "waiter.wait.example.org/a condition met\n", []string{
			"error: timed out waiting for the condition on waiters/b: Ready=False (Starting)",
			"error: timed out waiting for the condition on waiters/c: no status.conditions",
		}},
		{"jsonpath={.status.phase}=Running", "waiter.wait.example.org/a condition met\n", []string{
			`error: timed out waiting for the condition on waiters/b: {.status.phase} is "Pending"`,
			"error: timed out waiting for the condition on waiters/c: {.status.phase} not found",
		}},
		{`object.spec.size > 2 && object.status.phase == "Ready"`, "", []string{
			`error: timed out waiting for the condition on waiters/a: object.spec.size is 3, object.status.phase is "Running"`,
			`error: timed out waiting for the condition on waiters/b: object.spec.size is 3, object.status.phase is "Pending"`,
			`error: timed out waiting for the condition on waiters/c: object.spec.size is 3, object.status.phase is missing`,
		}},
	}
	for _, tc := range cases {
		res := env.Kdx(t, "wait", "-n", ns, "waiters", "--all", "--for", tc.forCond, "--timeout", "4s")
		if res.ExitCode != 1 || res.Stdout != tc.stdout || res.Stderr != strings.Join(tc.stderr, "\n")+"\n" {
			t.Errorf("--for %s: exit %d, stdout:\n%s\nstderr:\n%s\nwant exit 1, stdout:\n%s\nstderr:\n%s",
				tc.forCond, res.ExitCode, res.Stdout, res.Stderr, tc.stdout, strings.Join(tc.stderr, "\n"))
		}
	}
}

// TestWaitFleetOneContextDown: over three contexts, one of which cannot be
// reached, the object is waited on in the other two, each line naming its
// context; the one down is named and the exit code is 1.
func TestWaitFleetOneContextDown(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, namespace: %s}\n", ns))
	kubeconfig := testenv.WriteFleetKubeconfig(t,
		testenv.FleetContext{Name: "one", Config: env.Config},
		testenv.FleetContext{Name: "down", Config: &rest.Config{Host: "https://" + closedAddr(t)}},
		testenv.FleetContext{Name: "two", Config: env.Config})
	res := env.KdxIn(t, nil, []string{"KUBECONFIG=" + kubeconfig}, "wait", "-n", ns, "--context", "one,down,two",
		"configmap/c1", "--for", `object.metadata.name == "c1"`, "--timeout", "30s")
	lines := strings.Split(strings.TrimSpace(res.Stdout), "\n")
	slices.Sort(lines)
	if want := []string{"one: configmap/c1 condition met", "two: configmap/c1 condition met"}; !slices.Equal(lines, want) {
		t.Errorf("stdout:\n%s\nwant the lines %q", res.Stdout, want)
	}
	if res.ExitCode != 1 || !strings.HasPrefix(res.Stderr, `error: context "down": `) || strings.Count(res.Stderr, "\n") != 1 {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and one line naming the context down", res.ExitCode, res.Stderr)
	}
}

// TestWaitCELAcrossAPIServerRestart: a wait on a CEL expression over a
// custom object's status, whose status is patched while the API server is
// down, is met once the server is back: the watch resumes, no polling, no
// failure.
func TestWaitCELAcrossAPIServerRestart(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	ns := env.Namespace(t)
	env.Apply(t, waitersCRD)
	env.Apply(t, fmt.Sprintf("apiVersion: wait.example.org/v1\nkind: Waiter\nmetadata: {name: w, namespace: %s}\nspec: {size: 3}\n", ns))
	setWaiterStatus(t, env.Config, ns, "w", `{"phase":"Pending"}`)

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	// -v=6 logs each request: the wait is watching once its watch is logged
	cmd := env.KdxCommand(ctx, t, "wait", "-n", ns, "waiter/w", "-v=6",
		"--for", `object.status.phase == "Ready" && object.spec.size >= 3`, "--timeout", "2m")
	var stdout strings.Builder
	cmd.Stdout = &stdout
	stderrPipe, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var stderr strings.Builder
	watching := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stderrPipe)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		once := sync.Once{}
		for sc.Scan() {
			mu.Lock()
			stderr.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if strings.Contains(sc.Text(), "watch=true") {
				once.Do(func() { close(watching) })
			}
		}
		_, _ = io.Copy(io.Discard, stderrPipe)
	}()
	select {
	case <-watching:
	case <-time.After(time.Minute):
		t.Fatal("kdx wait did not start watching")
	}
	whileAPIServerDown(t, env, func(extra *rest.Config) {
		setWaiterStatus(t, extra, ns, "w", `{"phase":"Ready"}`)
	})
	err = cmd.Wait()
	mu.Lock()
	defer mu.Unlock()
	if err != nil || stdout.String() != "waiter.wait.example.org/w condition met\n" {
		t.Fatalf("kdx wait: %v, stdout:\n%s\nstderr:\n%s", err, stdout.String(), lastLines(stderr.String(), 30))
	}
	if !strings.Contains(stderr.String(), "Warning: ") {
		t.Errorf("no warning about the lost watch on stderr:\n%s", lastLines(stderr.String(), 30))
	}
}

// lastLines is the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// TestWaitDeleteMatchesKubectl: waits for the deletion of objects that
// exist when the wait begins, by name and by selector, print kubectl's
// lines once they are deleted, and exit 0, as kubectl's.
func TestWaitDeleteMatchesKubectl(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	for _, tool := range []string{"kubectl", "kdx"} {
		ns := env.Namespace(t)
		env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: a, namespace: %[1]s, labels: {app: gone}}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: b, namespace: %[1]s, labels: {app: gone}}
`, ns))
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		var byName, bySelector strings.Builder
		// -v=6 logs each request: both tools have read the objects once
		// they watch
		start := func(out *strings.Builder, args ...string) (func() error, <-chan struct{}) {
			args = append([]string{"wait", "-n", ns, "--for", "delete", "--timeout", "50s", "-v=6"}, args...)
			cmd := env.KdxCommand(ctx, t, args...)
			if tool == "kubectl" {
				cmd.Path, cmd.Args = env.Kubectl(), append([]string{"kubectl"}, args...)
			}
			cmd.Stdout = out
			watching := &signalWriter{match: "watch=true", seen: make(chan struct{})}
			cmd.Stderr = watching
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			return cmd.Wait, watching.seen
		}
		waitName, nameWatching := start(&byName, "configmap/a")
		waitSelector, selectorWatching := start(&bySelector, "configmaps", "-l", "app=gone")
		for _, ch := range []<-chan struct{}{nameWatching, selectorWatching} {
			select {
			case <-ch:
			case <-ctx.Done():
				t.Fatalf("%s wait did not start watching", tool)
			}
		}
		if res := env.RunKubectl(t, "delete", "-n", ns, "configmaps", "-l", "app=gone", "--wait=false"); res.ExitCode != 0 {
			t.Fatalf("kubectl delete: %s", res.Stderr)
		}
		if err := waitName(); err != nil {
			t.Errorf("%s wait --for delete configmap/a: %v", tool, err)
		}
		if err := waitSelector(); err != nil {
			t.Errorf("%s wait --for delete -l: %v", tool, err)
		}
		lines := strings.Split(strings.TrimSpace(bySelector.String()), "\n")
		slices.Sort(lines)
		if byName.String() != "configmap/a condition met\n" || strings.Join(lines, ",") != "configmap/a condition met,configmap/b condition met" {
			t.Errorf("%s: by name:\n%s\nby selector:\n%s", tool, byName.String(), bySelector.String())
		}
	}
}

// signalWriter closes seen once what is written holds match.
type signalWriter struct {
	mu    sync.Mutex
	match string
	buf   strings.Builder
	seen  chan struct{}
	done  bool
}

func (w *signalWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.buf.Write(p)
		if strings.Contains(w.buf.String(), w.match) {
			w.done = true
			close(w.seen)
			w.buf.Reset()
		}
	}
	return len(p), nil
}

// TestWaitCELCheckedAgainstCRDSchema: a CEL --for comparing a custom
// type's field with a literal of another type, which could never hold, is
// an error naming the expression before anything is waited on, as --where.
func TestWaitCELCheckedAgainstCRDSchema(t *testing.T) {
	env := testenv.Require(t)
	t.Parallel()
	applyDemoCRDs(t, env)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf("apiVersion: multi.example.org/v2\nkind: Gadget\nmetadata: {name: g, namespace: %s}\nspec: {size: 3}\n", ns))
	res := env.Kdx(t, "wait", "-n", ns, "gadget/g", "--for", `object.spec.size > "2"`, "--timeout", "1m")
	want := `error: invalid --for "object.spec.size > \"2\"": 1:20: object.spec.size is of type integer in the schema of gadgets.multi.example.org, not string`
	if res.ExitCode != 1 || !strings.HasPrefix(res.Stderr, want+"\n") || res.Stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit 1 and:\n%s", res.ExitCode, res.Stdout, res.Stderr, want)
	}
}
