package explain

import (
	"context"

	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/kdxproject/kdx/discovery"
)

// WhereSchemas is a query.Where.Schemas over the OpenAPI documents, for
// built-in types as for custom ones: for each target whose kind has a
// schema, by QualifiedName, the OpenAPI type of a field path of
// properties ("" when the schema does not declare the field, or lets it
// hold several types: int-or-string, Quantity, anyOf). Documents that
// cannot be read leave their targets out: the filter then runs unchecked.
func (c *Client) WhereSchemas(ctx context.Context, targets []discovery.Target) (map[string]func([]string) string, error) {
	out := map[string]func([]string) string{}
	for _, t := range targets {
		doc, err := c.Document(ctx, t.GVK.GroupVersion())
		if err != nil {
			continue
		}
		if _, kind, ok := doc.Kind(t.GVK); ok {
			out[t.QualifiedName()] = func(path []string) string { return doc.FieldType(kind, path) }
		}
	}
	return out, nil
}

// FieldType is the OpenAPI type of the field at path (property names)
// below s: "" when s does not declare it or lets it hold several types.
func (d *Document) FieldType(s *spec.Schema, path []string) string {
	for _, name := range path {
		r := d.typeSchema(s)
		p, ok := r.Properties[name]
		if !ok {
			return ""
		}
		s = &p
	}
	r := d.typeSchema(s)
	if b, _ := r.Extensions.GetBool("x-kubernetes-int-or-string"); b || r.Format == "int-or-string" || len(r.AnyOf) > 0 || len(r.OneOf) > 0 {
		return ""
	}
	return typeName(r)
}

// typeSchema is the schema that gives s its type: the one it refers to,
// directly or through a single allOf.
func (d *Document) typeSchema(s *spec.Schema) *spec.Schema {
	if refOf(s) == "" && len(s.AllOf) == 1 && len(s.Properties) == 0 {
		return d.resolved(&s.AllOf[0])
	}
	return d.resolved(s)
}
