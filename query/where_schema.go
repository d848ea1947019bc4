package query

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/discovery"
)

// CRDSchemas is a Where.Schemas that reads every CustomResourceDefinition
// through l, in one list, and returns for each custom type the OpenAPI type
// of a field path in the schema of the version read. Built-in types have
// none here: a mismatch there is an evaluation warning, not a compile error.
func CRDSchemas(l Lister) func(ctx context.Context, targets []discovery.Target) (map[string]func([]string) string, error) {
	return func(ctx context.Context, targets []discovery.Target) (map[string]func([]string) string, error) {
		want := map[string]discovery.Target{}
		for _, t := range targets {
			if t.GVR.Group != "" {
				want[t.GVR.Resource+"."+t.GVR.Group] = t
			}
		}
		out := map[string]func([]string) string{}
		if len(want) == 0 {
			return out, nil
		}
		err := l.ListPages(ctx, crdMapping, "", metav1.ListOptions{Limit: 500}, func(list *unstructured.UnstructuredList) error {
			for i := range list.Items {
				crd := &list.Items[i]
				t, ok := want[crd.GetName()]
				if !ok {
					continue
				}
				if s := versionSchema(crd, t.GVR.Version); s != nil {
					out[t.QualifiedName()] = func(path []string) string { return schemaType(s, path) }
				}
			}
			return nil
		})
		return out, err
	}
}

// versionSchema is the openAPIV3Schema of version in a CRD.
func versionSchema(crd *unstructured.Unstructured, version string) map[string]any {
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	for _, v := range versions {
		v, _ := v.(map[string]any)
		if name, _ := v["name"].(string); name == version {
			s, _, _ := unstructured.NestedMap(v, "schema", "openAPIV3Schema")
			return s
		}
	}
	return nil
}

// schemaType is the type of the field at path in s: "" when the schema does
// not declare it, or lets it hold several types (int-or-string,
// preserve-unknown-fields, anyOf).
func schemaType(s map[string]any, path []string) string {
	for _, p := range path {
		props, _ := s["properties"].(map[string]any)
		next, ok := props[p].(map[string]any)
		if !ok {
			return ""
		}
		s = next
	}
	if s["x-kubernetes-int-or-string"] == true || s["anyOf"] != nil || s["oneOf"] != nil {
		return ""
	}
	t, _ := s["type"].(string)
	return t
}

// check compiles the filter against the schemas of the targets: a
// comparison of a field with a literal of another type is an error, before
// anything is listed.
func (w *Where) check(ctx context.Context, targets []discovery.Target) error {
	if w == nil || w.Schemas == nil || !w.Filter.ComparesFields() {
		return nil
	}
	schemas, err := w.Schemas(ctx, targets)
	if err != nil {
		return nil // no schema: the filter runs, and warns of what it cannot evaluate
	}
	for _, t := range targets {
		if typeOf, ok := schemas[t.QualifiedName()]; ok {
			if err := w.Filter.CheckTypes(t.QualifiedName(), typeOf); err != nil {
				return fmt.Errorf("%w", err)
			}
		}
	}
	return nil
}
