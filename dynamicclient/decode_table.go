package dynamicclient

import (
	"fmt"
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
// over the body and most of the CPU of a large get.
func DecodePrintable(body []byte) (runtime.Object, error) {
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
