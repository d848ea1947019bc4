package export

import (
	"reflect"
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

// obj parses a YAML object.
func obj(t *testing.T, doc string) *unstructured.Unstructured {
	t.Helper()
	u := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(doc), &u.Object); err != nil {
		t.Fatalf("bad test object: %v", err)
	}
	return u
}

func toYAML(t *testing.T, u *unstructured.Unstructured) string {
	t.Helper()
	b, err := yaml.Marshal(u.Object)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// cleanCases test each cleaning rule: the rule's ID, an object, and the
// object as the default rules leave it.
var cleanCases = []struct {
	rule, in, want string
	opts           CleanOptions
}{
	{rule: "status", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\nstatus: {phase: x}\n", want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	{rule: "status", opts: CleanOptions{KeepStatus: true}, in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\nstatus: {phase: x}\n",
		want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\nstatus:\n  phase: x\n"},
	{rule: "uid", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, uid: u}\n", want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	{rule: "resource-version", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, resourceVersion: '1'}\n", want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	{rule: "generation", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, generation: 3}\n", want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	{rule: "creation-timestamp", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, creationTimestamp: '2024-01-01T00:00:00Z'}\n", want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	{rule: "deletion-timestamp", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, deletionTimestamp: '2024-01-01T00:00:00Z'}\n", want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	{rule: "deletion-grace-period", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, deletionGracePeriodSeconds: 0}\n", want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	{rule: "managed-fields", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, managedFields: [{manager: x}]}\n", want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	{rule: "self-link", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, selfLink: /api/v1/x}\n", want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	{rule: "owner-references", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, ownerReferences: [{kind: X, name: x, uid: u}]}\n", want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	{rule: "last-applied", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, annotations: {kubectl.kubernetes.io/last-applied-configuration: '{}', keep: me}}\n",
		want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  annotations:\n    keep: me\n  name: a\n"},
	{rule: "last-applied", in: "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a, annotations: {kubectl.kubernetes.io/last-applied-configuration: '{}'}}\n",
		want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"},
	{rule: "template-creation-timestamp", in: `kind: Deployment
apiVersion: apps/v1
metadata: {name: a}
spec:
  template:
    metadata: {creationTimestamp: null}
    spec: {volumes: [{name: v, emptyDir: {}}]}
`, want: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\nspec:\n  template:\n    spec:\n      volumes:\n      - emptyDir: {}\n        name: v\n"},
	{rule: "template-creation-timestamp", in: `kind: CronJob
apiVersion: batch/v1
metadata: {name: a}
spec:
  jobTemplate:
    metadata: {creationTimestamp: null, labels: {a: b}}
    spec: {template: {metadata: {creationTimestamp: null}, spec: {}}}
`, want: "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: a\nspec:\n  jobTemplate:\n    metadata:\n      labels:\n        a: b\n    spec:\n      template:\n        spec: {}\n"},
	{rule: "service-cluster-ip", in: "kind: Service\napiVersion: v1\nmetadata: {name: a}\nspec: {clusterIP: 10.0.0.1, clusterIPs: [10.0.0.1], ports: [{port: 80}]}\n",
		want: "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  ports:\n  - port: 80\n"},
	{rule: "service-cluster-ips", in: "kind: Service\napiVersion: v1\nmetadata: {name: a}\nspec: {clusterIP: None, clusterIPs: [None]}\n",
		want: "apiVersion: v1\nkind: Service\nmetadata:\n  name: a\nspec:\n  clusterIP: None\n  clusterIPs:\n  - None\n"},
	{rule: "pvc-volume-name", in: `kind: PersistentVolumeClaim
apiVersion: v1
metadata:
  name: a
  annotations: {pv.kubernetes.io/bind-completed: "yes", pv.kubernetes.io/bound-by-controller: "yes", volume.kubernetes.io/storage-provisioner: x, volume.beta.kubernetes.io/storage-provisioner: x, volume.kubernetes.io/selected-node: n}
spec: {volumeName: pvc-123, storageClassName: fast}
`, want: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: a\nspec:\n  storageClassName: fast\n"},
	{rule: "pvc-volume-name", in: "kind: PersistentVolumeClaim\napiVersion: v1\nmetadata: {name: a, annotations: {pv.kubernetes.io/bind-completed: 'yes'}}\nspec: {volumeName: mine}\n",
		want: "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: a\nspec:\n  volumeName: mine\n"},
	{rule: "pv-claim-ref-uid", in: "kind: PersistentVolume\napiVersion: v1\nmetadata: {name: a}\nspec: {claimRef: {name: c, namespace: ns, uid: u, resourceVersion: '3'}}\n",
		want: "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: a\nspec:\n  claimRef:\n    name: c\n    namespace: ns\n"},
	{rule: "job-selector", in: `kind: Job
apiVersion: batch/v1
metadata: {name: a}
spec:
  selector: {matchLabels: {batch.kubernetes.io/controller-uid: u}}
  template:
    metadata:
      labels: {app: a, controller-uid: u, batch.kubernetes.io/controller-uid: u, job-name: a, batch.kubernetes.io/job-name: a}
`, want: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: a\nspec:\n  template:\n    metadata:\n      labels:\n        app: a\n"},
	{rule: "job-selector", in: "kind: Job\napiVersion: batch/v1\nmetadata: {name: a}\nspec: {manualSelector: true, selector: {matchLabels: {a: b}}, template: {metadata: {labels: {a: b, job-name: a}}}}\n",
		want: "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: a\nspec:\n  manualSelector: true\n  selector:\n    matchLabels:\n      a: b\n  template:\n    metadata:\n      labels:\n        a: b\n        job-name: a\n"},
	{rule: "statefulset-claim-template-status", in: "kind: StatefulSet\napiVersion: apps/v1\nmetadata: {name: a}\nspec: {volumeClaimTemplates: [{metadata: {name: d}, status: {phase: Pending}}]}\n",
		want: "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: a\nspec:\n  volumeClaimTemplates:\n  - metadata:\n      name: d\n"},
	{rule: "namespace-name-label", in: "kind: Namespace\napiVersion: v1\nmetadata: {name: a, labels: {kubernetes.io/metadata.name: a}}\nspec: {finalizers: [kubernetes]}\n",
		want: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n"},
	{rule: "namespace-finalizer", in: "kind: Namespace\napiVersion: v1\nmetadata: {name: a}\nspec: {finalizers: [kubernetes, example.com/x]}\n",
		want: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\nspec:\n  finalizers:\n  - kubernetes\n  - example.com/x\n"},
	{rule: "deployment-revision", in: "kind: Deployment\napiVersion: apps/v1\nmetadata: {name: a, annotations: {deployment.kubernetes.io/revision: '2'}}\n", want: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a\n"},
	{rule: "daemonset-template-generation", in: "kind: DaemonSet\napiVersion: apps/v1\nmetadata: {name: a, annotations: {deprecated.daemonset.template.generation: '1'}}\n", want: "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: a\n"},
	{rule: "endpoints-trigger-time", in: "kind: Endpoints\napiVersion: v1\nmetadata: {name: a, annotations: {endpoints.kubernetes.io/last-change-trigger-time: x}}\n", want: "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: a\n"},
	{rule: "user-empty-maps", in: `kind: Issuer
apiVersion: cert-manager.io/v1
metadata: {name: a, labels: {}, annotations: {}}
spec: {selfSigned: {}}
`, want: "apiVersion: cert-manager.io/v1\nkind: Issuer\nmetadata:\n  annotations: {}\n  labels: {}\n  name: a\nspec:\n  selfSigned: {}\n"},
	{rule: "redact", opts: CleanOptions{RedactSecrets: true}, in: "kind: Secret\napiVersion: v1\nmetadata: {name: a}\ndata: {a: YQ==}\nstringData: {b: c}\ntype: Opaque\n",
		want: "apiVersion: v1\ndata:\n  a: UkVEQUNURUQ=\nkind: Secret\nmetadata:\n  name: a\nstringData:\n  b: REDACTED\ntype: Opaque\n"},
	{rule: "redact", in: "kind: Secret\napiVersion: v1\nmetadata: {name: a}\ndata: {a: YQ==}\n", want: "apiVersion: v1\ndata:\n  a: YQ==\nkind: Secret\nmetadata:\n  name: a\n"},
}

func TestClean(t *testing.T) {
	for _, tc := range cleanCases {
		t.Run(tc.rule, func(t *testing.T) {
			u := obj(t, tc.in)
			NewCleaner(tc.opts).Clean(u)
			if got := toYAML(t, u); got != tc.want {
				t.Errorf("Clean(%s):\ngot:\n%s\nwant:\n%s", tc.rule, got, tc.want)
			}
		})
	}
}

// TestEveryRuleHasACase keeps the rules table tested rule by rule.
func TestEveryRuleHasACase(t *testing.T) {
	tested := map[string]bool{}
	for _, tc := range cleanCases {
		tested[tc.rule] = true
	}
	// These share a case with their sibling rule.
	for _, id := range []string{"service-cluster-ip", "pv-claim-ref-resource-version", "job-controller-uid-label", "job-batch-controller-uid-label",
		"job-name-label", "job-batch-name-label", "pvc-bind-completed", "pvc-bound-by-controller", "pvc-storage-provisioner",
		"pvc-beta-storage-provisioner", "pvc-selected-node"} {
		tested[id] = true
	}
	for _, r := range DefaultRules() {
		if !tested[r.ID] {
			t.Errorf("rule %q has no case in cleanCases", r.ID)
		}
	}
	for _, s := range DefaultSkipRules() {
		if !slices.ContainsFunc(skipCases, func(c skipCase) bool { return c.rule == s.ID }) {
			t.Errorf("skip rule %q has no case in skipCases", s.ID)
		}
	}
}

func TestRuleIDsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range DefaultRules() {
		if seen[r.ID] {
			t.Errorf("duplicate rule ID %q", r.ID)
		}
		seen[r.ID] = true
	}
	for _, s := range DefaultSkipRules() {
		if seen[s.ID] {
			t.Errorf("duplicate rule ID %q", s.ID)
		}
		seen[s.ID] = true
	}
}

func TestCleanIsIdempotent(t *testing.T) {
	c := NewCleaner(CleanOptions{})
	for _, tc := range cleanCases {
		u := obj(t, tc.in)
		c.Clean(u)
		once := u.DeepCopy()
		c.Clean(u)
		if !reflect.DeepEqual(once.Object, u.Object) {
			t.Errorf("%s: a second Clean changed the object", tc.rule)
		}
	}
}

func TestRedactedKeys(t *testing.T) {
	secret := "kind: Secret\napiVersion: v1\nmetadata: {name: a}\ndata: {b: YQ==, a: YQ==}\nstringData: {c: x}\n"
	redacted := obj(t, secret)
	NewCleaner(CleanOptions{RedactSecrets: true}).Clean(redacted)
	cases := []struct {
		name string
		in   *unstructured.Unstructured
		want []string
	}{
		{"export --redact-secrets's output", redacted, []string{"data.a", "data.b", "stringData.c"}},
		{"a Secret with its values", obj(t, secret), nil},
		{"some values put back", obj(t, "kind: Secret\napiVersion: v1\nmetadata: {name: a}\ndata: {a: YQ==, b: UkVEQUNURUQ=}\n"), []string{"data.b"}},
		{"the marker in a ConfigMap", obj(t, "kind: ConfigMap\napiVersion: v1\nmetadata: {name: a}\ndata: {a: REDACTED, b: UkVEQUNURUQ=}\n"), nil},
		{"a Secret of another group", obj(t, "kind: Secret\napiVersion: example.org/v1\nmetadata: {name: a}\ndata: {a: UkVEQUNURUQ=}\n"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := RedactedKeys(c.in); !slices.Equal(got, c.want) {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}
