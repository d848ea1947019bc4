package discovery

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// res is a compact resource entry: "plural singular Kind ns|cluster short,short cat,cat".
func res(spec string) metav1.APIResource {
	f := strings.Fields(spec)
	if f[1] == "-" {
		f[1] = ""
	}
	r := metav1.APIResource{Name: f[0], SingularName: f[1], Kind: f[2], Namespaced: f[3] == "ns",
		Verbs: []string{"create", "delete", "get", "list", "patch", "update", "watch"}}
	if len(f) > 4 && f[4] != "-" {
		r.ShortNames = strings.Split(f[4], ",")
	}
	if len(f) > 5 {
		r.Categories = strings.Split(f[5], ",")
	}
	return r
}

func sub(parent, name, kind string) metav1.APIResource {
	return metav1.APIResource{Name: parent + "/" + name, Kind: kind, Verbs: []string{"get", "patch", "update"}}
}

func group(name string, versions ...string) metav1.APIGroup {
	g := metav1.APIGroup{Name: name}
	for _, v := range versions {
		gv := v
		if name != "" {
			gv = name + "/" + v
		}
		g.Versions = append(g.Versions, metav1.GroupVersionForDiscovery{GroupVersion: gv, Version: v})
	}
	g.PreferredVersion = g.Versions[0]
	return g
}

func list(gv string, rs ...metav1.APIResource) *metav1.APIResourceList {
	return &metav1.APIResourceList{GroupVersion: gv, APIResources: rs}
}

// fakeSnapshot is a small server with the collisions kdx must resolve as
// kubectl does: a CRD named like a built-in, a short name used twice, a
// group with two versions, categories.
func fakeSnapshot() *Snapshot {
	groups := []metav1.APIGroup{
		group("", "v1"),
		group("apps", "v1"),
		group("autoscaling", "v2", "v1"),
		group("multi.example.org", "v2", "v1"),
		group("shadow.example.org", "v1"),
		group("other.example.org", "v1"),
		group("metrics.k8s.io", "v1beta1"),
	}
	lists := []*metav1.APIResourceList{
		list("v1",
			res("pods pod Pod ns po all"), sub("pods", "status", "Pod"), sub("pods", "log", "Pod"),
			res("configmaps configmap ConfigMap ns cm"),
			res("secrets secret Secret ns"),
			res("services service Service ns svc all"),
			res("namespaces namespace Namespace cluster ns"),
			res("nodes node Node cluster no"),
		),
		list("apps/v1",
			res("deployments deployment Deployment ns deploy all"), sub("deployments", "scale", "Scale"), sub("deployments", "status", "Deployment"),
			res("replicasets replicaset ReplicaSet ns rs all"),
		),
		list("autoscaling/v2", res("horizontalpodautoscalers horizontalpodautoscaler HorizontalPodAutoscaler ns hpa all")),
		list("autoscaling/v1", res("horizontalpodautoscalers horizontalpodautoscaler HorizontalPodAutoscaler ns hpa all")),
		list("multi.example.org/v2",
			res("gadgets gadget Gadget ns gd kdxdemo"), sub("gadgets", "status", "Gadget"),
			res("widgetclasses widgetclass WidgetClass cluster wc kdxdemo"),
		),
		list("multi.example.org/v1",
			res("gadgets gadget Gadget ns gd kdxdemo"),
			res("oldthings oldthing OldThing ns"),
		),
		list("shadow.example.org/v1", res("deployments deployment Deployment ns - kdxdemo")),
		list("other.example.org/v1", res("gizmos gizmo Gizmo ns gd")),
		list("metrics.k8s.io/v1beta1", res("pods - PodMetrics ns"), res("nodes - NodeMetrics cluster")),
	}
	return NewSnapshot(groups, lists, nil)
}

func schemaGR(group, resource string) schema.GroupResource {
	return schema.GroupResource{Group: group, Resource: resource}
}
