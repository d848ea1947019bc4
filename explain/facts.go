package explain

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"k8s.io/kube-openapi/pkg/validation/spec"

	"github.com/kdxproject/kdx/render"
)

// maxFact bounds one value kdx prints (a default, an example, a rule): a
// longer one is cut and says how much more there was.
const maxFact = 200

// Facts are what s says that kubectl explain does not print, one phrase
// each, in a fixed order: int | string, accepts any fields, embedded
// resource, default, example, format, pattern, the limits, nullable, list
// and map types, patch strategy, then each CEL validation rule (a rule that
// only compares self with oldSelf marks the field immutable). What a field
// declares wins over the type it refers to; an empty object as default
// (every built-in field of a struct type has one) is not said.
func (d *Document) Facts(s *spec.Schema) []string {
	layers := []*spec.Schema{s}
	if r := d.resolve(s); r != nil {
		layers = append(layers, r)
	} else if len(s.AllOf) == 1 {
		layers = append(layers, d.resolved(&s.AllOf[0]))
	}
	first := func(get func(*spec.Schema) (string, bool)) (string, bool) {
		for _, l := range layers {
			if v, ok := get(l); ok {
				return v, true
			}
		}
		return "", false
	}
	var out []string
	add := func(format string, get func(*spec.Schema) (string, bool)) {
		if v, ok := first(get); ok {
			out = append(out, fmt.Sprintf(format, v))
		}
	}
	isIntOrString := func(l *spec.Schema) (string, bool) {
		b, _ := l.Extensions.GetBool("x-kubernetes-int-or-string")
		return "", b || l.Format == "int-or-string"
	}
	add("type: int | string%s", isIntOrString)
	add("accepts any fields%s", extBool("x-kubernetes-preserve-unknown-fields"))
	add("embedded resource%s", extBool("x-kubernetes-embedded-resource"))
	add("default: %s", defaultOf)
	add("example: %s", func(l *spec.Schema) (string, bool) {
		if l.Example == nil {
			return "", false
		}
		return jsonValue(l.Example), true
	})
	add("format: %s", func(l *spec.Schema) (string, bool) {
		return render.Escape(l.Format), l.Format != "" && l.Format != "int-or-string"
	})
	add("pattern: %s", func(l *spec.Schema) (string, bool) { return bounded(l.Pattern), l.Pattern != "" })
	add("min length: %s", intOf(func(l *spec.Schema) *int64 { return l.MinLength }))
	add("max length: %s", intOf(func(l *spec.Schema) *int64 { return l.MaxLength }))
	add("min items: %s", intOf(func(l *spec.Schema) *int64 { return l.MinItems }))
	add("max items: %s", intOf(func(l *spec.Schema) *int64 { return l.MaxItems }))
	add("unique items%s", func(l *spec.Schema) (string, bool) { return "", l.UniqueItems })
	add("min properties: %s", intOf(func(l *spec.Schema) *int64 { return l.MinProperties }))
	add("max properties: %s", intOf(func(l *spec.Schema) *int64 { return l.MaxProperties }))
	add("%s", func(l *spec.Schema) (string, bool) {
		if l.Minimum == nil {
			return "", false
		}
		if l.ExclusiveMinimum {
			return "minimum: > " + number(*l.Minimum), true
		}
		return "minimum: " + number(*l.Minimum), true
	})
	add("%s", func(l *spec.Schema) (string, bool) {
		if l.Maximum == nil {
			return "", false
		}
		if l.ExclusiveMaximum {
			return "maximum: < " + number(*l.Maximum), true
		}
		return "maximum: " + number(*l.Maximum), true
	})
	add("multiple of: %s", func(l *spec.Schema) (string, bool) {
		if l.MultipleOf == nil {
			return "", false
		}
		return number(*l.MultipleOf), true
	})
	add("nullable%s", func(l *spec.Schema) (string, bool) { return "", l.Nullable })
	add("list type: %s", func(l *spec.Schema) (string, bool) {
		t, ok := l.Extensions.GetString("x-kubernetes-list-type")
		if !ok {
			return "", false
		}
		if keys, _ := l.Extensions.GetStringSlice("x-kubernetes-list-map-keys"); len(keys) > 0 {
			return render.Escape(t + ", keys: " + strings.Join(keys, ", ")), true
		}
		return render.Escape(t), true
	})
	add("map type: %s", func(l *spec.Schema) (string, bool) {
		t, ok := l.Extensions.GetString("x-kubernetes-map-type")
		return render.Escape(t), ok
	})
	add("patch strategy: %s", func(l *spec.Schema) (string, bool) {
		t, ok := l.Extensions.GetString("x-kubernetes-patch-strategy")
		if !ok {
			return "", false
		}
		if key, ok := l.Extensions.GetString("x-kubernetes-patch-merge-key"); ok {
			return render.Escape(t + ", key: " + key), true
		}
		return render.Escape(t), true
	})
	for _, l := range layers {
		out = append(out, rules(l)...)
	}
	return out
}

