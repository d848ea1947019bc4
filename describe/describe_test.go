package describe

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/kdxproject/kdx/internal/golden"
)

// now is the clock of every golden file.
var now = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)

// checkGolden compares got with ../testdata/describe/name.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("..", "testdata", "describe", name), got)
}

func object(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal([]byte(doc), &m); err != nil {
		t.Fatal(err)
	}
	return &unstructured.Unstructured{Object: m}
}

const gadget = `
apiVersion: multi.example.org/v2
kind: Gadget
metadata:
  name: sprocket
  namespace: demo
  uid: 1111
  creationTimestamp: "2026-12-03T07:00:00Z"
  labels: {app: shop, tier: back}
  annotations:
    note: short
    kubectl.kubernetes.io/last-applied-configuration: '{"a":1}'
  ownerReferences:
  - {apiVersion: v1, kind: ConfigMap, name: owner, uid: 2222, controller: true}
spec:
  color: red
  size: 3
  tags: [a, b, c]
  empty: {}
  ports:
  - {name: http, port: 80}
  - {name: https, port: 443}
  description: "a very long description of the gadget that goes on and on well past the width at which values are folded onto continuation lines"
  script: |
    line one
    line two
status:
  phase: Ready
  conditions:
  - {type: Ready, status: "True", reason: Reconciled, lastTransitionTime: "2026-12-03T07:58:00Z", message: all good}
  - {type: Degraded, status: "False", lastTransitionTime: "2026-12-03T07:30:00Z"}
`

func TestDescribeCustomObject(t *testing.T) {
	obj := object(t, gadget)
	events := []Event{
		EventOf(object(t, `{apiVersion: events.k8s.io/v1, kind: Event, metadata: {name: e2, creationTimestamp: "2026-12-03T07:50:00Z"}, type: Warning, reason: Slow, note: took long, reportingController: gadget-controller, eventTime: "2026-12-03T07:40:00.000000Z", series: {count: 4, lastObservedTime: "2026-12-03T07:55:00.000000Z"}}`)),
		EventOf(object(t, `{apiVersion: v1, kind: Event, metadata: {name: e1}, type: Normal, reason: Created, message: created it, source: {component: gadget-controller}, firstTimestamp: "2026-12-03T07:01:00Z", lastTimestamp: "2026-12-03T07:01:00Z", count: 1}`)),
	}
	var b bytes.Buffer
	if err := Write(&b, now, Description{Object: obj, Events: events, ShowEvents: true}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "gadget.txt", b.Bytes())
	if strings.Contains(b.String(), "last-applied") {
		t.Error("the last-applied-configuration annotation is shown")
	}
	if _, ok := obj.Object["status"].(map[string]any)["conditions"]; !ok {
		t.Error("describing took the conditions out of the object itself")
	}
}

func TestDescribeSecretShowsByteCountsOnly(t *testing.T) {
	obj := object(t, `{apiVersion: v1, kind: Secret, type: Opaque, metadata: {name: creds, namespace: demo, creationTimestamp: "2026-12-03T07:00:00Z"}, data: {password: aHVudGVyMg==, user: YWRtaW4=}}`)
	var b bytes.Buffer
	if err := Write(&b, now, Description{Object: obj}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "secret.txt", b.Bytes())
	for _, secret := range []string{"aHVudGVyMg", "hunter2", "YWRtaW4", "admin"} {
		if strings.Contains(b.String(), secret) {
			t.Errorf("the Secret's value %q is shown:\n%s", secret, b.String())
		}
	}
}

func TestDescribeSeveralObjects(t *testing.T) {
	a := object(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: a, namespace: demo, creationTimestamp: "2026-12-03T07:00:00Z"}, data: {k: v}, binaryData: {blob: AAEC/w==, empty: ""}}`)
	pod := object(t, `
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: demo, creationTimestamp: "2026-12-03T07:00:00Z"}
spec:
  nodeName: node-1
  initContainers: [{name: init, image: busybox}]
  containers: [{name: web, image: nginx:1.27}, {name: side, image: envoy}]
status:
  phase: Running
  initContainerStatuses: [{name: init, ready: false, restartCount: 0, state: {terminated: {reason: Completed, exitCode: 0}}}]
  containerStatuses:
  - {name: web, ready: true, restartCount: 2, state: {running: {startedAt: "2026-12-03T07:50:00Z"}}, lastState: {terminated: {reason: OOMKilled, exitCode: 137, finishedAt: "2026-12-03T07:49:00Z"}}}
