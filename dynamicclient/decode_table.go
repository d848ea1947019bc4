package dynamicclient

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// DecodePrintable decodes a server response asked for as a Table: a
// *metav1.Table whose row objects are decoded into
// *unstructured.Unstructured (RawExtension.Object, Raw left empty), or the
// object or list of a server without table support, as
// *unstructured.Unstructured(List).
//
// A well-formed Table is read in one pass (fastTable), at a third of the
// cost of the standard decoding (a probe of its kind, metav1.Table's own
// decoding, then each row object again), which was most of the CPU of a
// large get; anything else is decoded the standard way, which says what
// is wrong.
func DecodePrintable(body []byte) (runtime.Object, error) {
	return decodePrintable(body, false)
}

// DecodePrintableSlim is DecodePrintable for a table only printed: each row
// object keeps what a table printer reads of it (see slimObject).
func DecodePrintableSlim(body []byte) (runtime.Object, error) {
	return decodePrintable(body, true)
}

func decodePrintable(body []byte, slim bool) (runtime.Object, error) {
	if t, ok := fastTable(body, slim); ok {
		return t, nil
	}
	return decodeStandard(body)
}

// decodeStandard decodes body the standard way, for what fastTable leaves
// whatever its shape: a probe of its kind, apimachinery's JSON decoding
// into metav1.Table, then each row object into an
// *unstructured.Unstructured (Raw left empty), or an object or list.
func decodeStandard(body []byte) (runtime.Object, error) {
	var probe metav1.TypeMeta
	if err := utiljson.Unmarshal(body, &probe); err != nil {
		return nil, fmt.Errorf("failed to decode server response: %w", err)
	}
	if probe.Kind != "Table" || !tableVersion(probe.APIVersion) {
		obj, err := runtime.Decode(unstructured.UnstructuredJSONScheme, body)
		if err != nil {
			return nil, fmt.Errorf("failed to decode server response: %w", err)
		}
		return obj, nil
	}
	t := &metav1.Table{}
	if err := utiljson.Unmarshal(body, t); err != nil {
		return nil, fmt.Errorf("failed to decode table: %w", err)
	}
	for i := range t.Rows {
		row := &t.Rows[i]
		if row.Object.Raw == nil {
			continue
		}
		u := &unstructured.Unstructured{}
		if err := utiljson.Unmarshal(row.Object.Raw, &u.Object); err != nil {
			return nil, fmt.Errorf("failed to decode table: %w", err)
		}
		row.Object = runtime.RawExtension{Object: u}
	}
	return t, nil
}

// tableVersion reports whether apiVersion is one a server sends a Table
// in, as client-go's scheme registers it: meta.k8s.io/v1 or v1beta1.
func tableVersion(apiVersion string) bool {
	return apiVersion == "meta.k8s.io/v1" || apiVersion == "meta.k8s.io/v1beta1"
}

// fastTable reads body in one pass when it is a well-formed Table: the
// same Table as the standard decoding's, at a third of its cost, or with slim, rows
// whose objects keep only what a table printer reads of them (see
// slimObject), at a tenth. ok is false for anything else (not JSON, not
// a Table, a field of the wrong type, a repeated key), which the standard
// decoding then reads and words.
func fastTable(body []byte, slim bool) (*metav1.Table, bool) {
	p := valueParser{data: body, keys: make(map[string]string, 256)}
	p.skipSpace()
	if p.pos >= len(body) || body[p.pos] != '{' {
		return nil, false
	}
	t := &metav1.Table{}
	var kind, apiVersion any
	ok := p.members(func(k string) bool {
		var v any
		ok := true
		switch k {
		case "kind":
			kind, ok = p.value()
		case "apiVersion":
			apiVersion, ok = p.value()
		case "metadata":
			v, ok = p.value()
			ok = ok && listMetaOf(v, &t.ListMeta)
		case "columnDefinitions":
			v, ok = p.value()
			ok = ok && sliceInto(v, &t.ColumnDefinitions, columnOf)
		case "rows":
			ok = p.rows(t, slim)
		default:
			ok = p.skip()
		}
		return ok
	})
	p.skipSpace()
	if !ok || p.pos != len(body) {
		return nil, false
	}
	var isString bool
	if t.Kind, isString = kind.(string); !isString && kind != nil {
		return nil, false
	}
	if t.APIVersion, isString = apiVersion.(string); !isString && apiVersion != nil {
		return nil, false
	}
	if t.Kind != "Table" || !tableVersion(t.APIVersion) {
		return nil, false
	}
	return t, true
}

// rows reads the rows of a table at p.pos into t.
func (p *valueParser) rows(t *metav1.Table, slim bool) bool {
	null, ok := p.peekNull()
	if !ok || null {
		return ok
	}
	if p.data[p.pos] != '[' {
		return false
	}
	t.Rows = make([]metav1.TableRow, 0)
	return p.elements(func() bool {
		t.Rows = append(t.Rows, metav1.TableRow{})
		return p.row(&t.Rows[len(t.Rows)-1], slim)
	})
}

// peekNull skips a null at p.pos, if there is one; ok is false at the end
// of the input.
func (p *valueParser) peekNull() (null, ok bool) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return false, false
	}
	if p.data[p.pos] == 'n' {
		return true, p.literal("null")
	}
	return false, true
}

