package discovery

import (
	"context"
	"strconv"

	"golang.org/x/sync/errgroup"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/metadata"
)

// Count is the number of objects of one resource, or why there is none.
type Count struct {
	// N is the number of objects, when Err is nil and Listable.
	N int64
	// Listable says whether the resource supports list.
	Listable bool
	// Forbidden says that the user may not list it.
	Forbidden bool
	// Err is any other error.
	Err error
}

// String is the COUNT cell: the number, "forbidden", "error" or "".
func (c Count) String() string {
	switch {
	case !c.Listable:
		return ""
	case c.Forbidden:
		return "forbidden"
	case c.Err != nil:
		return "error"
	}
	return strconv.FormatInt(c.N, 10)
}

// countPage is the page size when a server does not say how many remain.
const countPage = 500

// CountObjects counts the objects of each listable resource, in namespace
// for namespaced ones ("" for all namespaces), with at most parallel lists
// at a time. Each count is one metadata list of limit=1 that reads
// remainingItemCount; a server that does not give it is paged through.
func CountObjects(ctx context.Context, client metadata.Interface, resources []APIResource, namespace string, parallel int) []Count {
	out := make([]Count, len(resources))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(max(1, parallel))
	for i, r := range resources {
		if !r.Supports("list") {
			continue
		}
		g.Go(func() error {
			n, err := countOne(gctx, client, r, namespace)
			out[i] = Count{N: n, Listable: true, Forbidden: apierrors.IsForbidden(err), Err: err}
			return nil
		})
	}
	_ = g.Wait()
	if ctx.Err() != nil {
		for i := range out {
			if out[i].Listable && out[i].Err == nil && out[i].N == 0 {
				out[i].Err = ctx.Err()
			}
		}
	}
	return out
}

// countOne counts the objects of one resource.
func countOne(ctx context.Context, client metadata.Interface, r APIResource, namespace string) (int64, error) {
	ri := client.Resource(r.GroupVersionResource())
	list := func(opts metav1.ListOptions) (*metav1.PartialObjectMetadataList, error) {
		if r.Namespaced && namespace != "" {
			return ri.Namespace(namespace).List(ctx, opts)
		}
		return ri.List(ctx, opts)
	}
	l, err := list(metav1.ListOptions{Limit: 1})
	if err != nil {
		return 0, err
	}
	n := int64(len(l.Items))
	if l.Continue == "" {
		return n, nil
	}
	if l.RemainingItemCount != nil {
		return n + *l.RemainingItemCount, nil
	}
	for cont := l.Continue; cont != ""; cont = l.Continue {
		if l, err = list(metav1.ListOptions{Limit: countPage, Continue: cont}); err != nil {
			return 0, err
		}
		n += int64(len(l.Items))
	}
	return n, nil
}
