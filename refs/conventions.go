package refs

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Convention is a link that CRDs make by the name of a field, found in the
// data of any object of a conventional group (see Conventional) and, for
// "who uses", in the CRDs' schemas.
type Convention struct {
	ID    string
	Field string
	Means string
}

// IDs of the conventions.
const (
	convRef       = "convention-ref"
	convSecret    = "convention-secret-name"
	convConfigMap = "convention-configmap-name"
	convSelector  = "convention-selector"
)

// Conventions are the conventions, for the rules table.
func Conventions() []Convention {
	return []Convention{
		{convRef, "`<kind>Ref` (an object with `name`), `<kind>Refs` (a list of them)",
			"the object named; `kind`, `namespace`, `apiGroup`/`group`/`apiVersion` when present, else the kind from the field name (`issuerRef` → Issuer; else its last words: `passwordSecretRef` → Secret) looked up in the object's own group first, then the core group, then any group"},
		{convSecret, "`secretName`, `<x>SecretName` (a string)", "the Secret of that name in the object's namespace"},
		{convConfigMap, "`configMapName`, `<x>ConfigMapName` (a string)", "the ConfigMap of that name in the object's namespace"},
		{convSelector, "`<kind>Selector` (with `matchLabels` or `matchExpressions`)",
			"the objects of that kind it selects in the object's namespace (`serviceMonitorSelector` → ServiceMonitors); an empty selector, and a field that names no served kind, are not followed"},
	}
}

// conventions are the conventional links of obj, of group own.
func (e *Extractor) conventions(obj map[string]any, own, ns string) []Link {
	var out []Link
	for _, k := range sortedKeys(obj) {
		if k == "metadata" || k == "status" || k == "apiVersion" || k == "kind" {
			continue
		}
		e.convWalk(obj[k], k, k, own, ns, &out)
	}
	return out
}

// convWalk finds conventional links in v, the value of key at field.
func (e *Extractor) convWalk(v any, key, field, own, ns string, out *[]Link) {
	switch v := v.(type) {
	case string:
		if to, id, ok := nameConvention(key); ok && v != "" {
			*out = append(*out, Link{Rule: id, Field: field, To: Object{Group: to.Group, Kind: to.Kind, Namespace: ns, Name: v}})
		}
	case map[string]any:
		if l, ok := e.convMap(v, key, field, own, ns); ok {
			*out = append(*out, l)
			return
		}
		for _, k := range sortedKeys(v) {
			e.convWalk(v[k], k, join(field, k), own, ns, out)
		}
	case []any:
		for i, item := range v {
			itemKey := key
			if strings.HasSuffix(key, "Refs") {
				itemKey = strings.TrimSuffix(key, "s")
			}
			e.convWalk(item, itemKey, fmt.Sprintf("%s[%d]", field, i), own, ns, out)
		}
	}
}

// convMap is the link a map of field key makes: a *Ref or a *Selector.
func (e *Extractor) convMap(m map[string]any, key, field, own, ns string) (Link, bool) {
	if kind, ok := kindBefore(key, "Ref"); ok {
		if _, named := m["name"].(string); !named {
			return Link{}, false
		}
		def, known := e.kinds.GuessWords(kind, own)
		if _, hasKind := m["kind"].(string); !known && !hasKind {
			return Link{}, false // a field name that names no served kind
		}
		to, ok := refTarget(m, def, ns)
		if _, explicit := refGroup(m); ok && !explicit && to.Kind != def.Kind {
			if g, found := e.kinds.Guess(to.Kind, own); found {
				to.Group = g.Group
			}
		}
		to.Namespace = e.kinds.namespace(to.GroupKind(), to.Namespace)
		return Link{Rule: convRef, Field: field, To: to}, ok
	}
	if kind, ok := kindBefore(key, "Selector"); ok {
		g, known := e.kinds.GuessWords(kind, own)
		sel, isSel := selector(m, Selector)
		if !known || !isSel {
			return Link{}, false
		}
		return Link{Rule: convSelector, Field: field, To: Object{Group: g.Group, Kind: g.Kind, Namespace: e.kinds.namespace(g, ns)}, Selector: sel}, true
	}
	return Link{}, false
}

