package explain

import (
	"bytes"
	"context"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/kdxproject/kdx/query"
)

// Pattern is what --find looks for in field names (and descriptions): a
// name (any case), a glob (image*, *Ref) or a Go regexp (^spec\.|Port$).
type Pattern struct {
	raw  string
	name func(string) bool
	text func(string) bool
	// literal is a plain name, "" for globs and regexps: a schema whose
	// JSON text does not hold it as a string (any case) is not parsed.
	literal []byte
}

// globChars and regexpChars tell the kinds of pattern apart: a pattern
// with regexp syntax beyond * ? [ ] is a regexp; one with only those is a
// glob; one with none is a name.
const (
	globChars   = "*?["
	regexpChars = `^$+()|{}\.`
)

// NewPattern parses a --find pattern.
func NewPattern(p string) (*Pattern, error) {
	switch {
	case p == "":
		return nil, fmt.Errorf("--find needs a pattern: a field name, a glob or a Go regexp")
	case strings.ContainsAny(p, regexpChars):
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("invalid --find pattern %q: %v", p, err)
		}
		return &Pattern{raw: p, name: re.MatchString, text: re.MatchString}, nil
	case strings.ContainsAny(p, globChars):
		lower := strings.ToLower(p)
		if _, err := path.Match(lower, ""); err != nil {
			return nil, fmt.Errorf("invalid --find glob %q: %v", p, err)
		}
		// In a description a glob matches a word.
		words := regexp.MustCompile(`(?i)\b` + globRegexp(p) + `\b`)
		return &Pattern{raw: p,
			name: func(s string) bool { ok, _ := path.Match(lower, strings.ToLower(s)); return ok },
			text: words.MatchString}, nil
	}
	lower := strings.ToLower(p)
	return &Pattern{raw: p,
		name:    func(s string) bool { return strings.ToLower(s) == lower },
		text:    func(s string) bool { return strings.Contains(strings.ToLower(s), lower) },
		literal: []byte(p)}, nil
}

