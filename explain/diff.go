package explain

import (
	"fmt"
	"io"
	"strings"

	"k8s.io/kube-openapi/pkg/validation/spec"
)

// Field is one field of a kind's schema, flattened: its full path and what
// --diff compares.
type Field struct {
	// Path is the full path from the kind: spec.containers[*].image.
	Path string
	// Type is the type in kubectl explain's words.
	Type string
	// Required reports whether the parent object requires the field.
	Required bool
	// Enum is the allowed values, as kubectl prints them, comma-separated.
	Enum string
	// Default is the default as JSON ("" without one).
	Default string
	// Validation is the field's other constraints and CEL rules, as kdx's
	// "+ " lines word them, joined with "; ".
	Validation string
}

// Fields flattens the schema of a kind into its fields, in the order of
// --recursive (a type that contains itself stops where it repeats).
func (d *Document) Fields(kind *spec.Schema) []Field {
	var out []Field
	d.fields(kind, "", nil, &out)
	return out
}

func (d *Document) fields(s *spec.Schema, prefix string, history map[string]bool, out *[]Field) {
	ref := refOf(s)
	if ref != "" && history[ref] {
		return
	}
	next := with(history, ref)
	r := d.resolved(s)
	for _, name := range sortedKeys(r.Properties) {
		f := r.Properties[name]
		path := joinPath(prefix, Step{Field: name}.String())
		fd := Field{Path: path, Type: d.TypeWord(&f), Required: contains(r.Required, name)}
		var enum []string
		for _, e := range f.Enum {
			enum = append(enum, enumValue(e))
		}
		fd.Enum = strings.Join(enum, ", ")
		fd.Default, _ = defaultOf(&f)
		var checks []string
		for _, fact := range d.Facts(&f) {
			if !strings.HasPrefix(fact, "default: ") && !strings.HasPrefix(fact, "example: ") {
				checks = append(checks, fact)
			}
		}
		fd.Validation = strings.Join(checks, "; ")
		*out = append(*out, fd)
		d.fields(&f, path, next, out)
	}
	for i := range r.AllOf {
		d.fields(&r.AllOf[i], prefix, next, out)
	}
	if it := items(r); it != nil {
		d.fields(it, prefix+"[*]", next, out)
	}
	if v := values(r); v != nil {
		d.fields(v, prefix+".*", next, out)
	}
}

// Change is one difference between two versions of a kind: a field added
// (Old is nil), removed (New is nil) or changed.
type Change struct {
	Path     string
	Old, New *Field
}

// Diff lists what changed from the fields old to the fields new: removed
// and changed fields in old's order, then added ones in new's.
func Diff(old, new []Field) []Change {
	byPath := map[string]*Field{}
	for i := range new {
		byPath[new[i].Path] = &new[i]
	}
	seen := map[string]bool{}
	var out []Change
	for i := range old {
		o := &old[i]
		seen[o.Path] = true
		n, ok := byPath[o.Path]
		switch {
		case !ok:
			out = append(out, Change{Path: o.Path, Old: o})
		case *n != *o:
			out = append(out, Change{Path: o.Path, Old: o, New: n})
		}
	}
	for i := range new {
		if !seen[new[i].Path] {
			out = append(out, Change{Path: new[i].Path, New: &new[i]})
		}
	}
	return out
}

// WriteDiff writes changes as lines: "- PATH <type>" for a removed field,
// "+ PATH <type>" for an added one, "~ PATH: what: old -> new" for each
// attribute of a changed one.
func WriteDiff(w io.Writer, from, to string, changes []Change) error {
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s\n+++ %s\n", from, to)
	for _, c := range changes {
		switch {
		case c.New == nil:
			fmt.Fprintf(&b, "- %s <%s>%s\n", escapeText(c.Path), c.Old.Type, requiredWord(c.Old.Required))
		case c.Old == nil:
			fmt.Fprintf(&b, "+ %s <%s>%s\n", escapeText(c.Path), c.New.Type, requiredWord(c.New.Required))
		default:
			for _, a := range []struct{ what, old, new string }{
				{"type", c.Old.Type, c.New.Type},
				{"required", yesNo(c.Old.Required), yesNo(c.New.Required)},
				{"enum", c.Old.Enum, c.New.Enum},
				{"default", c.Old.Default, c.New.Default},
				{"validation", c.Old.Validation, c.New.Validation},
			} {
				if a.old != a.new {
					fmt.Fprintf(&b, "~ %s: %s: %s -> %s\n", escapeText(c.Path), a.what, none(a.old), none(a.new))
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func requiredWord(r bool) string {
	if r {
		return " -required-"
	}
	return ""
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func none(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
