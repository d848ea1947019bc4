package discovery

import (
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestMappingPath(t *testing.T) {
	cm := Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}, Namespaced: true}
	gadget := Mapping{GVR: schema.GroupVersionResource{Group: "multi.example.org", Version: "v2", Resource: "gadgets"}, Namespaced: true}
	ns := Mapping{GVR: schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}}
	tests := []struct {
		m                            Mapping
		namespace, name, subresource string
		want                         string
	}{
		{cm, "", "", "", "/api/v1/configmaps"},
		{cm, "x", "", "", "/api/v1/namespaces/x/configmaps"},
		{cm, "x", "alpha", "", "/api/v1/namespaces/x/configmaps/alpha"},
		{gadget, "x", "g1", "status", "/apis/multi.example.org/v2/namespaces/x/gadgets/g1/status"},
		{gadget, "", "", "status", "/apis/multi.example.org/v2/gadgets"},
		{ns, "ignored", "x", "", "/api/v1/namespaces/x"},
	}
	for _, tt := range tests {
		if got := tt.m.Path(tt.namespace, tt.name, tt.subresource); got != tt.want {
			t.Errorf("%s.Path(%q, %q, %q) = %q, want %q", tt.m.QualifiedName(), tt.namespace, tt.name, tt.subresource, got, tt.want)
		}
	}
}