// globRegexp is the regexp of a glob's characters within a word.
func globRegexp(g string) string {
	var b strings.Builder
	for _, r := range g {
		switch r {
		case '*':
			b.WriteString(`\w*`)
		case '?':
			b.WriteString(`\w`)
		case '[', ']':
			b.WriteRune(r)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

// String is the pattern as given.
func (p *Pattern) String() string { return p.raw }

// Found is one field a search found.
type Found struct {
	// GVK is the kind whose schema has the field.
	GVK schema.GroupVersionKind
	// Path is the field's full path from the kind: spec.containers[*].image.
	Path string
	// Type is the field's type in kubectl explain's words.
	Type string
}

// searcher searches one document for one pattern: which named schemas can
// lead to a match is worked out once per document, so that a schema many
// kinds share (PodSpec) is entered only where it can match.
type searcher struct {
	d            *Document
	p            *Pattern
	descriptions bool
	canMatch     map[string]bool // named schema -> a match is reachable from it
}

func newSearcher(d *Document, p *Pattern, descriptions bool) *searcher {
	s := &searcher{d: d, p: p, descriptions: descriptions, canMatch: map[string]bool{}}
	// Each schema's own fields (not through references), and the
	// references it makes; then what reaches a schema with a match. A
	// schema whose text cannot hold the name is not parsed.
	refsTo := map[string][]string{} // schema -> the schemas that refer to it
	var queue []string
	for _, name := range d.names {
		raw := d.raw[name]
		for _, to := range rawRefs(raw) {
			refsTo[to] = append(refsTo[to], name)
		}
		if p.literal != nil && !descriptions && !hasStringFold(raw, p.literal) {
			continue
		}
		direct := false
		walkInline(d.Schema(name), func(field string, f *spec.Schema) {
			if s.matches(field, f) {
				direct = true
			}
		}, func(string) {})
		if direct {
			s.canMatch[name] = true
			queue = append(queue, name)
		}
	}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		for _, from := range refsTo[n] {
			if !s.canMatch[from] {
				s.canMatch[from] = true
				queue = append(queue, from)
			}
		}
	}
	return s
}

// hasStringFold reports whether the JSON text raw holds the string s (in
// any case) between quotes.
func hasStringFold(raw, s []byte) bool {
	for i := 0; ; {
		j := bytes.IndexByte(raw[i:], '"')
		if j < 0 {
			return false
		}
		i += j + 1
		end := i + len(s)
		if end < len(raw) && raw[end] == '"' && bytes.EqualFold(raw[i:end], s) {
			return true
		}
	}
}

// refMarker starts a reference in a schema's text.
var refMarker = []byte(`"` + refPrefix)

// rawRefs are the names of the schemas a schema's text refers to.
func rawRefs(raw []byte) []string {
	var out []string
	for {
		i := bytes.Index(raw, refMarker)
		if i < 0 {
			return out
		}
		raw = raw[i+len(refMarker):]
		end := bytes.IndexByte(raw, '"')
		if end < 0 {
			return out
		}
		out = append(out, string(raw[:end]))
		raw = raw[end:]
	}
}

func (s *searcher) matches(field string, f *spec.Schema) bool {
	return s.p.name(field) || (s.descriptions && s.p.text(f.Description))
}

// walkInline calls field for each property of sch and of the schemas
// written inside it (items, values, allOf...), and ref for each reference
// among them, without following references.
func walkInline(sch *spec.Schema, field func(string, *spec.Schema), ref func(string)) {
	if sch == nil {
		return
	}
	if r := refOf(sch); r != "" {
		ref(r)
	}
	for name, p := range sch.Properties {
		field(name, &p)
		walkInline(&p, field, ref)
	}
	if sch.Items != nil {
		walkInline(sch.Items.Schema, field, ref)
	}
	if sch.AdditionalProperties != nil {
		walkInline(sch.AdditionalProperties.Schema, field, ref)
	}
	for _, list := range [][]spec.Schema{sch.AllOf, sch.AnyOf, sch.OneOf} {
		for i := range list {
			walkInline(&list[i], field, ref)
		}
	}
}

// find lists the matching fields below sch, with their full paths, in the
// order of --recursive; a reference already on the path is not entered
// again, and one that cannot lead to a match is not entered at all.
func (s *searcher) find(sch *spec.Schema, prefix string, history map[string]bool, out *[]Found, gvk schema.GroupVersionKind) {
	ref := refOf(sch)
	if ref != "" {
		if history[ref] || !s.canMatch[strings.TrimPrefix(ref, refPrefix)] {
			return
		}
	}
	next := with(history, ref)
	r := s.d.resolved(sch)
	for _, name := range sortedKeys(r.Properties) {
		f := r.Properties[name]
		p := joinPath(prefix, Step{Field: name}.String())
		if s.matches(name, &f) {
			*out = append(*out, Found{GVK: gvk, Path: p, Type: s.d.TypeWord(&f)})
		}
		s.find(&f, p, next, out, gvk)
	}
	for i := range r.AllOf {
		s.find(&r.AllOf[i], prefix, next, out, gvk)
	}
	if it := items(r); it != nil {
		s.find(it, prefix+"[*]", next, out, gvk)
	}
	if v := values(r); v != nil {
		s.find(v, prefix+".*", next, out, gvk)
	}
}

// FindIn lists the fields of kind gvk in the document that match p (and,
// with descriptions, whose description does).
func (d *Document) FindIn(gvk schema.GroupVersionKind, p *Pattern, descriptions bool) []Found {
	_, kind, ok := d.Kind(gvk)
	if !ok {
		return nil
	}
	var out []Found
	newSearcher(d, p, descriptions).find(kind, "", nil, &out, gvk)
	return out
}

// Find searches the kinds gvks (every listable type, say) for fields that
// match p: their documents are read concurrently, at most concurrency at a
// time, each once, and searched once for all its kinds. Results come in
// the order of gvks; a group-version whose document cannot be read is
// added to rep, and the rest is searched.
func (c *Client) Find(ctx context.Context, gvks []schema.GroupVersionKind, p *Pattern, descriptions bool, concurrency int, rep *query.Report) ([]Found, error) {
	if _, err := c.Paths(ctx); err != nil {
		return nil, err // no index: nothing can be searched
	}
	byGV := map[schema.GroupVersion][]schema.GroupVersionKind{}
	var gvs []schema.GroupVersion
	for _, gvk := range gvks {
		gv := gvk.GroupVersion()
		if _, ok := byGV[gv]; !ok {
			gvs = append(gvs, gv)
		}
		byGV[gv] = append(byGV[gv], gvk)
	}
	found := map[schema.GroupVersionKind][]Found{}
	err := query.Ordered(ctx, len(gvs), concurrency, func(ctx context.Context, i int) map[schema.GroupVersionKind][]Found {
		doc, err := c.Document(ctx, gvs[i])
		if err != nil {
			if ctx.Err() == nil {
				rep.Add(gvs[i].String(), err)
			}
			return nil
		}
		s := newSearcher(doc, p, descriptions)
		out := map[schema.GroupVersionKind][]Found{}
		for _, gvk := range byGV[gvs[i]] {
			// A kind no match can be reached from is not even parsed.
			name, ok := doc.kindName(gvk)
			if !ok || !s.canMatch[name] {
				continue
			}
			kind := doc.Schema(name)
			var fs []Found
			s.find(kind, "", nil, &fs, gvk)
			out[gvk] = fs
		}
		return out
	}, func(_ int, m map[schema.GroupVersionKind][]Found) error {
		for k, v := range m {
			found[k] = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []Found
	for _, gvk := range gvks {
		out = append(out, found[gvk]...)
	}
	return out, nil
}

// SortFound orders results by kind name (Kind.group), then as found.
func SortFound(fs []Found) {
	sort.SliceStable(fs, func(i, j int) bool { return KindName(fs[i].GVK) < KindName(fs[j].GVK) })
}

// KindName is "Kind.group", or "Kind" for the core group.
func KindName(gvk schema.GroupVersionKind) string {
	if gvk.Group == "" {
		return gvk.Kind
	}
	return gvk.Kind + "." + gvk.Group
}
