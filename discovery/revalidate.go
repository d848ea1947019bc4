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
		r.warnSkipped(r.snap.Failures)
		return r.snap, nil
	}
	r.revalidated = true
	s, err := r.client.Confirm(ctx)
	if err != nil {
		return nil, err
	}
	r.refreshed = true // the refresh on a miss would only repeat this one
	r.setSnapshot(s)
	r.warnSkipped(s.Failures)
	return s, nil
}

// warnSkipped names the group/versions that could not be discovered, for
// an answer they may make incomplete. r.mu may be held.
func (r *Resolver) warnSkipped(fs []Failure) {
	if r.client != nil {
		r.client.WarnSkipped(fs)
	}
}

// warnSkippedBefore warns of the group/versions skipped in groups of
// higher priority than chosen's (core first, then discovery order), where
// the name might have resolved had they been read; a name that resolved
// into a group of higher priority cannot be affected.
func (r *Resolver) warnSkippedBefore(chosen schema.GroupResource) {
	snap, _, _ := r.state()
	if len(snap.Failures) == 0 {
		return
	}
	rank := map[string]int{}
	for i, g := range snap.groups {
		if _, ok := rank[g.Name]; !ok {
			rank[g.Name] = i
		}
	}
	var fs []Failure
	for _, f := range snap.Failures {
		gv, err := schema.ParseGroupVersion(f.GroupVersion)
		if err != nil {
			continue
		}
		if i, ok := rank[gv.Group]; !ok || i < rank[chosen.Group] {
			fs = append(fs, f)
		}
	}
	r.warnSkipped(fs)
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
