package explain

import (
	"fmt"
	"sort"

	"k8s.io/kube-openapi/pkg/validation/spec"
)

// Node is where a field path leads in a kind's schema.
type Node struct {
	// Steps is the path that led here (none for the kind itself).
	Steps []Step
	// Schema is the node's schema as its parent declares it (a $ref or an
	// allOf around one, for built-in types); Resolved follows the reference.
	Schema *spec.Schema
	// Required reports whether the parent object requires the field.
	Required bool
	// Parent is the schema (resolved) that declares the field; nil for the
	// kind and for array steps.
	Parent *spec.Schema
}

// Walk follows steps from a kind's schema as kubectl explain does: a name
// that is not a field of an array or a map is looked up in its items or
// values (spec.containers.image), and in each of an allOf's schemas; an
// array step ([0], [*]) goes into an array's items.
func (d *Document) Walk(kind *spec.Schema, steps []Step) (*Node, error) {
	n := &Node{Schema: kind}
	for i, st := range steps {
		var next *Node
		if st.Field != "" {
			next = d.field(n.Schema, st.Field, map[string]bool{})
			if next == nil {
				return nil, fieldError(st.Field)
			}
		} else {
			el := d.element(n.Schema, map[string]bool{})
			if el == nil {
				what := PathString(steps[:i])
				if i == 0 {
					what = "the type"
				}
				return nil, fmt.Errorf("%s is not an array: %s does not apply", what, st)
			}
			next = &Node{Schema: el}
		}
		next.Steps = steps[:i+1]
		n = next
	}
	return n, nil
}

// field finds the field name of s, through items, values and allOf; seen
// holds the references followed since the last field, to stop at a cycle.
func (d *Document) field(s *spec.Schema, name string, seen map[string]bool) *Node {
	if ref := refOf(s); ref != "" {
		if seen[ref] {
			return nil
		}
		seen[ref] = true
	}
	r := d.resolved(s)
	if p, ok := r.Properties[name]; ok {
		return &Node{Schema: &p, Required: contains(r.Required, name), Parent: r}
	}
	if it := items(r); it != nil {
		return d.field(it, name, seen)
	}
	if v := values(r); v != nil {
		return d.field(v, name, seen)
	}
	for i := range r.AllOf {
		if n := d.field(&r.AllOf[i], name, seen); n != nil {
			return n
		}
	}
	return nil
}

// element is the items schema of the array s, through references and allOf.
func (d *Document) element(s *spec.Schema, seen map[string]bool) *spec.Schema {
	if ref := refOf(s); ref != "" {
		if seen[ref] {
			return nil
		}
		seen[ref] = true
	}
	r := d.resolved(s)
	if it := items(r); it != nil {
		return it
	}
	for i := range r.AllOf {
		if el := d.element(&r.AllOf[i], seen); el != nil {
			return el
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// FieldNames are the names of the fields of s that kubectl explain lists
// (through references, allOf, items and values), sorted, each once.
func (d *Document) FieldNames(s *spec.Schema) []string {
	seen := map[string]bool{}
	d.fieldNames(s, map[string]bool{}, seen)
	names := make([]string, 0, len(seen))
	for n := range seen {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (d *Document) fieldNames(s *spec.Schema, history, out map[string]bool) {
	if ref := refOf(s); ref != "" {
		if history[ref] {
			return
		}
		history[ref] = true
	}
	r := d.resolved(s)
	for name := range r.Properties {
		out[name] = true
	}
	for i := range r.AllOf {
		d.fieldNames(&r.AllOf[i], history, out)
	}
	if it := items(r); it != nil {
		d.fieldNames(it, history, out)
	}
	if v := values(r); v != nil {
		d.fieldNames(v, history, out)
	}
}
