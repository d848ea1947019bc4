package main

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/query"
)

// allTypesFlags are the flags of every command that can read all types:
// get, watch and export.
type allTypesFlags struct {
	allTypes        bool
	includeEvents   bool
	exclude         []string
	ignoreForbidden bool
}

// selection turns the flags into the engine's selection; --exclude is
// resolved with resolver.
func (a allTypesFlags) selection(ctx context.Context, resolver *discovery.Resolver, allNamespaces bool) (query.AllTypes, error) {
	sel := query.AllTypes{ClusterScoped: allNamespaces, IncludeEvents: a.includeEvents, Exclude: map[schema.GroupResource]bool{}}
	for _, typ := range a.exclude {
		ms, err := resolver.Resolve(ctx, typ)
		if err != nil {
			return sel, fmt.Errorf("invalid --exclude: %w", err)
		}
		for _, m := range ms {
			sel.Exclude[m.GVR.GroupResource()] = true
		}
	}
	return sel, nil
}

// targets are the types --all-types reads: every listable type that the
// flags select, from discovery the server confirmed now (so that no type
// created since the cache was written is missed).
func (a allTypesFlags) targets(ctx context.Context, resolver *discovery.Resolver, allNamespaces bool) ([]discovery.Target, error) {
	snap, err := resolver.Revalidated(ctx)
	if err != nil {
		return nil, err
	}
	return a.targetsIn(ctx, resolver, snap, allNamespaces)
}

// targetsIn selects the types of snap, for a caller that revalidated
// discovery itself (a watch that follows new types does, every few seconds).
func (a allTypesFlags) targetsIn(ctx context.Context, resolver *discovery.Resolver, snap *discovery.Snapshot, allNamespaces bool) ([]discovery.Target, error) {
	sel, err := a.selection(ctx, resolver, allNamespaces)
	if err != nil {
		return nil, err
	}
	return query.SelectTypes(snap, sel), nil
}

// typeGone says whether a type is no longer served, as discovery
// revalidated then tells (one recheck per run): a type read from a cache
// written before its CRD was deleted.
func typeGone(resolver *discovery.Resolver) func(context.Context, schema.GroupVersionResource) bool {
	return func(ctx context.Context, gvr schema.GroupVersionResource) bool {
		return !resolver.StillServed(ctx, gvr)
	}
}

// vanished is the engine's Request.Vanished (typeGone of a target): for
// --all-types a type whose list answered 404 is left out quietly when
// revalidated discovery no longer serves it; for the types a user named
// (ReportVanished) it is an unknown type.
func vanished(resolver *discovery.Resolver) func(context.Context, discovery.Target) bool {
	gone := typeGone(resolver)
	return func(ctx context.Context, t discovery.Target) bool { return gone(ctx, t.GVR) }
}