`)
	deploy := object(t, `{apiVersion: apps/v1, kind: Deployment, metadata: {name: web, namespace: demo, creationTimestamp: "2026-12-03T07:00:00Z"}, spec: {replicas: 3, strategy: {type: RollingUpdate}}, status: {replicas: 3, updatedReplicas: 3, availableReplicas: 2, unavailableReplicas: 1}}`)
	var b bytes.Buffer
	if err := Write(&b, now, Description{Object: a, ShowEvents: true}, Description{Object: pod}, Description{Object: deploy}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "several.txt", b.Bytes())
}

func TestDescribeTerminatingNamespace(t *testing.T) {
	ns := object(t, `
apiVersion: v1
kind: Namespace
metadata: {name: stuck, uid: 3, creationTimestamp: "2026-12-03T06:00:00Z", deletionTimestamp: "2026-12-03T07:45:00Z"}
spec: {finalizers: [kubernetes]}
status:
  phase: Terminating
  conditions:
  - {type: NamespaceDeletionDiscoveryFailure, status: "True", reason: DiscoveryFailed, message: "Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: stuck.example.org/v1: stale GroupVersion discovery: stuck.example.org/v1", lastTransitionTime: "2026-12-03T07:45:05Z"}
  - {type: NamespaceFinalizersRemaining, status: "True", reason: SomeFinalizersRemain, message: "Some content in the namespace has finalizers remaining: example.org/cleanup in 1 resource instances", lastTransitionTime: "2026-12-03T07:45:05Z"}
  - {type: NamespaceContentRemaining, status: "False", reason: ContentDeleted, lastTransitionTime: "2026-12-03T07:45:05Z"}
`)
	d := NewDeletion(ns, []string{"apps", "example.org", "cert-manager.io"})
	d.Content.APIServices = unavailable([]unstructured.Unstructured{*object(t, `{apiVersion: apiregistration.k8s.io/v1, kind: APIService, metadata: {name: v1.stuck.example.org}, spec: {service: {namespace: nowhere, name: missing}}, status: {conditions: [{type: Available, status: "False", reason: ServiceNotFound, message: service/missing in "nowhere" is not present}]}}`),
		*object(t, `{apiVersion: apiregistration.k8s.io/v1, kind: APIService, metadata: {name: v1.apps}, status: {conditions: [{type: Available, status: "True", reason: Local}]}}`)})
	d.Content.Remaining = []Remaining{{Type: "configmaps", Objects: []RemainingObject{{Name: "held", Finalizers: []string{"example.org/cleanup"}, Deleting: true}}}}
	var b bytes.Buffer
	if err := Write(&b, now, Description{Object: ns, Deletion: d, ShowEvents: true}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "terminating-namespace.txt", b.Bytes())
}

func TestDescribeObjectHeldByFinalizers(t *testing.T) {
	pvc := object(t, `
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
  namespace: demo
  creationTimestamp: "2026-12-03T07:00:00Z"
  deletionTimestamp: "2026-12-03T07:58:30Z"
  finalizers: [kubernetes.io/pvc-protection, backup.example.org/snapshot]
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
status: {phase: Bound}
`)
	var b bytes.Buffer
	if err := Write(&b, now, Description{Object: pvc, Deletion: NewDeletion(pvc, []string{"backup.example.org"})}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "held-by-finalizers.txt", b.Bytes())
	if d := NewDeletion(object(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}`), nil); d != nil {
		t.Errorf("NewDeletion of an object not being deleted = %+v, want nil", d)
	}
}

// TestDescribeFinalizersOfUnservedDomains: finalizers whose domain is not
// a served group, while groups under that domain are, are said unknown
// with their domain, in the table and the advice, never as the list of
// those groups; one whose domain is a served group names it (issue 26.7).
func TestDescribeFinalizersOfUnservedDomains(t *testing.T) {
	var groups []string
	for i := range 10 {
		groups = append(groups, fmt.Sprintf("g%d.bench.example.com", i))
	}
	groups = append(groups, "backup.example.com")
	cm := object(t, `
apiVersion: v1
kind: ConfigMap
metadata:
  name: held
  namespace: demo
  creationTimestamp: "2026-12-03T07:00:00Z"
  deletionTimestamp: "2026-12-03T07:58:30Z"
  finalizers: [example.com/x, bench.example.com/y, backup.example.com/snapshot]
`)
	ns := object(t, `{apiVersion: v1, kind: Namespace, metadata: {name: gone, creationTimestamp: "2026-12-03T07:00:00Z", deletionTimestamp: "2026-12-03T07:58:30Z", finalizers: [example.com/never]}, spec: {finalizers: [kubernetes]}}`)
	nsDel := NewDeletion(ns, groups)
	nsDel.Content.Remaining = []Remaining{{Type: "configmaps", Objects: []RemainingObject{{Name: "held", Finalizers: []string{"bench.example.com/y"}, Deleting: true}}}}
	var b bytes.Buffer
	if err := Write(&b, now, Description{Object: cm, Deletion: NewDeletion(cm, groups)}, Description{Object: ns, Deletion: nsDel}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "unknown-finalizers.txt", b.Bytes())
	if strings.Contains(b.String(), "g0.bench") {
		t.Errorf("a served group under the finalizer's domain is named as its controller:\n%s", b.String())
	}
}

