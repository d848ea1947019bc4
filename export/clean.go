package export

import (
	"encoding/base64"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// RedactedMarker replaces every value of a Secret's stringData under
// --redact-secrets; its base64 form, RedactedData, replaces every value of
// its data, so that the manifest stays valid.
const RedactedMarker = "REDACTED"

// RedactedData is RedactedMarker in base64, as a Secret's data holds it.
var RedactedData = base64.StdEncoding.EncodeToString([]byte(RedactedMarker))

// CleanOptions choose what a Cleaner keeps.
type CleanOptions struct {
	// KeepStatus keeps status (--keep-status).
	KeepStatus bool
	// IncludeOwned keeps objects a controller owns (--include-owned).
	IncludeOwned bool
	// IncludeSystem keeps objects the cluster makes by itself (--include-system).
	IncludeSystem bool
	// IncludeDeleting keeps objects being deleted (--include-deleting, and
	// every export to stdout, which warns of them instead).
	IncludeDeleting bool
	// RedactSecrets replaces the values of Secrets (--redact-secrets).
	RedactSecrets bool
	// Rules replace DefaultRules when not nil.
	Rules []Rule
	// SkipRules replace DefaultSkipRules when not nil.
	SkipRules []SkipRule
}

// Cleaner decides which objects to leave out and removes from the others
// what the server and controllers wrote. It is safe for concurrent use.
type Cleaner struct {
	// global are the rules for every kind, in order.
	global []*Rule
	// byKind are, for each kind some rule names, the rules for it in order.
	byKind map[schema.GroupKind][]*Rule
	// skips are the skip rules in force, in order.
	skips []*SkipRule
	// redact replaces Secret values.
	redact bool
}

// NewCleaner returns a Cleaner with the rules o keeps in force.
func NewCleaner(o CleanOptions) *Cleaner {
	rules, skips := o.Rules, o.SkipRules
	if rules == nil {
		rules = DefaultRules()
	}
	if skips == nil {
		skips = DefaultSkipRules()
	}
	c := &Cleaner{byKind: map[schema.GroupKind][]*Rule{}, redact: o.RedactSecrets}
	for i := range rules {
		if r := &rules[i]; !(r.KeptBy == FlagKeepStatus && o.KeepStatus) {
			c.add(r)
		}
	}
	for i := range skips {
		s := &skips[i]
		if !(s.KeptBy == FlagIncludeOwned && o.IncludeOwned) && !(s.KeptBy == FlagIncludeSystem && o.IncludeSystem) &&
			!(s.KeptBy == FlagIncludeDeleting && o.IncludeDeleting) {
			c.skips = append(c.skips, s)
		}
	}
	return c
}

// add puts r after the rules already added for its kinds.
func (c *Cleaner) add(r *Rule) {
	if len(r.Kinds) == 0 {
		c.global = append(c.global, r)
		for k, rs := range c.byKind {
			c.byKind[k] = append(rs, r)
		}
		return
	}
	for _, k := range r.Kinds {
		if _, ok := c.byKind[k]; !ok {
			c.byKind[k] = slices.Clone(c.global)
		}
		c.byKind[k] = append(c.byKind[k], r)
	}
}

// Skip returns the rule that leaves obj out of the export, or nil. readOnly
// says that the server does not let clients create objects of its kind.
func (c *Cleaner) Skip(obj *unstructured.Unstructured, readOnly bool) *SkipRule {
	gk := obj.GroupVersionKind().GroupKind()
	for _, s := range c.skips {
		if s.matches(obj, gk, readOnly) {
			return s
		}
	}
	return nil
}

// Clean removes, in place, the fields the rules name, and redacts a Secret
// when asked to. Object conditions are judged on the object as it came.
func (c *Cleaner) Clean(obj *unstructured.Unstructured) {
	gk := obj.GroupVersionKind().GroupKind()
	rules, ok := c.byKind[gk]
	if !ok {
		rules = c.global
	}
	apply := make([]*Rule, 0, len(rules))
	for _, r := range rules {
		if r.When.Object == nil || r.When.Object(obj.Object) {
			apply = append(apply, r)
		}
	}
	for _, r := range apply {
		removeFields(obj.Object, r.Path, r.When.Value)
	}
	if c.redact && gk == kindSecret {
		redact(obj.Object)
	}
}

// redactedFields are the fields of a Secret --redact-secrets rewrites, and
// the marker each value becomes.
var redactedFields = []struct{ field, marker string }{{"data", RedactedData}, {"stringData", RedactedMarker}}

// redact replaces the values of a Secret's data and stringData.
func redact(obj map[string]any) {
	for _, f := range redactedFields {
		m, ok := obj[f.field].(map[string]any)
		if !ok {
			continue
		}
		for k := range m {
			m[k] = f.marker
		}
	}
}

// RedactedKeys are the keys of a Secret whose values are the markers
// --redact-secrets wrote, as "data.KEY" and "stringData.KEY", sorted: a
// Secret export redacted, coming back. It is nil for other objects.
func RedactedKeys(obj *unstructured.Unstructured) []string {
	if obj == nil || obj.GroupVersionKind().GroupKind() != kindSecret {
		return nil
	}
	var keys []string
	for _, f := range redactedFields {
		m, _ := obj.Object[f.field].(map[string]any)
		for k, v := range m {
			if v == f.marker {
				keys = append(keys, f.field+"."+k)
			}
		}
	}
	slices.Sort(keys)
	return keys
}
