package e2e

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kdxproject/kdx/internal/testenv"
)

// describeUntil runs kdx describe args until its output holds every one
// of want, and returns it; it fails t after timeout.
func describeUntil(t *testing.T, env *testenv.Env, timeout time.Duration, args []string, want ...string) testenv.Result {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r := env.Kdx(t, append([]string{"describe"}, args...)...)
		missing := ""
		for _, w := range want {
			if !strings.Contains(r.Stdout, w) {
				missing = w
				break
			}
		}
		if missing == "" {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("kdx describe %s: no %q after %s (exit %d)\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), missing, timeout, r.ExitCode, r.Stdout, r.Stderr)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// wantContains fails t unless out holds each of want.
func wantContains(t *testing.T, what, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s: no %q in:\n%s", what, w, out)
		}
	}
}

func TestE2EDescribeDeploymentAndItsPods(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: %s, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: nginx, image: nginx:1.27}]}
`, ns))
	// The ReplicaSet controller makes the pods; no kubelet runs them, so
	// they stay Pending, without container statuses.
	r := describeUntil(t, env, time.Minute, []string{"deployment.apps", "web", "-n", ns},
		"Kind:         Deployment.apps/v1", "Replicas:  2 desired | 2 updated | 2 total | 0 available | 2 unavailable",
		"Progressing", "ScalingReplicaSet", "ReplicaSets:\n  NewReplicaSet:   web-", " (2/2 replicas created)\n  OldReplicaSets:  <none>")
	wantContains(t, "describe deployment", r.Stdout, "Labels:       app=web", "Conditions:\n  Type ", "Available    False", "deployment-controller")
	if r.ExitCode != 0 {
		t.Errorf("exit %d, stderr: %s", r.ExitCode, r.Stderr)
	}
	pods := describeUntil(t, env, time.Minute, []string{"pods", "-l", "app=web", "-n", ns}, "\n\n\nName:")
	wantContains(t, "describe pods", pods.Stdout, "Kind:         Pod/v1", "Owners:       ReplicaSet/web-", "(controller)",
		"Containers:", "nginx  nginx:1.27  <not reported>", "Status:  Pending")
	if n := strings.Count(pods.Stdout, "\nKind:         Pod/v1"); n != 2 {
		t.Errorf("describe pods -l app=web: %d pods described, want 2:\n%s", n, pods.Stdout)
	}
}

func TestE2EDescribeCustomObjectsWithEvents(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	dir := testenv.SharedCRDs(t)
	for _, f := range []string{"cert-manager/cert-manager.io_certificates.yaml", "prometheus-operator/monitoring.coreos.com_servicemonitors.yaml"} {
		env.ApplyFile(t, filepath.Join(dir, f))
	}
	ns := env.Namespace(t)
	objs := env.Apply(t, fmt.Sprintf(`apiVersion: cert-manager.io/v1
kind: Certificate
metadata: {name: web.example.com, namespace: %[1]s}
spec: {secretName: web-tls, dnsNames: [web.example.com, www.example.com], issuerRef: {name: ca, kind: Issuer}}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: web, namespace: %[1]s, labels: {team: shop}}
spec:
  selector: {matchLabels: {app: web}}
  endpoints: [{port: http, interval: 30s, path: /metrics}]
`, ns))
	now := time.Now().UTC().Format("2006-01-02T15:04:05.000000Z")
	env.Apply(t, fmt.Sprintf(`apiVersion: events.k8s.io/v1
kind: Event
metadata: {name: web-issuing, namespace: %[1]s}
eventTime: %[2]q
type: Normal
reason: Issuing
note: Issuing certificate as Secret does not exist
action: Issue
reportingController: cert-manager-certificates-trigger
reportingInstance: cert-manager-1
regarding: {apiVersion: cert-manager.io/v1, kind: Certificate, name: web.example.com, namespace: %[1]s, uid: %[3]s}
`, ns, now, objs[0].GetUID()))
	r := env.Kdx(t, "describe", "certificates.cert-manager.io", "web.example.com", "-n", ns)
	if r.ExitCode != 0 {
		t.Fatalf("exit %d, stderr: %s", r.ExitCode, r.Stderr)
	}
	wantContains(t, "describe certificate", r.Stdout, "Kind:         Certificate.cert-manager.io/v1",
		"  dnsNames:    [web.example.com, www.example.com]", "  issuerRef:\n    kind:  Issuer\n    name:  ca",
		"Events:\n  Type    Reason   Age", "Normal  Issuing", "cert-manager-certificates-trigger  Issuing certificate as Secret does not exist")
	quiet := env.Kdx(t, "describe", "certificate/web.example.com", "servicemonitor/web", "-n", ns, "--show-events=false")
	wantContains(t, "describe --show-events=false", quiet.Stdout, "Kind:         ServiceMonitor.monitoring.coreos.com/v1",
		"  endpoints:\n    - interval:  30s", "Labels:       team=shop")
	if strings.Contains(quiet.Stdout, "Events:") || strings.Count(quiet.Stdout, "\n\n\nName:") != 1 {
		t.Errorf("describe two objects --show-events=false: want two descriptions without events:\n%s", quiet.Stdout)
	}
	// A missing object is reported as get reports it, after the others.
	missing := env.Kdx(t, "describe", "certificate/nope", "servicemonitor/web", "-n", ns)
	wantContains(t, "describe a missing object", missing.Stderr, `error: certificates.cert-manager.io "nope" not found`)
	if missing.ExitCode != 1 || !strings.Contains(missing.Stdout, "Name:         web\n") {
		t.Errorf("describe a missing object: exit %d, want 1 with the other described:\n%s", missing.ExitCode, missing.Stdout)
	}
}

func TestE2EDescribeSecretShowsNoValue(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: %s}
stringData: {password: hunter2, user: admin}
`, ns))
	r := env.Kdx(t, "describe", "secret", "creds", "-n", ns)
	wantContains(t, "describe secret", r.Stdout, "Type:  Opaque", "  password:  7 bytes", "  user:      5 bytes")
	for _, v := range []string{"hunter2", "aHVudGVyMg", "admin\n", "YWRtaW4"} {
		if strings.Contains(r.Stdout+r.Stderr, v) {
			t.Errorf("describe secret shows the value %q:\n%s", v, r.Stdout)
		}
	}
}

