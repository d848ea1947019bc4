package explain

import (
	"encoding/json"
	"fmt"
	"io"
	"regexp"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// maxComment bounds the description comment of a skeleton's field.
const maxComment = 100

// Skeleton writes YAML to start a manifest of kind gvk from: apiVersion,
// kind, metadata.name (empty, to be given) and every required field (with
// all, every field), each filled with its default, else its first enum
// value, else a placeholder of its type ("", 0, false, {}, []), and its
// description's first sentence as a comment above it. Objects the fields
// hold are filled the same way; a type that contains itself stops where
// it repeats.
func (d *Document) Skeleton(w io.Writer, gvk schema.GroupVersionKind, kind *spec.Schema, all bool) error {
	sk := &skeleton{d: d, all: all}
	fmt.Fprintf(&sk.b, "apiVersion: %s\nkind: %s\n", gvk.GroupVersion().String(), gvk.Kind)
	sk.b.WriteString("metadata:\n  # The object's name: give one.\n  name: \"\"\n")
	r := d.resolved(kind)
	for _, name := range sortedKeys(r.Properties) {
		if name == "apiVersion" || name == "kind" || name == "metadata" {
			continue
		}
		// spec is written when it has required fields, required or not
		// (a CRD's schema seldom requires spec, but what is in it).
		if f := r.Properties[name]; all || contains(r.Required, name) || (name == "spec" && len(d.resolvedObject(&f).Required) > 0) {
			sk.field(name, &f, 0, with(nil, refOf(kind)))
		}
	}
	_, err := io.WriteString(w, sk.b.String())
	return err
}

type skeleton struct {
	d   *Document
	all bool
	b   strings.Builder
}

// field writes "name: value" at depth, with its comment.
func (sk *skeleton) field(name string, f *spec.Schema, depth int, history map[string]bool) {
	pad := strings.Repeat("  ", depth)
	if c := comment(sk.d.resolvedDescription(f)); c != "" {
		sk.b.WriteString(pad + "# " + c + "\n")
	}
	if p := sk.d.resolvedObject(f).Pattern; f.Pattern != "" || p != "" {
		if f.Pattern != "" {
			p = f.Pattern
		}
		sk.b.WriteString(pad + "# pattern: " + bounded(p) + "\n")
	}
	sk.b.WriteString(pad + yamlKey(name) + ":")
	sk.value(f, depth, history)
}

// value writes the value of f after a key (or "- "), ending the line.
func (sk *skeleton) value(f *spec.Schema, depth int, history map[string]bool) {
	if def, ok := f.Default, f.Default != nil; ok && !isEmptyObject(def) {
		sk.b.WriteString(" " + flow(def) + "\n")
		return
	}
	if len(f.Enum) > 0 {
		sk.b.WriteString(" " + flow(f.Enum[0]) + "\n")
		return
	}
	ref := refOf(f)
	if ref == "" && len(f.AllOf) == 1 {
		ref = refOf(&f.AllOf[0])
	}
	if ref != "" && history[ref] {
		sk.b.WriteString(" {}\n")
		return
	}
	next := with(history, ref)
	r := sk.d.resolved(f)
	if ref != "" && r == f && len(f.AllOf) == 1 {
		r = sk.d.resolved(&f.AllOf[0])
	}
	if b, _ := r.Extensions.GetBool("x-kubernetes-int-or-string"); b || r.Format == "int-or-string" {
		sk.b.WriteString(" 0\n")
		return
	}
	switch {
	case len(r.Properties) > 0:
		var names []string
		for _, name := range sortedKeys(r.Properties) {
			if sk.all || contains(r.Required, name) {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			sk.b.WriteString(" {}\n")
			return
		}
		sk.b.WriteString("\n")
		for _, name := range names {
			p := r.Properties[name]
			sk.field(name, &p, depth+1, next)
		}
	case items(r) != nil:
		it := items(r)
		ir := sk.d.resolvedObject(it)
		if !sk.all && (r.MinItems == nil || *r.MinItems == 0) && len(ir.Required) == 0 {
			sk.b.WriteString(" []\n")
			return
		}
		sk.b.WriteString("\n" + strings.Repeat("  ", depth+1) + "-")
		sk.value(it, depth+1, next)
	case values(r) != nil, typeName(r) == "object", typeName(r) == "":
		sk.b.WriteString(" {}\n")
	default:
		sk.b.WriteString(" " + placeholder(typeName(r), r.Format) + "\n")
	}
}

// resolvedObject is the schema f refers to, directly or through a single
// allOf, or f.
func (d *Document) resolvedObject(f *spec.Schema) *spec.Schema {
	if refOf(f) == "" && len(f.AllOf) == 1 {
		return d.resolved(&f.AllOf[0])
	}
	return d.resolved(f)
}

// resolvedDescription is the description of f, or of the type it refers to.
func (d *Document) resolvedDescription(f *spec.Schema) string {
	if f.Description != "" {
		return f.Description
	}
	if len(f.AllOf) == 1 {
		return d.resolved(&f.AllOf[0]).Description
	}
	return d.resolved(f).Description
}

var sentenceEnd = regexp.MustCompile(`\.(\s|$)`)

// comment is the first sentence of a description, on one bounded line.
func comment(desc string) string {
	desc = strings.Join(strings.Fields(desc), " ")
	if loc := sentenceEnd.FindStringIndex(desc); loc != nil {
		desc = desc[:loc[0]+1]
	}
	if r := []rune(desc); len(r) > maxComment {
		desc = string(r[:maxComment]) + "..."
	}
	return escapeText(desc)
}

// placeholder is the empty value of a type, or the zero value of a
// format the server checks ("" is no base64 for a byte field).
func placeholder(t, format string) string {
	switch format {
	case "byte":
		return `"AA=="`
	case "date-time":
		return `"1970-01-01T00:00:00Z"`
	case "date":
		return `"1970-01-01"`
	case "duration":
		return `"0s"`
	}
	switch t {
	case "integer", "number":
		return "0"
	case "boolean":
		return "false"
	case "array":
		return "[]"
	}
	return `""`
}

// flow is v as YAML on one line (JSON is YAML).
func flow(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return `""`
	}
	return bounded(string(b))
}

func isEmptyObject(v any) bool {
	m, ok := v.(map[string]any)
	return ok && len(m) == 0
}

var plainKey = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_.-]*$`)

// yamlKey is name as a YAML key, quoted when it must be.
func yamlKey(name string) string {
	if plainKey.MatchString(name) {
		return name
	}
	b, _ := json.Marshal(name)
	return string(b)
}