func (p *valueParser) row(r *metav1.TableRow, slim bool) bool {
	null, ok := p.peekNull()
	if !ok || null {
		return ok
	}
	if p.data[p.pos] != '{' {
		return false
	}
	return p.members(func(k string) bool {
		switch k {
		case "cells":
			v, ok := p.value()
			if ok {
				r.Cells, ok = sliceOf(v)
			}
			return ok
		case "conditions":
			v, ok := p.value()
			return ok && sliceInto(v, &r.Conditions, conditionOf)
		case "object":
			if slim {
				return p.slimObject(r)
			}
			v, ok := p.value()
			obj, isMap := mapOf(v)
			if !ok || !isMap {
				return false
			}
			if obj != nil {
				r.Object.Object = &unstructured.Unstructured{Object: obj}
			}
			return true
		}
		return p.skip()
	})
}

// slimObject reads a row's object at p.pos as a slim read keeps it: a
// PartialObjectMetadata with its kind, apiVersion and, of its metadata, the
// name, namespace and labels, all a table printer reads (namespace and
// label columns); managed fields, annotations and the rest are read over,
// not decoded. It is false where those fields are not of their types
// (strings, a map of strings): a slim read then keeps the whole object.
func (p *valueParser) slimObject(r *metav1.TableRow) bool {
	null, ok := p.peekNull()
	if !ok || null {
		return ok
	}
	if p.data[p.pos] != '{' {
		return false
	}
	obj := &metav1.PartialObjectMetadata{}
	ok = p.members(func(k string) bool {
		switch k {
		case "kind":
			return p.stringInto(&obj.Kind)
		case "apiVersion":
			return p.stringInto(&obj.APIVersion)
		case "metadata":
			null, ok := p.peekNull()
			if !ok || null {
				return ok
			}
			if p.data[p.pos] != '{' {
				return false
			}
			return p.members(func(k string) bool {
				switch k {
				case "name":
					return p.stringInto(&obj.Name)
				case "namespace":
					return p.stringInto(&obj.Namespace)
				case "labels":
					return p.labels(&obj.Labels)
				}
				return p.skip()
			})
		}
		return p.skip()
	})
	if ok {
		r.Object.Object = obj
	}
	return ok
}

// stringInto reads a string, or a null that leaves dst as it is.
func (p *valueParser) stringInto(dst *string) bool {
	null, ok := p.peekNull()
	if !ok || null {
		return ok
	}
	if p.data[p.pos] != '"' {
		return false
	}
	*dst, ok = p.str(false)
	return ok
}

// labels reads a map of strings, or a null.
func (p *valueParser) labels(dst *map[string]string) bool {
	null, ok := p.peekNull()
	if !ok || null {
		return ok
	}
	if p.data[p.pos] != '{' {
		return false
	}
	m := map[string]string{}
	*dst = m
	return p.fields(true, func(k string) bool {
		if p.skipSpace(); p.pos >= len(p.data) || p.data[p.pos] != '"' {
			return false
		}
		v, ok := p.str(false)
		n := len(m)
		m[k] = v
		return ok && len(m) > n // else a repeated key
	})
}

// The helpers below read a parsed value into a field as encoding/json
// would, false where it would fail: a null leaves the field as it is.

func sliceOf(v any) ([]any, bool) {
	s, ok := v.([]any)
	return s, ok || v == nil
}

func mapOf(v any) (map[string]any, bool) {
	m, ok := v.(map[string]any)
	return m, ok || v == nil
}

func stringsOf(m map[string]any, fields map[string]*string) bool {
	for k, dst := range fields {
		switch v := m[k].(type) {
		case nil:
		case string:
			*dst = v
		default:
			return false
		}
	}
	return true
}

func listMetaOf(v any, lm *metav1.ListMeta) bool {
	m, ok := mapOf(v)
	if !ok || !stringsOf(m, map[string]*string{"selfLink": &lm.SelfLink, "resourceVersion": &lm.ResourceVersion, "continue": &lm.Continue}) {
		return false
	}
	switch n := m["remainingItemCount"].(type) {
	case nil:
	case int64:
		lm.RemainingItemCount = &n
	default:
		return false
	}
	return true
}

// sliceInto reads a list into *dst, each element with elem; a null leaves
// *dst nil.
func sliceInto[E any](v any, dst *[]E, elem func(any, *E) bool) bool {
	items, ok := sliceOf(v)
	if !ok {
		return false
	}
	if items != nil {
		*dst = make([]E, len(items))
	}
	for i, item := range items {
		if !elem(item, &(*dst)[i]) {
			return false
		}
	}
	return true
}

func columnOf(v any, c *metav1.TableColumnDefinition) bool {
	m, ok := mapOf(v)
	if !ok || !stringsOf(m, map[string]*string{"name": &c.Name, "type": &c.Type, "format": &c.Format, "description": &c.Description}) {
		return false
	}
	switch n := m["priority"].(type) {
	case nil:
	case int64:
		if n != int64(int32(n)) {
			return false
		}
		c.Priority = int32(n)
	default:
		return false
	}
	return true
}

func conditionOf(v any, c *metav1.TableRowCondition) bool {
	m, ok := mapOf(v)
	var typ, status string
	if !ok || !stringsOf(m, map[string]*string{"type": &typ, "status": &status, "reason": &c.Reason, "message": &c.Message}) {
		return false
	}
	c.Type, c.Status = metav1.RowConditionType(typ), metav1.ConditionStatus(status)
	return true
}
