package refs

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Object names an object of a kind.
type Object struct {
	Group     string `json:"group"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
}

// GroupKind is the object's group and kind.
func (o Object) GroupKind() schema.GroupKind { return schema.GroupKind{Group: o.Group, Kind: o.Kind} }

// String is kind.group/name, as kdx names objects: pod/web, deployment.apps/web.
func (o Object) String() string {
	s := strings.ToLower(o.Kind)
	if o.Group != "" {
		s += "." + o.Group
	}
	return s + "/" + o.Name
}

// Link is one reference found in a field of an object.
type Link struct {
	// Rule is the ID of the rule or convention that found it.
	Rule string
	// Field is the field, with list indexes: spec.volumes[2].secret.secretName.
	Field string
	// To is the target; for a selector, its kind and namespace only.
	To Object
	// Selector, for a selector link, selects the targets.
	Selector labels.Selector
}

// Extractor finds the links of objects by rules and conventions.
type Extractor struct {
	kinds  *Kinds
	byFrom map[schema.GroupKind][]Rule
}

// NewExtractor finds links by rules, over the kinds a server serves.
func NewExtractor(rules []Rule, kinds *Kinds) *Extractor {
	e := &Extractor{kinds: kinds, byFrom: map[schema.GroupKind][]Rule{}}
	for _, r := range rules {
		for _, from := range r.From {
			e.byFrom[from] = append(e.byFrom[from], r)
		}
	}
	return e
}

// Links are the links of obj, of kind from: by its kind's rules, or, for a
// kind without rules outside the Kubernetes groups, by conventions.
func (e *Extractor) Links(obj map[string]any, from schema.GroupKind) []Link {
	ns, _ := lookupString(obj, "metadata", "namespace")
	var out []Link
	rules, ok := e.byFrom[from]
	for _, r := range rules {
		walk(obj, r.Path, "", func(v any, field string) {
			if l, ok := e.link(r, v, field, ns); ok {
				out = append(out, l)
			}
		})
	}
	if !ok && Conventional(from.Group) {
		out = append(out, e.conventions(obj, from.Group, ns)...)
	}
	return out
}

// Conventional says whether objects of group are read by conventions: the
// groups that are not Kubernetes' own (core, apps, batch, *.k8s.io).
func Conventional(group string) bool {
	switch {
	case group == "" || !strings.Contains(group, "."):
		return false
	case strings.HasSuffix(group, ".x-k8s.io"):
		return true
	}
	return !strings.HasSuffix(group, ".k8s.io")
}

// link is the link of rule r that value v of field makes.
func (e *Extractor) link(r Rule, v any, field, ns string) (Link, bool) {
	l := Link{Rule: r.ID, Field: field, To: Object{Group: r.To.Group, Kind: r.To.Kind, Namespace: ns}}
	switch r.Shape {
	case Name, Label:
		name, _ := v.(string)
		l.To.Name = name
		l.To.Namespace = e.kinds.namespace(r.To, ns)
		return l, name != ""
	case Ref:
		m, _ := v.(map[string]any)
		to, ok := refTarget(m, r.To, ns)
		if !ok || !r.CanTarget(to.GroupKind()) {
			return l, false
		}
		to.Namespace = e.kinds.namespace(to.GroupKind(), to.Namespace)
		l.To = to
		return l, true
	case Selector, MapSelector:
		sel, ok := selector(v, r.Shape)
		l.Selector = sel
		return l, ok
	}
	return l, false
}

// refTarget is the object a reference names, with def the default kind.
func refTarget(m map[string]any, def schema.GroupKind, ns string) (Object, bool) {
	name, _ := m["name"].(string)
	if name == "" {
		return Object{}, false
	}
	to := Object{Group: def.Group, Kind: def.Kind, Namespace: ns, Name: name}
	if kind, _ := m["kind"].(string); kind != "" {
		to.Kind = kind
	}
	if group, ok := refGroup(m); ok {
		to.Group = group
	}
	if n, _ := m["namespace"].(string); n != "" {
		to.Namespace = n
	}
	return to, to.Kind != ""
}

// refGroup is the group a reference names: apiGroup, group or apiVersion.
func refGroup(m map[string]any) (string, bool) {
	for _, key := range []string{"apiGroup", "group"} {
		if g, ok := m[key].(string); ok {
			return g, true
		}
	}
	if av, ok := m["apiVersion"].(string); ok && av != "" {
		return schema.FromAPIVersionAndKind(av, "").Group, true
	}
	return "", false
}

// selector is the label selector v holds; false for none or an empty one.
func selector(v any, shape Shape) (labels.Selector, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, false
	}
	if shape == MapSelector {
		set := labels.Set{}
		for k, v := range m {
			s, _ := v.(string)
			set[k] = s
		}
		return labels.SelectorFromSet(set), true
	}
	var ls metav1.LabelSelector
	if ml, ok := m["matchLabels"].(map[string]any); ok {
		ls.MatchLabels = map[string]string{}
		for k, v := range ml {
			ls.MatchLabels[k], _ = v.(string)
		}
	}
	exprs, _ := m["matchExpressions"].([]any)
	for _, x := range exprs {
		x, _ := x.(map[string]any)
		req := metav1.LabelSelectorRequirement{}
		req.Key, _ = x["key"].(string)
		op, _ := x["operator"].(string)
		req.Operator = metav1.LabelSelectorOperator(op)
		vals, _ := x["values"].([]any)
		for _, v := range vals {
			s, _ := v.(string)
			req.Values = append(req.Values, s)
		}
		ls.MatchExpressions = append(ls.MatchExpressions, req)
	}
	if len(ls.MatchLabels) == 0 && len(ls.MatchExpressions) == 0 {
		return nil, false
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	return sel, err == nil
}

// walk calls fn with each value at path under v, and its field path.
func walk(v any, path Path, at string, fn func(v any, field string)) {
	if len(path) == 0 {
		fn(v, at)
		return
	}
	if path[0] == "*" {
		l, _ := v.([]any)
		for i, item := range l {
			walk(item, path[1:], fmt.Sprintf("%s[%d]", at, i), fn)
		}
		return
	}
	m, _ := v.(map[string]any)
	child, ok := m[path[0]]
	if !ok {
		return
	}
	walk(child, path[1:], join(at, path[0]), fn)
}

func join(at, key string) string {
	if at == "" {
		return key
	}
	if strings.Contains(key, ".") {
		return at + "[" + key + "]"
	}
	return at + "." + key
}

func lookupString(obj map[string]any, path ...string) (string, bool) {
	var v any = obj
	for _, k := range path {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	s, ok := v.(string)
	return s, ok
}

// sortedKeys are m's keys in order, so that links come in a stable order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
