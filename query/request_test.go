package query

import (
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

// apiResource is "plural Kind ns|cluster verb,verb".
func apiResource(spec string) metav1.APIResource {
	f := strings.Fields(spec)
	return metav1.APIResource{Name: f[0], Kind: f[1], Namespaced: f[2] == "ns", Verbs: strings.Split(f[3], ",")}
}

func apiGroup(name, version string) metav1.APIGroup {
	gv := version
	if name != "" {
		gv = name + "/" + version
	}
	v := metav1.GroupVersionForDiscovery{GroupVersion: gv, Version: version}
	return metav1.APIGroup{Name: name, Versions: []metav1.GroupVersionForDiscovery{v}, PreferredVersion: v}
}

// selectSnapshot is a server whose groups come in discovery order, not
// sorted, with types that cannot be listed, events twice and a
// cluster-scoped type per group.
func selectSnapshot() *discovery.Snapshot {
	const rw = "get,list,watch,create,delete"
	groups := []metav1.APIGroup{
		apiGroup("", "v1"),
		apiGroup("apps", "v1"),
		apiGroup("zeta.example.org", "v1"),
		apiGroup("events.k8s.io", "v1"),
		apiGroup("authorization.k8s.io", "v1"),
		apiGroup("alpha.example.org", "v1"),
	}
	lists := []*metav1.APIResourceList{
		{GroupVersion: "v1", APIResources: []metav1.APIResource{
			apiResource("pods Pod ns " + rw), {Name: "pods/status", Kind: "Pod", Verbs: []string{"get", "patch"}},
			apiResource("configmaps ConfigMap ns " + rw),
			apiResource("events Event ns " + rw),
			apiResource("bindings Binding ns create"),
			apiResource("namespaces Namespace cluster " + rw),
			apiResource("nodes Node cluster " + rw),
		}},
		{GroupVersion: "apps/v1", APIResources: []metav1.APIResource{
			apiResource("replicasets ReplicaSet ns " + rw),
			apiResource("deployments Deployment ns " + rw),
		}},
		{GroupVersion: "zeta.example.org/v1", APIResources: []metav1.APIResource{
			apiResource("widgets Widget ns " + rw),
			apiResource("widgetclasses WidgetClass cluster " + rw),
		}},
		{GroupVersion: "events.k8s.io/v1", APIResources: []metav1.APIResource{apiResource("events Event ns " + rw)}},
		{GroupVersion: "authorization.k8s.io/v1", APIResources: []metav1.APIResource{
			apiResource("selfsubjectaccessreviews SelfSubjectAccessReview cluster create"),
			apiResource("localsubjectaccessreviews LocalSubjectAccessReview ns create"),
		}},
		{GroupVersion: "alpha.example.org/v1", APIResources: []metav1.APIResource{apiResource("gadgets Gadget ns " + rw)}},
	}
	return discovery.NewSnapshot(groups, lists, nil)
}

func TestSelectTypes(t *testing.T) {
	tests := []struct {
		name string
		a    AllTypes
		want []string
	}{
		{
			name: "namespaced, listable, no events, by group then resource",
			want: []string{"configmaps", "pods", "gadgets.alpha.example.org", "deployments.apps", "replicasets.apps", "widgets.zeta.example.org"},
		},
		{
			name: "with events",
			a:    AllTypes{IncludeEvents: true},
			want: []string{"configmaps", "events", "pods", "gadgets.alpha.example.org", "deployments.apps", "replicasets.apps", "events.events.k8s.io", "widgets.zeta.example.org"},
		},
		{
			name: "with cluster-scoped types",
			a:    AllTypes{ClusterScoped: true},
			want: []string{"configmaps", "namespaces", "nodes", "pods", "gadgets.alpha.example.org", "deployments.apps", "replicasets.apps", "widgetclasses.zeta.example.org", "widgets.zeta.example.org"},
		},
		{
			name: "excluded types",
			a: AllTypes{ClusterScoped: true, IncludeEvents: true, Exclude: map[schema.GroupResource]bool{
				gr("", "pods"): true, gr("events.k8s.io", "events"): true, gr("zeta.example.org", "widgetclasses"): true, gr("", "nosuch"): true,
			}},
			want: []string{"configmaps", "events", "namespaces", "nodes", "gadgets.alpha.example.org", "deployments.apps", "replicasets.apps", "widgets.zeta.example.org"},
		},
	}
	snap := selectSnapshot()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := names(SelectTypes(snap, tt.a)); !slices.Equal(got, tt.want) {
				t.Errorf("SelectTypes:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestSelectTypesMappings(t *testing.T) {
	for _, tgt := range SelectTypes(selectSnapshot(), AllTypes{ClusterScoped: true}) {
		r := tgt.Resource
		if tgt.GVR != r.GroupVersionResource() || tgt.GVK != r.GroupVersionKind() || tgt.Namespaced != r.Namespaced {
			t.Errorf("%s: mapping %+v does not match its resource %+v", tgt.QualifiedName(), tgt.Mapping, r)
		}
		if len(tgt.Names) != 0 {
			t.Errorf("%s: names %q, want none", tgt.QualifiedName(), tgt.Names)
		}
	}
	if got := tgtOf(t, "deployments.apps"); got.GVR != (schema.GroupVersionResource{Group: "apps", Version: "v1", Resource: "deployments"}) || got.GVK.Kind != "Deployment" || !got.Namespaced {
		t.Errorf("deployments.apps: %+v", got.Mapping)
	}
}

func tgtOf(t *testing.T, name string) discovery.Target {
	t.Helper()
	for _, tgt := range SelectTypes(selectSnapshot(), AllTypes{}) {
		if tgt.QualifiedName() == name {
			return tgt
		}
	}
	t.Fatalf("%s not selected", name)
	return discovery.Target{}
}

func TestSelectTypesEmpty(t *testing.T) {
	if got := SelectTypes(discovery.NewSnapshot(nil, nil, nil), AllTypes{ClusterScoped: true}); len(got) != 0 {
		t.Errorf("SelectTypes of an empty snapshot = %q", names(got))
	}
}
