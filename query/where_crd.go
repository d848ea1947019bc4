package query

import (
	"context"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

// crdMapping is the mapping of apiextensions.k8s.io/v1 CustomResourceDefinitions.
var crdMapping = discovery.Mapping{
	GVR: schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"},
	GVK: schema.GroupVersionKind{Group: "apiextensions.k8s.io", Version: "v1", Kind: "CustomResourceDefinition"},
}

// CRDSelectableFields is a Where.SelectableFields that reads a type's
// CustomResourceDefinition through l, once per type, and returns the
// spec.selectableFields of the version read ("spec.color" for a jsonPath
// of ".spec.color"). A type that is not a CRD, or whose CRD cannot be
// read, has none: the filter then runs on the client only.
func CRDSelectableFields(l Lister) func(context.Context, discovery.Target) []string {
	var mu sync.Mutex // guards seen
	seen := map[schema.GroupVersionResource][]string{}
	return func(ctx context.Context, t discovery.Target) []string {
		mu.Lock()
		defer mu.Unlock()
		if got, ok := seen[t.GVR]; ok {
			return got
		}
		var out []string
		if t.GVR.Group != "" {
			crd, err := l.Get(ctx, crdMapping, "", t.GVR.Resource+"."+t.GVR.Group, "")
			if err == nil {
				out = selectableFields(crd, t.GVR.Version)
			}
		}
		seen[t.GVR] = out
		return out
	}
}

// selectableFields are the selectable fields of version in a CRD.
func selectableFields(crd *unstructured.Unstructured, version string) []string {
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	var out []string
	for _, v := range versions {
		v, _ := v.(map[string]any)
		if name, _ := v["name"].(string); name != version {
			continue
		}
		fields, _ := v["selectableFields"].([]any)
		for _, f := range fields {
			f, _ := f.(map[string]any)
			if p, _ := f["jsonPath"].(string); p != "" {
				out = append(out, strings.TrimPrefix(p, "."))
			}
		}
	}
	return out
}
