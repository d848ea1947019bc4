package query

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

func TestWatchRequestSources(t *testing.T) {
	cm := discovery.Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, Namespaced: true}
	ns := discovery.Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}}
	r := WatchRequest{Namespace: "x", LabelSelector: "app=a", FieldSelector: "status=ok"}
	got := r.Sources([]discovery.Target{{Mapping: cm, Names: []string{"a", "b"}}, {Mapping: ns}})
	type src struct{ resource, namespace, labels, fields string }
	want := []src{
		{"configmaps", "x", "app=a", "metadata.name=a,status=ok"},
		{"configmaps", "x", "app=a", "metadata.name=b,status=ok"},
		{"namespaces", "", "app=a", "status=ok"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d sources, want %d: %+v", len(got), len(want), got)
	}
	for i, s := range got {
		if g := (src{s.GVR.Resource, s.Namespace, s.LabelSelector, s.FieldSelector}); g != want[i] {
			t.Errorf("source %d = %+v, want %+v", i, g, want[i])
		}
	}
}
