package relate

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

var (
	deployGVK = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "Deployment"}
	rsGVK     = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "ReplicaSet"}
	podGVK    = schema.GroupVersionKind{Version: "v1", Kind: "Pod"}
	cmGVK     = schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}
	now       = time.Date(2026, 12, 3, 8, 0, 0, 0, time.UTC)
)

// item is one metadata item of namespace ns, an hour old, whose uid is its
// name, owned by owners.
func item(name string, owners ...metav1.OwnerReference) metav1.PartialObjectMetadata {
	return metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "ns", UID: types.UID(name),
		CreationTimestamp: metav1.NewTime(now.Add(-time.Hour)), OwnerReferences: owners}}
}

func ref(gvk schema.GroupVersionKind, name string) metav1.OwnerReference {
	return metav1.OwnerReference{APIVersion: gvk.GroupVersion().String(), Kind: gvk.Kind, Name: name, UID: types.UID(name)}
}

// fixture is a Deployment, its ReplicaSet and two Pods, a Pod whose
// ReplicaSet is gone, two ConfigMaps owning each other, and a Pod owned by
// a Secret, whose type could not be listed.
func fixture() *Index {
	ix := NewIndex()
	secretGVK := schema.GroupVersionKind{Version: "v1", Kind: "Secret"}
	pages := map[schema.GroupVersionKind][]metav1.PartialObjectMetadata{
		deployGVK: {item("web")},
		rsGVK:     {item("web-1", ref(deployGVK, "web"))},
		podGVK:    {item("web-1-b", ref(rsGVK, "web-1")), item("web-1-a", ref(rsGVK, "web-1")), item("orphan", ref(rsGVK, "gone")), item("secret-owned", ref(secretGVK, "s"))},
		cmGVK:     {item("a", ref(cmGVK, "b")), item("b", ref(cmGVK, "a"))},
	}
	for gvk, items := range pages {
		for _, o := range FromPage(gvk, &metav1.PartialObjectMetadataList{Items: items}) {
			ix.Add(o)
		}
		ix.Listed(gvk.GroupKind(), true)
	}
	ix.Unlisted(secretGVK.GroupKind())
	return ix
}

