package query

import (
	"context"
	"errors"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/discovery"
)

// fetchConcurrency is how many matches of a page are got at once.
const fetchConcurrency = 16

// fewMatches reports whether n matches of a page of size objects are few
// enough to be got one by one rather than listed whole: at most 16, or a
// tenth of the page.
func fewMatches(n, size int) bool { return n <= max(fetchConcurrency, size/10) }

// errManyMatches stops a metadata list whose first page matched too much.
var errManyMatches = errors.New("too many matches to get one by one")

// fetchesMatches reports whether whole objects of t are better read as a
// metadata-only list, filtered, then a get of each match: when the filter
// reads only metadata and whole objects are wanted.
func (w *Where) fetchesMatches(req Request, t discovery.Target) bool {
	return w != nil && req.Read == Objects && req.Subresource == "" && w.Filter.MetadataOnly()
}

// listThenGet lists t as metadata, filters each page and hands on the
// whole objects of its matches, got fetchConcurrency at a time, in list
// order (an object deleted in between is left out). When the first page
// matches too much (see fewMatches), the metadata list is dropped and t is
// listed whole instead, which is cheaper then.
func (e *Engine) listThenGet(ctx context.Context, req Request, t discovery.Target, opts metav1.ListOptions, page func(runtime.Object) error) error {
	first := true
	err := e.Lister.MetadataPages(ctx, t.Mapping, req.Namespace, opts, func(l *metav1.PartialObjectMetadataList) error {
		size := len(l.Items)
		if _, err := req.Where.keep(t, l); err != nil {
			return err
		}
		if first && !fewMatches(len(l.Items), size) {
			klog.V(4).Infof("--where: %d of the first %d %s match: listing whole objects instead of getting each", len(l.Items), size, t.QualifiedName())
			return errManyMatches
		}
		first = false
		objs, err := e.getAll(ctx, req, t, l.Items)
		if err != nil {
			return err
		}
		return page(&unstructured.UnstructuredList{Items: objs})
	})
	if errors.Is(err, errManyMatches) {
		return e.Lister.ListPages(ctx, t.Mapping, req.Namespace, opts, func(l *unstructured.UnstructuredList) error { return page(l) })
	}
	return err
}

// getAll gets the whole objects of items, in their order.
func (e *Engine) getAll(ctx context.Context, req Request, t discovery.Target, items []metav1.PartialObjectMetadata) ([]unstructured.Unstructured, error) {
	type got struct {
		obj *unstructured.Unstructured
		err error
	}
	var out []unstructured.Unstructured
	var firstErr error
	err := Ordered(ctx, len(items), fetchConcurrency, func(ctx context.Context, i int) got {
		obj, err := e.Lister.Get(ctx, t.Mapping, items[i].Namespace, items[i].Name, "")
		return got{obj, err}
	}, func(_ int, g got) error {
		switch {
		case g.err == nil:
			out = append(out, *g.obj)
		case apierrors.IsNotFound(g.err): // deleted since it was listed
		case firstErr == nil:
			firstErr = g.err
		}
		return nil
	})
	if firstErr != nil {
		return nil, firstErr
	}
	return out, err
}
