package explain

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/kube-openapi/pkg/validation/spec"
)

// refPrefix starts every reference between the schemas of one document.
const refPrefix = "#/components/schemas/"

// Document is the OpenAPI v3 document of one group-version. Its schemas
// are parsed when first used: explaining a path reads a few of them, and
// a search skips every kind that cannot have a matching field. It is safe
// for concurrent use.
type Document struct {
	// GroupVersion is the document's group-version ("apps/v1", "v1").
	GroupVersion string

	raw   map[string]json.RawMessage // components.schemas, unparsed
	names []string                   // their names, sorted

	mu     sync.Mutex
	parsed map[string]*spec.Schema
	kinds  []KindSchema // nil until indexed
}

// NewDocument is the document of a group-version with the named schemas
// given as JSON.
func NewDocument(gv string, schemas map[string]json.RawMessage) *Document {
	d := &Document{GroupVersion: gv, raw: schemas, parsed: map[string]*spec.Schema{}}
	for name := range schemas {
		d.names = append(d.names, name)
	}
	sort.Strings(d.names)
	return d
}

// Schema is the named schema, parsed on first use; nil when the document
// has none by that name or it does not parse.
func (d *Document) Schema(name string) *spec.Schema {
	d.mu.Lock()
	defer d.mu.Unlock()
	if s, ok := d.parsed[name]; ok {
		return s
	}
	raw, ok := d.raw[name]
	if !ok {
		return nil
	}
	s := &spec.Schema{}
	if err := json.Unmarshal(raw, s); err != nil {
		s = nil
	}
	d.parsed[name] = s
	return s
}

// gvkKey is the extension that names the kinds of a schema.
var gvkKey = []byte(`"x-kubernetes-group-version-kind"`)

// Kinds are the group-version-kinds the document defines, each with the
// name of its schema, in name order. Only the extension is read.
func (d *Document) Kinds() []KindSchema {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.kinds != nil {
		return d.kinds
	}
	d.kinds = []KindSchema{}
	for _, name := range d.names {
		raw := d.raw[name]
		for i := bytes.Index(raw, gvkKey); i >= 0; {
			var list []schema.GroupVersionKind
			rest := bytes.TrimLeft(raw[i+len(gvkKey):], " \t\r\n")
			if bytes.HasPrefix(rest, []byte(":")) && json.NewDecoder(bytes.NewReader(rest[1:])).Decode(&list) == nil {
				for _, g := range list {
					d.kinds = append(d.kinds, KindSchema{GVK: g, Name: name})
				}
			}
			next := bytes.Index(raw[i+len(gvkKey):], gvkKey)
			if next < 0 {
				break
			}
			i += len(gvkKey) + next
		}
	}
	return d.kinds
}

// Kind is the name and schema of the type of gvk in the document: the
// first schema, in name order, whose x-kubernetes-group-version-kind lists
// gvk, as kubectl explain chooses it.
func (d *Document) Kind(gvk schema.GroupVersionKind) (string, *spec.Schema, bool) {
	name, ok := d.kindName(gvk)
	if !ok {
		return "", nil, false
	}
	s := d.Schema(name)
	return name, s, s != nil
}

// kindName is the name of the schema of gvk, without parsing it.
func (d *Document) kindName(gvk schema.GroupVersionKind) (string, bool) {
	for _, k := range d.Kinds() {
		if k.GVK == gvk {
			return k.Name, true
		}
	}
	return "", false
}

// KindSchema names the schema of one group-version-kind.
type KindSchema struct {
	GVK  schema.GroupVersionKind
	Name string
}

// resolve is the schema s refers to with $ref, or nil when it has no
// reference or one this document does not hold.
func (d *Document) resolve(s *spec.Schema) *spec.Schema {
	ref := refOf(s)
	if ref == "" || !strings.HasPrefix(ref, refPrefix) {
		return nil
	}
	return d.Schema(strings.TrimPrefix(ref, refPrefix))
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
