package query

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kdxproject/kdx/discovery"
)

// countPage is the page size when a server does not say how many remain.
const countPage = 500

// Count counts the objects of each target of req (in req.Namespace for the
// namespaced ones, "" for all), req.Concurrency at a time, in target order.
// Each count is one metadata list of limit=1 that reads remainingItemCount;
// a server that does not give it is paged through. A target that does not
// support list gets a Count that is not Listable. It returns the context's
// error when the context ends.
func (e *Engine) Count(ctx context.Context, req Request) ([]discovery.Count, error) {
	out := make([]discovery.Count, len(req.Targets))
	err := Ordered(ctx, len(req.Targets), req.Concurrency, func(ctx context.Context, i int) discovery.Count {
		t := req.Targets[i]
		if !t.Resource.Supports("list") {
			return discovery.Count{}
		}
		n, err := e.countOne(ctx, req, t)
		return discovery.Count{N: n, Listable: true, Forbidden: apierrors.IsForbidden(err), Err: err}
	}, func(i int, c discovery.Count) error {
		out[i] = c
		return nil
	})
	if err == nil {
		err = ctx.Err()
	}
	return out, err
}

// countOne counts the objects of one target.
func (e *Engine) countOne(ctx context.Context, req Request, t discovery.Target) (int64, error) {
	opts := metav1.ListOptions{LabelSelector: req.LabelSelector, FieldSelector: req.FieldSelector, Limit: 1}
	first, err := e.Lister.MetadataPage(ctx, t.Mapping, req.Namespace, opts)
	switch {
	case err != nil:
		return 0, err
	case first == nil:
		return 0, nil
	case first.Continue == "":
		return int64(len(first.Items)), nil
	case first.RemainingItemCount != nil:
		return int64(len(first.Items)) + *first.RemainingItemCount, nil
	}
	// no remainingItemCount (a field or label selector, or an old
	// server): every page is counted
	var n int64
	opts.Limit = countPage
	err = e.Lister.MetadataPages(ctx, t.Mapping, req.Namespace, opts, func(l *metav1.PartialObjectMetadataList) error {
		n += int64(len(l.Items))
		return nil
	})
	return n, err
}
