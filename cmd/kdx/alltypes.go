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

// allTypeTargets are the types --all-types reads: every listable type of
// snap that the flags select.
func (a allTypesFlags) targets(ctx context.Context, resolver *discovery.Resolver, snap *discovery.Snapshot, allNamespaces bool) ([]discovery.Target, error) {
	sel, err := a.selection(ctx, resolver, allNamespaces)
	if err != nil {
		return nil, err
	}
	return query.SelectTypes(snap, sel), nil
}
