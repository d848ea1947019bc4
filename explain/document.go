package explain

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/spec3"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// refPrefix starts every reference between the schemas of one document.
const refPrefix = "#/components/schemas/"

// Document is the OpenAPI v3 document of one group-version.
type Document struct {
	// GroupVersion is the document's group-version ("apps/v1", "v1").
	GroupVersion string
	// OpenAPI is the parsed document: its components (see ParseDocument).
	OpenAPI *spec3.OpenAPI
}

// schemas are the document's named schemas.
func (d *Document) schemas() map[string]*spec.Schema {
	if d == nil || d.OpenAPI == nil || d.OpenAPI.Components == nil {
		return nil
	}
	return d.OpenAPI.Components.Schemas
}

// Kind is the name and schema of the type of gvk in the document: the
// first schema, in name order, whose x-kubernetes-group-version-kind lists
// gvk, as kubectl explain chooses it.
func (d *Document) Kind(gvk schema.GroupVersionKind) (string, *spec.Schema, bool) {
	schemas := d.schemas()
	names := make([]string, 0, len(schemas))
	for name := range schemas {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		for _, g := range gvks(schemas[name]) {
			if g == gvk {
				return name, schemas[name], true
			}
		}
	}
	return "", nil, false
}

// Kinds are the group-version-kinds the document defines, each with the
// name of its schema, in name order.
func (d *Document) Kinds() []KindSchema {
	var out []KindSchema
	for name, s := range d.schemas() {
		for _, g := range gvks(s) {
			out = append(out, KindSchema{GVK: g, Name: name})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].GVK.String() < out[j].GVK.String()
	})
	return out
}

// KindSchema names the schema of one group-version-kind.
type KindSchema struct {
	GVK  schema.GroupVersionKind
	Name string
}

// gvks reads a schema's x-kubernetes-group-version-kind.
func gvks(s *spec.Schema) []schema.GroupVersionKind {
	if s == nil {
		return nil
	}
	list, _ := s.Extensions["x-kubernetes-group-version-kind"].([]any)
	var out []schema.GroupVersionKind
	for _, item := range list {
		m, _ := item.(map[string]any)
		g, _ := m["group"].(string)
		v, _ := m["version"].(string)
		k, _ := m["kind"].(string)
		out = append(out, schema.GroupVersionKind{Group: g, Version: v, Kind: k})
	}
	return out
}

// resolve is the schema s refers to with $ref, or nil when it has no
// reference or one this document does not hold.
func (d *Document) resolve(s *spec.Schema) *spec.Schema {
	ref := refOf(s)
	if ref == "" || !strings.HasPrefix(ref, refPrefix) {
		return nil
	}
	return d.schemas()[strings.TrimPrefix(ref, refPrefix)]
}

// resolved is the schema s refers to, or s.
func (d *Document) resolved(s *spec.Schema) *spec.Schema {
	if r := d.resolve(s); r != nil {
		return r
	}
	return s
}

// refOf is s's $ref, "" without one.
func refOf(s *spec.Schema) string {
	if s == nil {
		return ""
	}
	return s.Ref.String()
}

// items is the schema of an array's items, nil when there is none (or it
// is empty: kubectl's templates treat `items: {}` as absent).
func items(s *spec.Schema) *spec.Schema {
	if s == nil || s.Items == nil || s.Items.Schema == nil || isEmpty(s.Items.Schema) {
		return nil
	}
	return s.Items.Schema
}

// values is the schema of a map's values (additionalProperties), nil when
// there is none, it is a boolean, or it is empty.
func values(s *spec.Schema) *spec.Schema {
	if s == nil || s.AdditionalProperties == nil || s.AdditionalProperties.Schema == nil || isEmpty(s.AdditionalProperties.Schema) {
		return nil
	}
	return s.AdditionalProperties.Schema
}

// isEmpty reports whether s is the empty schema `{}`.
func isEmpty(s *spec.Schema) bool {
	if len(s.Extensions) > 0 || len(s.ExtraProps) > 0 {
		return false
	}
	c := *s
	c.Extensions, c.ExtraProps = nil, nil
	return reflect.ValueOf(c).IsZero()
}

// typeName is the first of s's types ("" without one).
func typeName(s *spec.Schema) string {
	if s == nil || len(s.Type) == 0 {
		return ""
	}
	return s.Type[0]
}

// TypeWord is the type of s as kubectl explain words it: string, integer,
// []Container, map[string]string, ObjectMeta, Object.
func (d *Document) TypeWord(s *spec.Schema) string {
	switch {
	case items(s) != nil:
		return "[]" + d.TypeWord(items(s))
	case values(s) != nil:
		return "map[string]" + d.TypeWord(values(s))
	case len(s.AllOf) == 1 && len(s.Properties) == 0:
		return d.TypeWord(&s.AllOf[0])
	case refOf(s) != "":
		r := d.resolve(s)
		if r == nil || typeName(r) == "" || typeName(r) == "object" {
			ref := refOf(s)
			name := ref[strings.LastIndex(ref, "/")+1:]
			if name = name[strings.LastIndex(name, ".")+1:]; name != "" {
				return name
			}
			return "Object"
		}
		return typeName(r)
	case typeName(s) == "" || typeName(s) == "object":
		return "Object"
	}
	return typeName(s)
}

// fieldError is a field the schema does not have.
func fieldError(name string) error {
	return fmt.Errorf("field %q does not exist", name)
}