// nameConvention is the kind a string field named key names.
func nameConvention(key string) (schema.GroupKind, string, bool) {
	switch {
	case key == "secretName" || strings.HasSuffix(key, "SecretName"):
		return kindSecret, convSecret, true
	case key == "configMapName" || strings.HasSuffix(key, "ConfigMapName"):
		return kindConfigMap, convConfigMap, true
	}
	return schema.GroupKind{}, "", false
}

// kindBefore is the kind a field name means before suffix: issuerRef ->
// Issuer, serviceMonitorSelector -> ServiceMonitor.
func kindBefore(key, suffix string) (string, bool) {
	base, ok := strings.CutSuffix(key, suffix)
	if !ok || base == "" {
		return "", false
	}
	r, size := utf8.DecodeRuneInString(base)
	return string(unicode.ToUpper(r)) + base[size:], true
}

// SchemaTargets says what the objects of a CRD can point at by
// convention, from the CRD's schema: the kinds their fields' names mean,
// and whether a reference with a kind field may name any kind.
type SchemaTargets struct {
	Kinds   map[schema.GroupKind]bool
	AnyKind bool
}

// CanTarget says whether the CRD's objects may point at kind g.
func (s SchemaTargets) CanTarget(g schema.GroupKind) bool { return s.AnyKind || s.Kinds[g] }

// CRDTargets reads the schema of the versions of a CRD object (an
// apiextensions.k8s.io/v1 CustomResourceDefinition as a map).
func (e *Extractor) CRDTargets(crd map[string]any) SchemaTargets {
	st := SchemaTargets{Kinds: map[schema.GroupKind]bool{}}
	own, _ := lookupString(crd, "spec", "group")
	spec, _ := crd["spec"].(map[string]any)
	versions, _ := spec["versions"].([]any)
	for _, v := range versions {
		v, _ := v.(map[string]any)
		sch, _ := v["schema"].(map[string]any)
		root, _ := sch["openAPIV3Schema"].(map[string]any)
		props, _ := root["properties"].(map[string]any)
		for k, p := range props {
			if k != "metadata" && k != "status" {
				e.schemaWalk(p, k, own, &st)
			}
		}
	}
	return st
}

// schemaWalk records what the property key, of schema s, can point at.
func (e *Extractor) schemaWalk(s any, key, own string, st *SchemaTargets) {
	m, _ := s.(map[string]any)
	if m == nil {
		return
	}
	if items, ok := m["items"].(map[string]any); ok {
		if strings.HasSuffix(key, "Refs") {
			key = strings.TrimSuffix(key, "s")
		}
		e.schemaWalk(items, key, own, st)
		return
	}
	props, _ := m["properties"].(map[string]any)
	if to, _, ok := nameConvention(key); ok && m["type"] == "string" {
		st.Kinds[to] = true
	}
	if kind, ok := kindBefore(key, "Ref"); ok && props["name"] != nil {
		if props["kind"] != nil {
			st.AnyKind = true
		}
		if g, known := e.kinds.GuessWords(kind, own); known {
			st.Kinds[g] = true
		}
		return
	}
	if kind, ok := kindBefore(key, "Selector"); ok && (props["matchLabels"] != nil || props["matchExpressions"] != nil) {
		if g, known := e.kinds.GuessWords(kind, own); known {
			st.Kinds[g] = true
		}
		return
	}
	for k, p := range props {
		e.schemaWalk(p, k, own, st)
	}
	if ap, ok := m["additionalProperties"].(map[string]any); ok {
		e.schemaWalk(ap, key, own, st)
	}
}