// TestFinalizerOwner: an owner is named only where the finalizer's domain
// is exactly a served group (or Kubernetes' own); a domain under which
// other groups are served is not a list of guesses (issue 26.7).
func TestFinalizerOwner(t *testing.T) {
	groups := []string{"cert-manager.io", "acme.cert-manager.io", "monitoring.coreos.com", "g0.bench.example.com", "g1.bench.example.com", "example.com.evil.io"}
	for _, tc := range []struct {
		finalizer, want string
		known           bool
	}{
		{"kubernetes.io/pvc-protection", "kube-controller-manager (pvc-protection), once no Pod uses the claim", true},
		{"foregroundDeletion", "the garbage collector of kube-controller-manager, once the dependents with blockOwnerDeletion are gone", true},
		{"cert-manager.io/finalizer", "the controller of API group cert-manager.io", true},
		{"monitoring.coreos.com/status-cleanup", "the controller of API group monitoring.coreos.com", true},
		{"example.com/x", "unknown to kdx (domain example.com, not a served API group)", false},
		{"bench.example.com/y", "unknown to kdx (domain bench.example.com, not a served API group)", false},
		{"coreos.com/y", "unknown to kdx (domain coreos.com, not a served API group)", false},
		{"x.g0.bench.example.com/y", "unknown to kdx (domain x.g0.bench.example.com, not a served API group)", false},
		{"example.org/cleanup", "unknown to kdx (domain example.org, not a served API group)", false},
		{"node.kubernetes.io/thing", "a Kubernetes component (node.kubernetes.io)", true},
		{"plain", "unknown to kdx (the finalizer names no domain)", false},
	} {
		if got, known := FinalizerOwner(tc.finalizer, groups); got != tc.want || known != tc.known {
			t.Errorf("FinalizerOwner(%q) = %q, %v; want %q, %v", tc.finalizer, got, known, tc.want, tc.known)
		}
	}
}

