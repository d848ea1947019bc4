package explain

import (
	"fmt"
	"io"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/kdxproject/kdx/render"
)

// Options change what Print writes.
type Options struct {
	// Recursive lists every field below the node, one line each with its
	// full path, type, -required- and default, instead of the node's
	// fields with their descriptions.
	Recursive bool
	// MaxDepth bounds Recursive: 1 lists the node's fields only; 0 is no
	// bound (a type that contains itself stops where it repeats).
	MaxDepth int
	// NoExtras leaves out kdx's marked lines: the text is then kubectl
	// explain's.
	NoExtras bool
}

// Print writes what kubectl explain writes for the node of kind gvk (the
// same lines in the same words and order) and, in lines of their own that
// start with "+ ", what the schema says that kubectl does not print: the
// default, example, format, pattern, limits, nullable, int-or-string,
// preserve-unknown-fields, list and map types, and the CEL validation rules.
func (d *Document) Print(w io.Writer, gvk schema.GroupVersionKind, n *Node, opts Options) error {
	p := &printer{d: d, opts: opts}
	if gvk.Group != "" {
		p.printf("GROUP:      %s\n", gvk.Group)
	}
	p.printf("KIND:       %s\n", gvk.Kind)
	p.printf("VERSION:    %s\n", gvk.Version)
	if len(n.Steps) == 0 {
		p.extras(n.Schema, 0)
	}
	p.b.WriteString("\n")
	if len(n.Steps) > 0 {
		last := n.Steps[len(n.Steps)-1]
		name := last.String()
		if last.Field == "" && len(n.Steps) > 1 {
			name = n.Steps[len(n.Steps)-2].String() + name
		}
		p.printf("FIELD: %s <%s>\n", name, d.TypeWord(n.Schema))
		if len(n.Schema.Enum) > 0 {
			p.enumLong(n.Schema)
			p.b.WriteString("\n")
		}
		p.extras(n.Schema, 0)
		if len(n.Schema.Enum) == 0 {
			p.b.WriteString("\n")
		}
		p.b.WriteString("\n")
	}
	r := d.resolved(n.Schema)
	p.b.WriteString("DESCRIPTION:\n")
	desc := p.description(r)
	if desc == "" {
		desc = "<empty>"
	}
	p.b.WriteString(indent(wrap(desc, 76), 4))
	p.b.WriteString("\n")
	if r.ExternalDocs != nil {
		p.b.WriteString("\n")
		p.externalDocs(r.ExternalDocs, 0)
	}
	var fields printer
	fields.d, fields.opts = d, opts
	if opts.Recursive {
		fields.paths(r, PathString(n.Steps), 1, nil)
	} else {
		fields.fieldList(r, 1, nil)
	}
	if fields.b.Len() > 0 {
		p.b.WriteString("FIELDS:\n")
		p.b.WriteString(fields.b.String())
	}
	p.b.WriteString("\n")
	_, err := io.WriteString(w, p.b.String())
	return err
}

type printer struct {
	d    *Document
	opts Options
	b    strings.Builder
}

func (p *printer) printf(format string, args ...any) { fmt.Fprintf(&p.b, format, args...) }

// description is the text of s, of each schema of its allOf, of its items
// and of its values, each followed by a newline.
func (p *printer) description(s *spec.Schema) string {
	var b strings.Builder
	p.describe(&b, s)
	return b.String()
}

func (p *printer) describe(b *strings.Builder, s *spec.Schema) {
	s = p.d.resolved(s)
	if s.Description != "" {
		b.WriteString(escapeText(s.Description))
		b.WriteString("\n")
	}
	for i := range s.AllOf {
		p.describe(b, &s.AllOf[i])
	}
	if it := items(s); it != nil {
		p.describe(b, it)
	}
	if v := values(s); v != nil {
		p.describe(b, v)
	}
}

// externalDocs writes an EXTERNAL DOCS block indented by pad.
func (p *printer) externalDocs(e *spec.ExternalDocumentation, pad int) {
	p.b.WriteString(indent("EXTERNAL DOCS:", pad))
	p.b.WriteString("\n")
	if e.Description != "" {
		p.b.WriteString(indent(wrap(escapeText(e.Description), 76-pad), pad+4))
		p.b.WriteString("\n")
	}
	if e.URL != "" {
		p.b.WriteString(indent("URL: "+render.Escape(e.URL), pad+4))
		p.b.WriteString("\n")
	}
}

// fieldList writes the fields of s at level (indented by twice it), with
// those of its allOf, items and values; history holds the references
// followed, to stop at a cycle.
func (p *printer) fieldList(s *spec.Schema, level int, history map[string]bool) {
	ref := refOf(s)
	if ref != "" && history[ref] {
		return
	}
	next := with(history, ref)
	r := p.d.resolved(s)
	for _, name := range sortedKeys(r.Properties) {
		p.fieldDetail(r, name, level)
	}
	for i := range r.AllOf {
		p.fieldList(&r.AllOf[i], level, next)
	}
	if it := items(r); it != nil {
		p.fieldList(it, level, next)
	}
	if v := values(r); v != nil {
		p.fieldList(v, level, next)
	}
}

