package explain

import (
	"encoding/json"

	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/yaml"
)

// Expand is a copy of s with each reference replaced by the schema it
// names, recursively: the schema as data, whole. A reference met again
// inside itself stays a reference (a type that contains itself).
func (d *Document) Expand(s *spec.Schema) *spec.Schema {
	return d.expand(s, map[string]bool{})
}

func (d *Document) expand(s *spec.Schema, path map[string]bool) *spec.Schema {
	if s == nil {
		return nil
	}
	c := *s
	if ref := refOf(s); ref != "" {
		r := d.resolve(s)
		if r == nil || path[ref] {
			return &c
		}
		path[ref] = true
		defer delete(path, ref)
		c = *d.expand(r, path)
		// What the referring schema says beside the reference wins.
		if s.Description != "" {
			c.Description = s.Description
		}
		if s.Default != nil {
			c.Default = s.Default
		}
		return &c
	}
	if len(s.Properties) > 0 {
		c.Properties = make(map[string]spec.Schema, len(s.Properties))
		for k, p := range s.Properties {
			c.Properties[k] = *d.expand(&p, path)
		}
	}
	if s.Items != nil && s.Items.Schema != nil {
		c.Items = &spec.SchemaOrArray{Schema: d.expand(s.Items.Schema, path)}
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		c.AdditionalProperties = &spec.SchemaOrBool{Allows: true, Schema: d.expand(s.AdditionalProperties.Schema, path)}
	}
	c.AllOf = expandAll(d, s.AllOf, path)
	c.AnyOf = expandAll(d, s.AnyOf, path)
	c.OneOf = expandAll(d, s.OneOf, path)
	return &c
}

func expandAll(d *Document, list []spec.Schema, path map[string]bool) []spec.Schema {
	if len(list) == 0 {
		return list
	}
	out := make([]spec.Schema, len(list))
	for i := range list {
		out[i] = *d.expand(&list[i], path)
	}
	return out
}

// MarshalSchema is s as indented JSON, or as YAML with asYAML.
func MarshalSchema(s *spec.Schema, asYAML bool) ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	if asYAML {
		return yaml.JSONToYAML(b)
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	out, err := json.MarshalIndent(v, "", "    ")
	return append(out, '\n'), err
}
