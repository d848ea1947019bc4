package dynamicclient

import (
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// The keys and filters of the page types, which let a pager skip the
// objects it already handed on when a list starts again.

// objectKey is "namespace/name", or "name" for a cluster-scoped object.
func objectKey(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

// keep is the items for which ok(i) is true, in place.
func keep[E any](items []E, ok func(int) bool) []E {
	out := items[:0]
	for i := range items {
		if ok(i) {
			out = append(out, items[i])
		}
	}
	return out
}

func unstructuredKeys(l *unstructured.UnstructuredList) []string {
	keys := make([]string, len(l.Items))
	for i := range l.Items {
		keys[i] = objectKey(l.Items[i].GetNamespace(), l.Items[i].GetName())
	}
	return keys
}

func filterUnstructured(l *unstructured.UnstructuredList, k func(int) bool) *unstructured.UnstructuredList {
	l.Items = keep(l.Items, k)
	return l
}

func metadataKeys(l *metav1.PartialObjectMetadataList) []string {
	keys := make([]string, len(l.Items))
	for i := range l.Items {
		keys[i] = objectKey(l.Items[i].Namespace, l.Items[i].Name)
	}
	return keys
}

func filterMetadata(l *metav1.PartialObjectMetadataList, k func(int) bool) *metav1.PartialObjectMetadataList {
	l.Items = keep(l.Items, k)
	return l
}

// printableKeys are the keys of a Table's rows (from the object each row
// carries) or of an UnstructuredList's items.
func printableKeys(obj runtime.Object) []string {
	switch o := obj.(type) {
	case *metav1.Table:
		keys := make([]string, len(o.Rows))
		for i := range o.Rows {
			keys[i] = rowKey(o.Rows[i].Object)
		}
		return keys
	case *unstructured.UnstructuredList:
		return unstructuredKeys(o)
	}
	return nil
}

func filterPrintable(obj runtime.Object, k func(int) bool) runtime.Object {
	switch o := obj.(type) {
	case *metav1.Table:
		o.Rows = keep(o.Rows, k)
	case *unstructured.UnstructuredList:
		o.Items = keep(o.Items, k)
	}
	return obj
}

// rowKey is the key of the object a table row carries (its metadata or the
// whole object, raw); "" when the row carries none.
func rowKey(obj runtime.RawExtension) string {
	if obj.Object != nil {
		if m, err := meta.Accessor(obj.Object); err == nil {
			return objectKey(m.GetNamespace(), m.GetName())
		}
	}
	var m struct {
		Metadata struct {
			Name      string `json:"name"`
			Namespace string `json:"namespace"`
		} `json:"metadata"`
	}
	if len(obj.Raw) == 0 || utiljson.Unmarshal(obj.Raw, &m) != nil {
		return ""
	}
	return objectKey(m.Metadata.Namespace, m.Metadata.Name)
}