// fieldDetail writes one field of parent: its name and type, -required-,
// its first enum values, kdx's lines, and its description.
func (p *printer) fieldDetail(parent *spec.Schema, name string, level int) {
	pad := level * 2
	f := parent.Properties[name]
	p.b.WriteString(indent(render.Escape(name), pad))
	p.printf("\t<%s>", p.d.TypeWord(&f))
	if contains(parent.Required, name) {
		p.b.WriteString(" -required-")
	}
	p.enumShort(&f, pad)
	p.b.WriteString("\n")
	p.extras(&f, pad+2)
	desc := f.Description
	if desc == "" {
		desc = "<no description>"
	}
	p.b.WriteString(indent(wrap(escapeText(desc), 78-pad), pad+2))
	p.b.WriteString("\n")
	if f.ExternalDocs != nil {
		p.b.WriteString("\n")
		p.externalDocs(f.ExternalDocs, pad+2)
	}
	p.b.WriteString("\n")
}

// enumLong writes the ENUM block of a field (no newline after it).
func (p *printer) enumLong(s *spec.Schema) {
	if len(s.Enum) == 0 {
		return
	}
	p.b.WriteString("ENUM:")
	for _, e := range s.Enum {
		p.b.WriteString("\n    ")
		p.b.WriteString(enumValue(e))
	}
}

// enumShort writes the enum line of a field in a list: its first four
// values, then ", ....".
func (p *printer) enumShort(s *spec.Schema, pad int) {
	if len(s.Enum) == 0 {
		return
	}
	p.b.WriteString("\n")
	p.b.WriteString(strings.Repeat(" ", pad))
	p.b.WriteString("enum: ")
	for i, e := range s.Enum {
		if i >= 4 {
			p.b.WriteString(", ....")
			break
		}
		if i > 0 {
			p.b.WriteString(", ")
		}
		p.b.WriteString(enumValue(e))
	}
}

// enumValue is an enum value as kubectl's template prints it.
func enumValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "<no value>"
	case string:
		if v == "" {
			return `""`
		}
		return render.Escape(v)
	}
	return render.Escape(fmt.Sprint(v))
}

// extras writes kdx's marked lines for s, indented by pad.
func (p *printer) extras(s *spec.Schema, pad int) {
	if p.opts.NoExtras {
		return
	}
	for _, line := range p.d.Facts(s) {
		p.b.WriteString(strings.Repeat(" ", pad))
		p.b.WriteString("+ ")
		p.b.WriteString(line)
		p.b.WriteString("\n")
	}
}

// paths writes one line per field below s: its full path, type,
// -required- and default (Options.Recursive).
func (p *printer) paths(s *spec.Schema, prefix string, level int, history map[string]bool) {
	ref := refOf(s)
	if ref != "" && history[ref] {
		return
	}
	next := with(history, ref)
	r := p.d.resolved(s)
	for _, name := range sortedKeys(r.Properties) {
		f := r.Properties[name]
		path := joinPath(prefix, Step{Field: name}.String())
		p.b.WriteString("  ")
		p.b.WriteString(render.Escape(path))
		p.printf("\t<%s>", p.d.TypeWord(&f))
		if contains(r.Required, name) {
			p.b.WriteString(" -required-")
		}
		if def, ok := defaultOf(&f); ok {
			p.b.WriteString(" default=")
			p.b.WriteString(def)
		}
		p.b.WriteString("\n")
		if p.opts.MaxDepth == 0 || level < p.opts.MaxDepth {
			p.paths(&f, path, level+1, next)
		}
	}
	for i := range r.AllOf {
		p.paths(&r.AllOf[i], prefix, level, next)
	}
	if it := items(r); it != nil {
		p.paths(it, prefix+"[*]", level, next)
	}
	if v := values(r); v != nil {
		p.paths(v, prefix+".*", level, next)
	}
}

// joinPath appends a step to a path.
func joinPath(prefix, step string) string {
	if prefix == "" || strings.HasPrefix(step, "[") {
		return prefix + step
	}
	return prefix + "." + step
}

// with is history and ref, a copy.
func with(history map[string]bool, ref string) map[string]bool {
	next := make(map[string]bool, len(history)+1)
	for k := range history {
		next[k] = true
	}
	if ref != "" {
		next[ref] = true
	}
	return next
}

// escapeText makes text from the server safe on a terminal, line by line:
// its newlines stay, every other control character is escaped as
// render.Escape escapes it.
func escapeText(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = render.Escape(l)
	}
	return strings.Join(lines, "\n")
}