func TestFold(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  []string
	}{
		{"short", 50, []string{"short"}},
		{"a\nb\n", 50, []string{"a", "b"}},
		{strings.Repeat("word ", 12), 40, []string{strings.TrimSpace(strings.Repeat("word ", 8)), strings.Repeat("word ", 4)}},
		{strings.Repeat("x", 60), 40, []string{strings.Repeat("x", 60)}},
	} {
		got := fold(tc.in, tc.width)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("fold(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}

// TestEventOf: who an event is from and its message as kubectl describe
// shows them: the source's component (events.k8s.io's deprecatedSource),
// else the reporting controller, else nothing; the field path of the
// object first; a core event's eventTime before its firstTimestamp
// (issue 26.8).
func TestEventOf(t *testing.T) {
	for _, tc := range []struct {
		name, doc, from, message string
		first                    string
	}{
		{"events.k8s.io with a deprecated source", `{apiVersion: events.k8s.io/v1, kind: Event, metadata: {name: e}, reason: Scaled, note: scaled up, deprecatedSource: {component: deployment-controller}, deprecatedFirstTimestamp: "2026-12-03T07:00:00Z", regarding: {kind: Deployment, name: web}}`,
			"deployment-controller", "scaled up", "2026-12-03T07:00:00Z"},
		{"events.k8s.io with a reporting controller", `{apiVersion: events.k8s.io/v1, kind: Event, metadata: {name: e}, note: " padded ", reportingController: cm-trigger, eventTime: "2026-12-03T07:10:00.000000Z", regarding: {kind: Pod, name: p, fieldPath: "spec.containers{web}"}}`,
			"cm-trigger", "spec.containers{web}: padded", "2026-12-03T07:10:00Z"},
		{"events.k8s.io with both", `{apiVersion: events.k8s.io/v1, kind: Event, metadata: {name: e}, note: hi, reportingController: rc, deprecatedSource: {component: kubelet}}`,
			"kubelet", "hi", "0001-01-01T00:00:00Z"},
		{"core with a source", `{apiVersion: v1, kind: Event, metadata: {name: e}, message: m, source: {component: kubelet}, reportingComponent: rc, firstTimestamp: "2026-12-03T07:00:00Z", eventTime: "2026-12-03T07:20:00.000000Z", involvedObject: {fieldPath: "spec.containers{x}"}}`,
			"kubelet", "spec.containers{x}: m", "2026-12-03T07:20:00Z"},
		{"core with nothing", `{apiVersion: v1, kind: Event, metadata: {name: e}, message: m, firstTimestamp: "2026-12-03T07:00:00Z"}`,
			"", "m", "2026-12-03T07:00:00Z"},
	} {
		e := EventOf(object(t, tc.doc))
		if e.From != tc.from || e.Message != tc.message || e.First.UTC().Format(time.RFC3339) != tc.first {
			t.Errorf("%s: From %q, Message %q, First %s; want %q, %q, %s", tc.name, e.From, e.Message, e.First.UTC().Format(time.RFC3339), tc.from, tc.message, tc.first)
		}
	}
}

// TestDescribeEscapesServerText: ESC, BEL, CR and newlines in a name, an
// annotation, data and events reach the output escaped (^[ as kubectl's
// describe writes it), tables aligned on the escaped text (issue 27.9).
func TestDescribeEscapesServerText(t *testing.T) {
	cr := object(t, `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: "\e[31mred\e[0m\a\nName:         forged"
  creationTimestamp: "2026-12-03T07:00:00Z"
  labels: {app: shop}
  annotations: {note: "\e]0;title\a", "ok": "cr\rhere"}
  finalizers: ["example.com/\e[2J"]
rules:
- apiGroups: [""]
  resources: ["\e[1mpods"]
  verbs: [get]
data:
  script: "line one \e[5m\nline two\a"
`)
	events := []Event{
		EventOf(object(t, `{apiVersion: v1, kind: Event, metadata: {name: e1}, type: Warning, reason: "\e[31mBad", message: "m\e[0m\a", source: {component: "x\ey"}, firstTimestamp: "2026-12-03T07:01:00Z", lastTimestamp: "2026-12-03T07:01:00Z", count: 1}`)),
		EventOf(object(t, `{apiVersion: v1, kind: Event, metadata: {name: e2}, type: Normal, reason: Plain, message: ok, source: {component: c}, firstTimestamp: "2026-12-03T07:02:00Z", lastTimestamp: "2026-12-03T07:02:00Z", count: 1}`)),
	}
	var b bytes.Buffer
	if err := Write(&b, now, Description{Object: cr, Events: events, ShowEvents: true}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "escaped.txt", b.Bytes())
	for i, r := range b.String() {
		if r != '\t' && r != '\n' && unicode.IsControl(r) {
			t.Fatalf("control %U at %d:\n%q", r, i, b.String())
		}
	}
	if strings.Contains(b.String(), "\nName:         forged") {
		t.Errorf("a name's newline forged a line:\n%s", b.String())
	}
}

// TestWriteEvents: the events alone are the Events section Write writes.
func TestWriteEvents(t *testing.T) {
	obj := object(t, `{apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: ns}}`)
	events := []Event{{Type: "Warning", Reason: "Late\x1b", From: "kubelet", Message: "second", Count: 2, First: now.Add(-time.Hour), Last: now.Add(-time.Minute)},
		{Type: "Normal", Reason: "Made", Message: "first", Count: 1, First: now.Add(-2 * time.Hour), Last: now.Add(-2 * time.Hour)}}
	var all, alone bytes.Buffer
	if err := Write(&all, now, Description{Object: obj, Events: events, ShowEvents: true}); err != nil {
		t.Fatal(err)
	}
	if err := WriteEvents(&alone, now, events); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(alone.String(), "Events:") || !strings.HasSuffix(all.String(), alone.String()) || strings.Contains(alone.String(), "\x1b") {
		t.Errorf("the events alone:\n%s\nthe description:\n%s", alone.String(), all.String())
	}
	alone.Reset()
	if err := WriteEvents(&alone, now, nil); err != nil || alone.String() != "Events:  <none>\n" {
		t.Errorf("no events: %q, %v", alone.String(), err)
	}
}
