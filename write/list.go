package write

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kdxproject/kdx/discovery"
)

// listPageSize is the page size of ListNames.
const listPageSize = 500

// Selector filters a list.
type Selector struct {
	// Label is a label selector ("" for all).
	Label string
	// Field is a field selector ("" for all).
	Field string
}

// MetadataLister lists the metadata of a resource's objects page by page;
// *dynamicclient.Client is one.
type MetadataLister interface {
	MetadataPages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, fn func(*metav1.PartialObjectMetadataList) error) error
}

// ListNames returns a Ref for every object of ref's collection (in every
// namespace when ref is namespaced and ref.Namespace is ""), in the order
// the server lists them, reading metadata only, page by page with l (whose
// paging survives an expired continue token and a 429).
func ListNames(ctx context.Context, l MetadataLister, ref Ref, sel Selector) ([]Ref, error) {
	coll := ref
	coll.Name = ""
	opts := metav1.ListOptions{LabelSelector: sel.Label, FieldSelector: sel.Field, Limit: listPageSize}
	var out []Ref
	err := l.MetadataPages(ctx, ref.Mapping, ref.Namespace, opts, func(page *metav1.PartialObjectMetadataList) error {
		for _, it := range page.Items {
			r := coll
			r.Name, r.Namespace = it.Name, it.Namespace
			out = append(out, r)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
