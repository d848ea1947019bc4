package cli

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/query"
)

// AllTypesFlags are the flags of every command that can read all types:
// get, watch and export.
type AllTypesFlags struct {
	AllTypes        bool
	IncludeEvents   bool
	Exclude         []string
	IgnoreForbidden bool
}

// Selection turns the flags into the engine's selection; --exclude is
// resolved with resolver.
func (a AllTypesFlags) Selection(ctx context.Context, resolver *discovery.Resolver, allNamespaces bool) (query.AllTypes, error) {
	sel := query.AllTypes{ClusterScoped: allNamespaces, IncludeEvents: a.IncludeEvents, Exclude: map[schema.GroupResource]bool{}}
	for _, typ := range a.Exclude {
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

// Targets are the types --all-types reads: every listable type that the
// flags select, from discovery the server confirmed now (so that no type
// created since the cache was written is missed).
func (a AllTypesFlags) Targets(ctx context.Context, resolver *discovery.Resolver, allNamespaces bool) ([]discovery.Target, error) {
	snap, err := resolver.Revalidated(ctx)
	if err != nil {
		return nil, err
	}
	return a.TargetsIn(ctx, resolver, snap, allNamespaces)
}

// TargetsIn selects the types of snap, for a caller that revalidated
// discovery itself (a watch that follows new types does, every few seconds).
func (a AllTypesFlags) TargetsIn(ctx context.Context, resolver *discovery.Resolver, snap *discovery.Snapshot, allNamespaces bool) ([]discovery.Target, error) {
	sel, err := a.Selection(ctx, resolver, allNamespaces)
	if err != nil {
		return nil, err
	}
	return query.SelectTypes(snap, sel), nil
}

// TypeGone says whether a type is no longer served, as discovery
// revalidated then tells (one recheck per run): a type read from a cache
// written before its CRD was deleted.
func TypeGone(resolver *discovery.Resolver) func(context.Context, schema.GroupVersionResource) bool {
	return func(ctx context.Context, gvr schema.GroupVersionResource) bool {
		return !resolver.StillServed(ctx, gvr)
	}
}

// Vanished is the engine's Request.Vanished (typeGone of a target): for
// --all-types a type whose list answered 404 is left out quietly when
// revalidated discovery no longer serves it; for the types a user named
// (ReportVanished) it is an unknown type.
func Vanished(resolver *discovery.Resolver) func(context.Context, discovery.Target) bool {
	gone := TypeGone(resolver)
	return func(ctx context.Context, t discovery.Target) bool { return gone(ctx, t.GVR) }
}
