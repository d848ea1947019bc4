package discovery

import (
	"context"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Revalidated returns a snapshot the server confirmed during this run, for
// answers that depend on the complete list of types (every type, a
// category, counts): data read from the cache within its TTL is
// revalidated with its ETags first (one 304 per document when nothing
// changed), once per resolver. The TTL serves only name resolution. When
// the server cannot be reached, that is the error: such an answer needs
// the server anyway.
func (r *Resolver) Revalidated(ctx context.Context) (*Snapshot, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.client == nil || r.revalidated || !r.snap.FromCache {
		return r.snap, nil
	}
	r.revalidated = true
	s, err := r.client.Confirm(ctx)
	if err != nil {
		return nil, err
	}
	r.refreshed = true // the refresh on a miss would only repeat this one
	r.setSnapshot(s)
	return s, nil
}

// StillServed reports whether gvr is served, after revalidating discovery
// once per resolver: a list that answered 404 may name a type that went
// away since discovery was read. A resolver over a fixed snapshot, or one
// that cannot revalidate, answers from the data it has.
func (r *Resolver) StillServed(ctx context.Context, gvr schema.GroupVersionResource) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.client != nil && !r.rechecked {
		r.rechecked = true
		if s, err := r.client.Refresh(ctx); err == nil {
			r.setSnapshot(s)
		}
	}
	res, ok := r.snap.Lookup(gvr.GroupResource())
	if !ok {
		return false
	}
	return len(res.Versions) == 0 || slices.Contains(res.Versions, gvr.Version)
}

// namesCategory reports whether the comma list typ names a category of the
// current snapshot.
func (r *Resolver) namesCategory(typ string) bool {
	_, _, cats := r.state()
	for _, part := range strings.Split(typ, ",") {
		if _, ok := cats.expand(strings.TrimSpace(part)); ok {
			return true
		}
	}
	return false
}
