package dynamicclient

import (
	"fmt"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// tableJSON is the wire shape of a metav1.Table whose row objects are
// decoded in the same pass as the rest (metav1.Table keeps them raw, to be
// read a second time).
type tableJSON struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ListMeta   `json:"metadata,omitempty"`
	ColumnDefinitions []metav1.TableColumnDefinition `json:"columnDefinitions"`
	Rows              []tableRowJSON                 `json:"rows"`
}

// tableRowJSON is the wire shape of a metav1.TableRow, its object decoded.
type tableRowJSON struct {
	Cells      []any                      `json:"cells"`
	Conditions []metav1.TableRowCondition `json:"conditions,omitempty"`
	Object     map[string]any             `json:"object,omitempty"`
}

// decodeTable decodes body in one pass and, when it is a Table, returns it
// with each row's object (if any) as an *unstructured.Unstructured, what
// render's DecodeRows makes of a raw one. ok says whether body is a Table;
// err is the decoding's error either way: encoding/json goes on after a
// value of the wrong type, so the kind is known whatever the other fields
// hold (an object's own fields may be named as a table's).
func decodeTable(body []byte) (t *metav1.Table, ok bool, err error) {
	var w tableJSON
	err = utiljson.Unmarshal(body, &w)
	if w.Kind != "Table" || !strings.HasPrefix(w.APIVersion, "meta.k8s.io/") {
		return nil, false, err
	}
	if err != nil {
		return nil, true, err
	}
	t = &metav1.Table{TypeMeta: w.TypeMeta, ListMeta: w.ListMeta, ColumnDefinitions: w.ColumnDefinitions}
	if w.Rows != nil {
		t.Rows = make([]metav1.TableRow, len(w.Rows))
	}
	for i, r := range w.Rows {
		t.Rows[i] = metav1.TableRow{Cells: r.Cells, Conditions: r.Conditions}
		if r.Object != nil {
			t.Rows[i].Object.Object = &unstructured.Unstructured{Object: r.Object}
		}
	}
	return t, true, nil
}

// DecodePrintable decodes a server response asked for as a Table: a
// *metav1.Table whose row objects are decoded into
// *unstructured.Unstructured (RawExtension.Object, Raw left empty), or the
// object or list of a server without table support, as
// *unstructured.Unstructured(List).
//
// A Table is read once: the probe of its kind and metav1.Table's own
// decoding, with each row object read again later, cost three passes
// over the body and most of the CPU of a large get. A well-formed one is
// read by a valueParser (see fastTable); anything else the standard way.
func DecodePrintable(body []byte) (runtime.Object, error) {
	return decodePrintable(body, false)
}

// DecodePrintableSlim is DecodePrintable for a table only printed: each row
// object is cut as SlimRowObject says.
func DecodePrintableSlim(body []byte) (runtime.Object, error) {
	return decodePrintable(body, true)
}

func decodePrintable(body []byte, slim bool) (runtime.Object, error) {
	if t, ok := fastTable(body, slim); ok {
		return t, nil
	}
	t, ok, err := decodeTable(body)
	switch {
	case ok && err != nil:
		return nil, fmt.Errorf("failed to decode table: %w", err)
	case ok:
		return t, nil
	case err != nil:
		// Not a table, nor of a table's shape: an error only if the
		// kind cannot be read, as the probe of the kind decided before.
		if err := utiljson.Unmarshal(body, &metav1.TypeMeta{}); err != nil {
			return nil, fmt.Errorf("failed to decode server response: %w", err)
		}
	}
	obj, err := runtime.Decode(unstructured.UnstructuredJSONScheme, body)
	if err != nil {
		return nil, fmt.Errorf("failed to decode server response: %w", err)
	}
	return obj, nil
}

// fastTable reads body in one pass when it is a well-formed Table: the
// same Table as decodeTable's, at a third of its cost, or with slim, rows
// whose objects keep only what a table printer reads of them (see
// SlimRowObject), at a tenth. ok is false for anything else (not JSON, not
// a Table, a field of the wrong type, a repeated key), which decodeTable
// then reads and words.
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
			ok = ok && columnsOf(v, t)
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
	if t.Kind != "Table" || !strings.HasPrefix(t.APIVersion, "meta.k8s.io/") {
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
			return ok && conditionsOf(v, r)
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

// SlimRowObject is what a slim read keeps of a table row's object: kind,
// apiVersion and, of metadata, the name, namespace and labels, all a table
// printer reads (namespace and label columns); managed fields, annotations
// and the rest are read over, not decoded.
func SlimRowObject(obj map[string]any) map[string]any {
	out := map[string]any{}
	for _, k := range []string{"kind", "apiVersion"} {
		if v, ok := obj[k]; ok {
			out[k] = v
		}
	}
	md, ok := obj["metadata"]
	if m, isMap := md.(map[string]any); isMap {
		kept := map[string]any{}
		for _, k := range slimMetadata {
			if v, ok := m[k]; ok {
				kept[k] = v
			}
		}
		md = kept
	}
	if ok {
		out["metadata"] = md
	}
	return out
}

// slimMetadata are the fields of metadata a slim read keeps.
var slimMetadata = []string{"name", "namespace", "labels"}

// slimObject reads a row's object at p.pos as SlimRowObject cuts it.
func (p *valueParser) slimObject(r *metav1.TableRow) bool {
	null, ok := p.peekNull()
	if !ok || null {
		return ok
	}
	if p.data[p.pos] != '{' {
		return false
	}
	obj := map[string]any{}
	ok = p.members(func(k string) bool {
		switch k {
		case "kind", "apiVersion":
			v, ok := p.value()
			obj[k] = v
			return ok
		case "metadata":
			p.skipSpace()
			if p.pos >= len(p.data) || p.data[p.pos] != '{' {
				v, ok := p.value()
				obj[k] = v
				return ok
			}
			md := map[string]any{}
			obj[k] = md
			return p.members(func(k string) bool {
				if !slices.Contains(slimMetadata, k) {
					return p.skip()
				}
				v, ok := p.value()
				md[k] = v
				return ok
			})
		}
		return p.skip()
	})
	if ok {
		r.Object.Object = &unstructured.Unstructured{Object: obj}
	}
	return ok
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

func columnsOf(v any, t *metav1.Table) bool {
	cols, ok := sliceOf(v)
	if !ok {
		return false
	}
	if cols != nil {
		t.ColumnDefinitions = make([]metav1.TableColumnDefinition, len(cols))
	}
	for i, c := range cols {
		if !columnOf(c, &t.ColumnDefinitions[i]) {
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

func conditionsOf(v any, r *metav1.TableRow) bool {
	conds, ok := sliceOf(v)
	if !ok {
		return false
	}
	if conds != nil {
		r.Conditions = make([]metav1.TableRowCondition, len(conds))
	}
	for i, c := range conds {
		cm, ok := mapOf(c)
		rc := &r.Conditions[i]
		var typ, status string
		if !ok || !stringsOf(cm, map[string]*string{"type": &typ, "status": &status, "reason": &rc.Reason, "message": &rc.Message}) {
			return false
		}
		rc.Type, rc.Status = metav1.RowConditionType(typ), metav1.ConditionStatus(status)
	}
	return true
}