// Rule is one x-kubernetes-validations rule.
type Rule struct {
	Rule              string `json:"rule"`
	Message           string `json:"message,omitempty"`
	MessageExpression string `json:"messageExpression,omitempty"`
	Reason            string `json:"reason,omitempty"`
	FieldPath         string `json:"fieldPath,omitempty"`
	OptionalOldSelf   *bool  `json:"optionalOldSelf,omitempty"`
}

// Rules are the CEL validation rules of s.
func Rules(s *spec.Schema) []Rule {
	var rs []Rule
	if s.Extensions.GetObject("x-kubernetes-validations", &rs) != nil {
		return nil
	}
	return rs
}

// Immutable reports whether r only says that the value cannot change.
func (r Rule) Immutable() bool {
	return strings.Join(strings.Fields(r.Rule), " ") == "self == oldSelf"
}

// rules words the rules of s: "rule: RULE (message: MESSAGE)", or
// "immutable: self == oldSelf (...)".
func rules(s *spec.Schema) []string {
	var out []string
	for _, r := range Rules(s) {
		word := "rule"
		if r.Immutable() {
			word = "immutable"
		}
		line := word + ": " + bounded(strings.Join(strings.Fields(r.Rule), " "))
		switch {
		case r.Message != "":
			line += " (message: " + bounded(r.Message) + ")"
		case r.MessageExpression != "":
			line += " (message expression: " + bounded(r.MessageExpression) + ")"
		}
		if r.FieldPath != "" {
			line += " (field: " + bounded(r.FieldPath) + ")"
		}
		out = append(out, line)
	}
	return out
}

// defaultOf is the default of s as JSON; an empty object is no default.
func defaultOf(s *spec.Schema) (string, bool) {
	if s.Default == nil {
		return "", false
	}
	if m, ok := s.Default.(map[string]any); ok && len(m) == 0 {
		return "", false
	}
	return jsonValue(s.Default), true
}

// extBool is a fact that holds when the extension key is true.
func extBool(key string) func(*spec.Schema) (string, bool) {
	return func(l *spec.Schema) (string, bool) {
		b, _ := l.Extensions.GetBool(key)
		return "", b
	}
}

// intOf is a fact of an integer limit.
func intOf(get func(*spec.Schema) *int64) func(*spec.Schema) (string, bool) {
	return func(l *spec.Schema) (string, bool) {
		if v := get(l); v != nil {
			return strconv.FormatInt(*v, 10), true
		}
		return "", false
	}
}

// number words a limit: 5, 0.5, 1e+06.
func number(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// jsonValue is v as compact JSON on one bounded line.
func jsonValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return bounded(fmt.Sprint(v))
	}
	return bounded(string(b))
}

// bounded is s on one line, escaped for a terminal, cut after maxFact
// characters with how much more there was.
func bounded(s string) string {
	s = render.Escape(s)
	if r := []rune(s); len(r) > maxFact {
		return string(r[:maxFact]) + fmt.Sprintf("... (%d more characters)", len(r)-maxFact)
	}
	return s
}

// sortedKeys are the names of props in order.
func sortedKeys(props map[string]spec.Schema) []string {
	keys := make([]string, 0, len(props))
	for k := range props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
