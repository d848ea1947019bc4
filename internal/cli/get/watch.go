package get

import (
	"context"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
)

// runWatch runs `kdx get -w` / `--watch-only`: the same targets as get
// (several types and --all-types allowed), then cli.RunWatch.
func (o *getOptions) runWatch(ctx context.Context, contexts []string) error {
	err := cli.RunWatch(ctx, o.f, contexts, o.watchPlan)
	o.where.Warn(o.f.Streams().ErrOut)
	return err
}

// watchPlan is `get -w` in f's cluster (a cli.WatchPlan).
func (o *getOptions) watchPlan(ctx context.Context, f cli.Factory) (cli.WatchRequest, []discovery.Target, error) {
	r, resolver, err := o.newRun(ctx, f, o.printer, query.NewReport("list", "type"))
	if err != nil {
		return cli.WatchRequest{}, nil, err
	}
	return r.watchPlan(ctx, resolver)
}

// watchPlan resolves what get -w watches: the targets (none: nothing left
// to watch, with --ignore-not-found) and the request.
func (r *getRun) watchPlan(ctx context.Context, resolver *discovery.Resolver) (cli.WatchRequest, []discovery.Target, error) {
	var targets []discovery.Target
	var err error
	if r.o.AllTypes {
		targets, err = r.o.AllTypesFlags.Targets(ctx, resolver, r.o.allNamespaces)
		targets = cli.WatchableOnly(targets)
	} else {
		targets, err = resolver.ResolveArgs(ctx, r.o.args)
		if err == nil {
			err = r.checkTargets(targets)
		}
		if err == nil {
			err = cli.CheckWatchable(targets)
		}
	}
	if err != nil {
		return cli.WatchRequest{}, nil, err
	}
	if targets, err = r.missingNames(ctx, targets); err != nil || len(targets) == 0 {
		return cli.WatchRequest{}, nil, err
	}
	req := cli.WatchRequest{
		Flags: r.o.watch, Printer: r.o.printer, Namespace: r.namespace, AllNamespaces: r.o.allNamespaces,
		Selector: r.o.selector, FieldSelector: r.o.fieldSelector,
		ShowManagedFields: r.o.ShowManagedFields, Concurrency: r.o.concurrency,
		AllTypes: r.o.AllTypes, IgnoreForbidden: r.o.IgnoreForbidden,
		Out: r.o.f.Streams().Out, ErrOut: r.errOut, Where: &r.o.where,
	}
	if r.o.AllTypes {
		req.Types = cli.FollowTypes(r.o.f, r.o.AllTypesFlags, r.o.allNamespaces)
	} else {
		req.Vanished = cli.TypeGone(resolver)
	}
	return req, targets, nil
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
