package main

import (
	"context"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
)

// watch runs `kdx get -w` / `--watch-only`: the same targets as get (several
// types and --all-types allowed), then runWatch.
func (r *getRun) watch(ctx context.Context, resolver *discovery.Resolver) error {
	req, targets, err := r.watchPlan(ctx, resolver)
	if err != nil || len(targets) == 0 {
		return err
	}
	return runWatch(ctx, r.o.f, req, targets)
}

// watchPlan is `get -w` in f's cluster of a fleet (runFleetWatch).
func (o *getOptions) watchPlan(ctx context.Context, f cli.Factory) (watchRequest, []discovery.Target, error) {
	co := *o
	co.f = f
	cfg, client, err := f.ReadClient(o.AllTypes)
	if err != nil {
		return watchRequest{}, nil, err
	}
	resolver, err := f.Resolver(ctx)
	if err != nil {
		return watchRequest{}, nil, err
	}
	r := &getRun{o: &co, client: client, namespace: cfg.Namespace, defaultNamespace: cfg.Namespace,
		errOut: f.Streams().ErrOut, report: query.NewReport("list", "type"), inFleet: true}
	if o.allNamespaces {
		r.namespace = ""
	}
	return r.watchPlan(ctx, resolver)
}

// watchPlan resolves what get -w watches: the targets (none: nothing left
// to watch, with --ignore-not-found) and the request.
func (r *getRun) watchPlan(ctx context.Context, resolver *discovery.Resolver) (watchRequest, []discovery.Target, error) {
	var targets []discovery.Target
	var err error
	if r.o.AllTypes {
		targets, err = r.o.AllTypesFlags.Targets(ctx, resolver, r.o.allNamespaces)
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
		return watchRequest{}, nil, err
	}
	if targets, err = r.missingNames(ctx, targets); err != nil || len(targets) == 0 {
		return watchRequest{}, nil, err
	}
	req := watchRequest{
		flags: r.o.watch, printer: r.o.printer, namespace: r.namespace, allNamespaces: r.o.allNamespaces,
		selector: r.o.selector, fieldSelector: r.o.fieldSelector,
		showManagedFields: r.o.ShowManagedFields, concurrency: r.o.concurrency,
		allTypes: r.o.AllTypes, ignoreForbidden: r.o.IgnoreForbidden,
		out: r.o.f.Streams().Out, errOut: r.errOut, where: &r.o.where,
	}
	if r.o.AllTypes {
		req.types = followTypes(r.o.f, r.o.AllTypesFlags, r.o.allNamespaces)
	} else {
		req.vanished = cli.TypeGone(resolver)
	}
	return req, targets, nil
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

// missingNames fails as kubectl does when a named object does not exist:
// each missing object's error, exit 1, no watch. With --ignore-not-found
// the missing objects are left out (none left: exit 0 at once, as kubectl).
func (r *getRun) missingNames(ctx context.Context, targets []discovery.Target) ([]discovery.Target, error) {
	eng := &query.Engine{Lister: r.client}
	missing, err := eng.Missing(ctx, query.Request{Targets: targets, Namespace: r.namespace, Concurrency: r.o.concurrency})
	switch {
	case err != nil:
		return nil, err
	case len(missing) == 0:
		return targets, nil
	case r.o.ignoreNotFound:
		return query.WithoutMissing(targets, missing), nil
	}
	for _, m := range missing {
		r.report.AddObject(m.Err)
	}
	return nil, r.finish(nil)
}