// TestE2EDescribeNamespaceHeldByFinalizer deletes a namespace whose
// ConfigMap has a finalizer no controller removes: describe names the
// object and its finalizer; once it is removed, the namespace goes.
func TestE2EDescribeNamespaceHeldByFinalizer(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: ConfigMap
metadata: {name: held, namespace: %s, finalizers: [example.org/cleanup]}
`, ns))
	if r := env.RunKubectl(t, "delete", "namespace", ns, "--wait=false"); r.ExitCode != 0 {
		t.Fatalf("kubectl delete namespace: %s", r.Stderr)
	}
	r := describeUntil(t, env, time.Minute, []string{"namespace", ns}, "NamespaceFinalizersRemaining: ",
		"Objects still in the namespace:\n    configmaps (1):\n      held  deleting  finalizers: [example.org/cleanup]")
	wantContains(t, "describe a namespace held by a finalizer", r.Stdout, "Deleting:     since ",
		"kubernetes (spec)  the namespace controller of kube-controller-manager",
		"Objects wait for finalizer example.org/cleanup, whose controller is unknown to kdx (domain example.org, not a served API group)",
		"Nothing was removed: describe only reads.")
	obj := env.Kdx(t, "describe", "configmap", "held", "-n", ns, "--show-events=false")
	wantContains(t, "describe the object held by a finalizer", obj.Stdout, "Finalizers:   [example.org/cleanup]\nDeleting:     since ",
		"Deletion:\n  Requested:  ", "    example.org/cleanup  unknown to kdx (domain example.org, not a served API group)\n",
		"Finalizer example.org/cleanup: its controller is unknown to kdx (domain example.org, not a served API group)")
	if got := env.RunKubectl(t, "get", "configmap", "held", "-n", ns, "-o", "name"); got.ExitCode != 0 {
		t.Fatalf("describe removed the object: %s", got.Stderr)
	}
	if p := env.RunKubectl(t, "patch", "configmap", "held", "-n", ns, "--type=merge", "-p", `{"metadata":{"finalizers":null}}`); p.ExitCode != 0 {
		t.Fatalf("kubectl patch: %s", p.Stderr)
	}
	waitGone(t, env, "namespace/"+ns)
}

// TestE2EDescribeNamespaceHeldByAPIService breaks discovery with an
// APIService whose service does not exist, on a control plane of its own
// (it blocks every namespace's deletion): describe names the APIService;
// once it is deleted, the namespace goes.
func TestE2EDescribeNamespaceHeldByAPIService(t *testing.T) {
	t.Parallel()
	testenv.Require(t)
	env := testenv.StartPeerWithControllers(t)
	ns := env.Namespace(t)
	env.Apply(t, `apiVersion: apiregistration.k8s.io/v1
kind: APIService
metadata: {name: v1.stuck.example.org}
spec:
  group: stuck.example.org
  version: v1
  groupPriorityMinimum: 100
  versionPriority: 100
  insecureSkipTLSVerify: true
  service: {namespace: default, name: missing}
`)
	if r := env.RunKubectl(t, "delete", "namespace", ns, "--wait=false"); r.ExitCode != 0 {
		t.Fatalf("kubectl delete namespace: %s", r.Stderr)
	}
	r := describeUntil(t, env, 2*time.Minute, []string{"namespace", ns}, "NamespaceDeletionDiscoveryFailure: ",
		"    v1.stuck.example.org (service default/missing): ServiceNotFound")
	if strings.Contains(r.Stderr, "Endpoints is deprecated") {
		t.Errorf("a deprecation warning of a type the user did not name: %s", r.Stderr)
	}
	wantContains(t, "describe a namespace held by an APIService", r.Stdout,
		"Repair the service of APIService v1.stuck.example.org, or delete the APIService")
	if d := env.RunKubectl(t, "delete", "apiservice", "v1.stuck.example.org"); d.ExitCode != 0 {
		t.Fatalf("kubectl delete apiservice: %s", d.Stderr)
	}
	waitGone(t, env, "namespace/"+ns)
}

// waitGone waits until kubectl no longer finds what.
func waitGone(t *testing.T, env *testenv.Env, what string) {
	t.Helper()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		r := env.RunKubectl(t, "get", what, "-o", "name")
		if r.ExitCode != 0 && strings.Contains(r.Stderr, "NotFound") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s still there after 2m: %s%s", what, r.Stdout, r.Stderr)
		}
		time.Sleep(time.Second)
	}
}

// TestE2EDescribeServiceAndNamespace: a Service's endpoints come from its
// EndpointSlices, a namespace's description lists its quotas and limits.
func TestE2EDescribeServiceAndNamespace(t *testing.T) {
	t.Parallel()
	env := testenv.Require(t)
	ns := env.Namespace(t)
	env.Apply(t, fmt.Sprintf(`apiVersion: v1
kind: Service
metadata: {name: web, namespace: %[1]s}
spec: {ports: [{name: http, port: 80}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-1
  namespace: %[1]s
  labels: {kubernetes.io/service-name: web, endpointslice.kubernetes.io/managed-by: kdx-test}
addressType: IPv4
ports: [{name: http, port: 8080}]
endpoints:
- {addresses: [10.1.0.1], conditions: {ready: true}}
- {addresses: [10.1.0.2], conditions: {ready: false}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: small, namespace: %[1]s}
spec: {hard: {pods: "10", configmaps: "5"}}
---
apiVersion: v1
kind: LimitRange
metadata: {name: limits, namespace: %[1]s}
spec: {limits: [{type: Container, max: {cpu: "2"}, default: {cpu: 500m}}]}
`, ns))
	svc := env.Kdx(t, "describe", "service", "web", "-n", ns)
	wantContains(t, "describe service", svc.Stdout, "Endpoints (1 EndpointSlices):\n  Ready:      10.1.0.1:8080\n  Not ready:  10.1.0.2:8080")
	nsOut := env.Kdx(t, "describe", "namespace", ns)
	wantContains(t, "describe namespace", nsOut.Stdout, "Resource Quotas:\n  small:\n    Resource    Used", "    pods ",
		"Limit Ranges:\n  limits:\n    Container: max {cpu=2}, default {cpu=500m}")
	if svc.ExitCode != 0 || nsOut.ExitCode != 0 {
		t.Errorf("exit %d and %d: %s%s", svc.ExitCode, nsOut.ExitCode, svc.Stderr, nsOut.Stderr)
	}
}

// TestE2EDescribeNodeAndNothingFound: a Node's capacity beside its
// allocatable; a selector that matches nothing is said as kubectl says it.
func TestE2EDescribeNodeAndNothingFound(t *testing.T) {
	t.Parallel()
	env := testenv.Alone(t)
	node := "kdx-describe-node"
	env.Apply(t, "apiVersion: v1\nkind: Node\nmetadata: {name: "+node+", labels: {kdx-test: describe}}\n")
	t.Cleanup(func() { env.RunKubectl(t, "delete", "node", node, "--wait=false") })
	if r := env.RunKubectl(t, "patch", "node", node, "--subresource=status", "--type=merge", "-p",
		`{"status":{"capacity":{"cpu":"4","memory":"8Gi"},"allocatable":{"cpu":"3800m","memory":"7Gi"}}}`); r.ExitCode != 0 {
		t.Fatalf("kubectl patch node status: %s", r.Stderr)
	}
	r := env.Kdx(t, "describe", "nodes", "-l", "kdx-test=describe")
	wantContains(t, "describe node", r.Stdout, "Kind:         Node/v1", "Resources:\n  Resource  Capacity  Allocatable\n",
		"  cpu       4         3800m\n", "  memory    8Gi       7Gi\n")
	ns := env.Namespace(t)
	none := env.Kdx(t, "describe", "configmaps", "-l", "nothing=here", "-n", ns)
	kubectl := env.RunKubectl(t, "describe", "configmaps", "-l", "nothing=here", "-n", ns)
	if none.Stdout != "" || none.Stderr != kubectl.Stderr || none.ExitCode != kubectl.ExitCode {
		t.Errorf("nothing found: kdx exit %d %q %q, kubectl exit %d %q", none.ExitCode, none.Stdout, none.Stderr, kubectl.ExitCode, kubectl.Stderr)
	}
	named := env.Kdx(t, "describe", "configmap", "x", "-A")
	if named.ExitCode != 1 || named.Stderr != "error: a resource cannot be retrieved by name across all namespaces\n" {
		t.Errorf("describe NAME -A: exit %d %q, want get's refusal", named.ExitCode, named.Stderr)
	}
}
