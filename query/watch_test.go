package query

import (
	"context"
	"strings"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
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

// TestWatchTimeoutAfterCheck: a watch's Timeout does not cut the check of
// its --where against the schemas (read from a slow server here): a
// comparison that can never hold is still the error, not a watch that
// ended on time with nothing.
func TestWatchTimeoutAfterCheck(t *testing.T) {
	w := where(t, `object.spec.weight > "50"`)
	w.Schemas = func(ctx context.Context, targets []discovery.Target) (map[string]func([]string) string, error) {
		select {
		case <-time.After(50 * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return map[string]func([]string) string{"fruits": func([]string) string { return "integer" }}, nil
	}
	r := WatchRequest{Where: w, Timeout: time.Millisecond}
	err := r.Watch(context.Background(), nil, []discovery.Target{target("fruits")}, dynamicclient.WatchOptions{},
		func(dynamicclient.WatchEvent) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "object.spec.weight is of type integer") {
		t.Fatalf("got %v, want the type error of object.spec.weight", err)
	}
}
