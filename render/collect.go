package render

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// Collector keeps the objects of what was read of one type (pages or single
// objects) until its turn to be printed. It is a query.Sink.
type Collector struct {
	Items []unstructured.Unstructured
}

// Page adds the objects of obj.
func (c *Collector) Page(obj runtime.Object) error {
	c.Items = append(c.Items, Items(obj)...)
	return nil
}

// Pages keeps the pages read of one type (tables, say) as they came, until
// its turn to be printed. It is a query.Sink.
type Pages struct {
	List []runtime.Object
}

// Page keeps obj.
func (p *Pages) Page(obj runtime.Object) error {
	p.List = append(p.List, obj)
	return nil
}

// Items are the objects of a page or of one object: a list of whole
// objects, of metadata only (as apiVersion, kind, name and namespace, what
// the name printer needs), or one object.
func Items(obj runtime.Object) []unstructured.Unstructured {
	switch o := obj.(type) {
	case *unstructured.UnstructuredList:
		return o.Items
	case *metav1.PartialObjectMetadataList:
		return metadataItems(o)
	case *unstructured.Unstructured:
		return []unstructured.Unstructured{*o}
	}
	return nil
}

func metadataItems(l *metav1.PartialObjectMetadataList) []unstructured.Unstructured {
	items := make([]unstructured.Unstructured, len(l.Items))
	for i := range l.Items {
		it := &l.Items[i]
		items[i].Object = map[string]any{
			"apiVersion": it.APIVersion,
			"kind":       it.Kind,
			"metadata":   map[string]any{"name": it.Name, "namespace": it.Namespace},
		}
	}
	return items
}