func TestWalk(t *testing.T) {
	ix := fixture()
	for _, tc := range []struct {
		name  string
		root  string
		up    bool
		depth int
		want  string
	}{
		{"down", "web", false, 0, `NAMESPACE  NAME                     READY  REASON  AGE
ns         deployment.apps/web      -      -       60m
ns         └─replicaset.apps/web-1  -      -       60m
ns           ├─pod/web-1-a          -      -       60m
ns           └─pod/web-1-b          -      -       60m
`},
		{"depth 1", "web", false, 1, `NAMESPACE  NAME                 READY  REASON  AGE
ns         deployment.apps/web  -      -       60m
`},
		{"depth 2", "web", false, 2, `NAMESPACE  NAME                     READY  REASON  AGE
ns         deployment.apps/web      -      -       60m
ns         └─replicaset.apps/web-1  -      -       60m
`},
		{"up", "web-1-a", true, 0, `NAMESPACE  NAME                     READY  REASON  AGE
ns         pod/web-1-a              -      -       60m
ns         └─replicaset.apps/web-1  -      -       60m
ns           └─deployment.apps/web  -      -       60m
`},
		{"dangling", "orphan", true, 0, `NAMESPACE  NAME                              READY  REASON  AGE
ns         pod/orphan                        -      -       60m
ns         └─replicaset.apps/gone [missing]  -      -       -
`},
		{"unknown", "secret-owned", true, 0, `NAMESPACE  NAME                  READY  REASON  AGE
ns         pod/secret-owned      -      -       60m
ns         └─secret/s [unknown]  -      -       -
`},
		{"cycle down", "a", false, 0, `NAMESPACE  NAME                     READY  REASON  AGE
ns         configmap/a              -      -       60m
ns         └─configmap/b            -      -       60m
ns           └─configmap/a [cycle]  -      -       60m
`},
		{"cycle up", "b", true, 0, `NAMESPACE  NAME                     READY  REASON  AGE
ns         configmap/b              -      -       60m
ns         └─configmap/a            -      -       60m
ns           └─configmap/b [cycle]  -      -       60m
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root := ix.Object(types.UID(tc.root))
			tree := ix.Down(root, tc.depth)
			if tc.up {
				tree = ix.Up(root, tc.depth)
			}
			var b bytes.Buffer
			if err := WriteTable(&b, tree, now); err != nil {
				t.Fatal(err)
			}
			if b.String() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", b.String(), tc.want)
			}
		})
	}
}

func TestAbsentOwnerScope(t *testing.T) {
	ix := NewIndex()
	nodeGVK := schema.GroupVersionKind{Version: "v1", Kind: "Node"}
	ix.Listed(nodeGVK.GroupKind(), false)
	o := &Object{GVK: podGVK, Namespace: "ns", Name: "p", UID: "p", Owners: []metav1.OwnerReference{ref(nodeGVK, "n1"), ref(rsGVK, "rs")}}
	up := ix.Up(o, 0)
	if got := up.Children[0]; got.Namespace != "" || got.Mark != Missing {
		t.Errorf("cluster-scoped missing owner: got namespace %q mark %q, want none and missing", got.Namespace, got.Mark)
	}
	if got := up.Children[1]; got.Namespace != "ns" || got.Mark != Missing {
		t.Errorf("owner of a type not served: got namespace %q mark %q, want ns and missing", got.Namespace, got.Mark)
	}
}

func TestReady(t *testing.T) {
	cond := func(typ, status, reason string) any {
		return map[string]any{"type": typ, "status": status, "reason": reason}
	}
	for _, tc := range []struct {
		name                   string
		conds                  []any
		wantStatus, wantReason string
	}{
		{"none", nil, "", ""},
		{"ready", []any{cond("Progressing", "True", "X"), cond("Ready", "False", "Waiting")}, "False", "Waiting"},
		{"available", []any{cond("Available", "True", "MinimumReplicasAvailable")}, "True", "MinimumReplicasAvailable"},
		{"ready before available", []any{cond("Available", "True", "A"), cond("Ready", "Unknown", "R")}, "Unknown", "R"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, r := Ready(map[string]any{"status": map[string]any{"conditions": tc.conds}})
			if s != tc.wantStatus || r != tc.wantReason {
				t.Errorf("got %q %q, want %q %q", s, r, tc.wantStatus, tc.wantReason)
			}
		})
	}
}

func TestNested(t *testing.T) {
	ix := fixture()
	tree := ix.Up(ix.Object("orphan"), 0)
	tree.Ready, tree.Reason = "False", "Unschedulable"
	b, err := json.Marshal(Nested(tree, "owners"))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"apiVersion":"v1","created":"2026-12-03T07:00:00Z","kind":"Pod","name":"orphan","namespace":"ns","owners":[` +
		`{"apiVersion":"apps/v1","kind":"ReplicaSet","mark":"missing","name":"gone","namespace":"ns","owners":[],"uid":"gone"}],` +
		`"ready":"False","reason":"Unschedulable","uid":"orphan"}`
	if string(b) != want {
		t.Errorf("got:\n%s\nwant:\n%s", b, want)
	}
}

// TestWriteTableEscapes: a name holding ESC, BEL and a newline (the server
// accepts them in a ClusterRole's) and a reason with ESC are escaped, one
// line per node (issue 27.9).
func TestWriteTableEscapes(t *testing.T) {
	crGVK := schema.GroupVersionKind{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole"}
	root := &Node{Object: Object{GVK: crGVK, Name: "\x1b[31mred\a\nfake-line", Created: now.Add(-time.Hour)}, Ready: "False", Reason: "\x1b]0;owned\a"}
	var b bytes.Buffer
	if err := WriteTable(&b, root, now); err != nil {
		t.Fatal(err)
	}
	want := `NAMESPACE  NAME                                                          READY  REASON        AGE
           clusterrole.rbac.authorization.k8s.io/^[[31mred^G\nfake-line  False  ^[]0;owned^G  60m
`
	if b.String() != want {
		t.Errorf("got:\n%q\nwant:\n%q", b.String(), want)
	}
}
