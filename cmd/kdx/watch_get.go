package main

import (
	"context"

	"github.com/kdxproject/kdx/discovery"
)

// watch runs `kdx get -w` / `--watch-only`: the same targets as get (several
// types and --all-types allowed), then runWatch.
func (r *getRun) watch(ctx context.Context, resolver *discovery.Resolver) error {
	var targets []discovery.Target
	var err error
	if r.o.allTypes {
		targets, err = r.o.allTypesFlags.targets(ctx, resolver, r.o.allNamespaces)
		targets = watchableOnly(targets)
	} else {
		targets, err = resolver.ResolveArgs(ctx, r.o.args)
		if err == nil {
			err = r.checkTargets(targets)
		}
		if err == nil {
			err = checkWatchable(targets)
		}
	}
	if err != nil {
		return err
	}
	req := watchRequest{
		flags: r.o.watch, printer: r.o.printer, namespace: r.namespace, allNamespaces: r.o.allNamespaces,
		selector: r.o.selector, fieldSelector: r.o.fieldSelector,
		showManagedFields: r.o.showManagedFields, concurrency: r.o.concurrency,
		out: r.o.f.streams.Out, errOut: r.errOut, unnamedTypes: r.o.allTypes,
	}
	return runWatch(ctx, r.o.f, req, targets)
}

// watchableOnly keeps the targets whose resource supports watch.
func watchableOnly(targets []discovery.Target) []discovery.Target {
	var out []discovery.Target
	for _, t := range targets {
		if t.Resource.Supports("watch") {
			out = append(out, t)
		}
	}
	return out
}
