package get

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"time"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// getRun is the read of one cluster, after Complete and Validate.
type getRun struct {
	o         *getOptions
	client    *dynamicclient.Client
	namespace string // "" with -A
	// defaultNamespace is the namespace named in "No resources found in ...".
	defaultNamespace string
	errOut           io.Writer
	// report collects what could not be read.
	report *query.Report
	// progress counts the types read with --all-types (nil: not drawn).
	progress *render.Progress
}

// Run gets and prints what was asked, from the context's cluster or from
// each cluster of a fleet: one cluster is a fleet of one, read by the same
// runner (cli.EachCluster) and printed by the same printer (printer.go).
func (o *getOptions) Run(ctx context.Context) error {
	contexts, fleet, err := o.f.Fleet()
	if err != nil {
		return err
	}
	if fleet {
		if err := o.validateFleet(); err != nil {
			return err
		}
	}
	if o.raw != "" {
		return o.runRaw(ctx)
	}
	if o.watch.On() {
		return o.runWatch(ctx, contexts) // watch.go
	}
	out := bufio.NewWriterSize(o.f.Streams().Out, 64<<10)
	defer out.Flush()
	if !o.human() {
		// Objects stream through page by page: about 10 MB live for pages of
		// 500. The default GC target lets the heap double that before it
		// collects; half of it costs a little CPU and keeps the peak RSS of
		// `get configmaps -A -o yaml` near 40 MB instead of 47.
		defer debug.SetGCPercent(debug.SetGCPercent(cli.ObjectsGCPercent))
	}
	p := newPrinter(o, out, fleet)
	err = cli.EachCluster(ctx, o.f, contexts, func(ctx context.Context, f cli.Factory) *clusterRead {
		return o.read(ctx, f, p.cluster(f.ContextName()))
	}, func(_ int, c *clusterRead) error { return p.print(c) })
	return p.close(err)
}

// runRaw prints what the server returns for --raw's path.
func (o *getOptions) runRaw(ctx context.Context) error {
	_, client, err := o.f.ReadClient(o.AllTypes)
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(o.f.Streams().Out, 64<<10)
	defer out.Flush()
	return client.Raw(ctx, o.raw, out)
}

// validateFleet rejects what get cannot do over several clusters yet.
func (o *getOptions) validateFleet() error {
	switch {
	case o.watch.On():
		return cli.ValidateFleetWatch(o.printer, o.Output)
	case o.raw != "":
		return errors.New("--raw reads one server: give one --context")
	case o.format == render.FormatKYAML:
		return fmt.Errorf("-o %s is not supported with several contexts: use a table, json, yaml, jsonl, name, custom-columns or a template", o.Output)
	}
	return nil
}

// read reads one cluster with its factory f into c: printed as it is read
// when c is live (the one cluster), held in c for the printer otherwise.
func (o *getOptions) read(ctx context.Context, f cli.Factory, c *clusterRead) *clusterRead {
	if c.err != nil {
		return c
	}
	r, resolver, err := o.newRun(ctx, f, c.printer, c.report)
	if err != nil {
		c.err = err
		return c
	}
	if c.out == nil { // a held read's failures are the printer's lines
		r.errOut = io.Discard
	}
	req, err := r.request(ctx, resolver)
	if err != nil {
		c.err = err
		return c
	}
	eng := &query.Engine{Lister: r.client}
	if c.out != nil {
		c.err = r.live(ctx, eng, req, c.out)
	} else {
		c.err = r.held(ctx, eng, req, c)
	}
	return c
}

// newRun is the read of f's cluster with printer, its failures in report.
func (o *getOptions) newRun(ctx context.Context, f cli.Factory, printer render.Printer, report *query.Report) (*getRun, *discovery.Resolver, error) {
	co := *o
	co.f, co.printer = f, printer
	cfg, client, err := f.ReadClient(o.AllTypes)
	if err != nil {
		return nil, nil, err
	}
	resolver, err := f.Resolver(ctx)
	if err != nil {
		return nil, nil, err
	}
	r := &getRun{o: &co, client: client, namespace: cfg.Namespace, defaultNamespace: cfg.Namespace,
		errOut: f.Streams().ErrOut, report: report}
	if o.allNamespaces {
		r.namespace = ""
	}
	return r, resolver, nil
}

// live prints what it reads of the one cluster as kubectl does (print.go),
// then what could not be read.
func (r *getRun) live(ctx context.Context, eng *query.Engine, req query.Request, out *bufio.Writer) error {
	if r.o.AllTypes && !cli.IsTerminal(r.o.f.Streams().Out) {
		// On the terminal the output itself shows the progress.
		r.progress = render.StartProgress(r.errOut, render.ProgressOptions{Verb: "listing", Total: len(req.Targets), Delay: time.Second})
		defer r.progress.Stop()
	}
	var err error
	if r.o.human() {
		err = r.tables(ctx, eng, req, out)
	} else {
		err = r.objects(ctx, eng, req, out)
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	r.progress.Stop()
	return r.finish(err)
}

// held reads one cluster of several into c, for the printer to print once
// the clusters before it are printed: each type's table pages, or what
// the cluster's printer printed in an object format.
func (r *getRun) held(ctx context.Context, eng *query.Engine, req query.Request, c *clusterRead) error {
	var err error
	if r.o.human() {
		req.Read = r.readKind()
		open := func(discovery.Target) query.Sink { return &render.Pages{} }
		done := func(t discovery.Target, s query.Sink) error {
			if pages := s.(*render.Pages).List; len(pages) > 0 {
				c.tables = append(c.tables, render.FleetTable{GroupKind: t.GVK.GroupKind(), Namespaced: t.Namespaced, Pages: pages})
			}
			return nil
		}
		err = eng.Each(ctx, req, r.report, open, done)
	} else {
		w := bufio.NewWriter(&c.printed)
		err = r.objects(ctx, eng, req, w)
		if ferr := w.Flush(); err == nil {
			err = ferr
		}
	}
	if err == nil {
		if f := r.report.Fatal(); f != nil {
			err = f.Err
		}
	}
	return err
}

// request is the engine's request for the flags and arguments.
func (r *getRun) request(ctx context.Context, resolver *discovery.Resolver) (query.Request, error) {
	req := query.Request{
		Namespace: r.namespace, LabelSelector: r.o.selector, FieldSelector: r.o.fieldSelector,
		ChunkSize: r.o.chunkSize, Subresource: r.o.subresource, Concurrency: 1,
		IgnoreNotFound: r.o.ignoreNotFound, IgnoreForbidden: r.o.IgnoreForbidden,
		Where: r.o.where.Request(r.client, r.o.f),
	}
	if r.o.sortBy != "" {
		req.ChunkSize = 0 // sorting needs everything anyway: one request
	}
	var err error
	if r.o.AllTypes {
		req.Concurrency = r.o.concurrency
		req.Vanished = cli.Vanished(resolver)
		req.Targets, err = r.o.AllTypesFlags.Targets(ctx, resolver, r.o.allNamespaces)
		return req, err
	}
	r.report.Itemize = true // a few types the user named: the server's words for each
	req.Vanished, req.ReportVanished = cli.Vanished(resolver), true
	req.Targets, err = resolver.ResolveArgs(ctx, r.o.args)
	if err == nil {
		err = r.checkTargets(req.Targets)
	}
	return req, err
}

// checkTargets rejects what kubectl rejects before any request.
func (r *getRun) checkTargets(targets []discovery.Target) error {
	for _, t := range targets {
		if len(t.Names) > 0 && r.o.allNamespaces && t.Namespaced {
			return errors.New("a resource cannot be retrieved by name across all namespaces")
		}
		if len(t.Names) > 0 && (r.o.selector != "" || r.o.fieldSelector != "") {
			return errors.New("name cannot be provided when a selector is specified")
		}
		if r.o.subresource != "" && len(t.Names) == 0 {
			return fmt.Errorf("--subresource needs object names: kdx get %s NAME --subresource %s", t.Resource.Resource, r.o.subresource)
		}
	}
	return nil
}

// finish reports what could not be read, after the output: err is an
// error of the output itself, or the context's.
func (r *getRun) finish(err error) error {
	r.o.where.Warn(r.errOut)
	r.report.Write(r.errOut)
	if err != nil {
		return err
	}
	return r.report.Err()
}

// noResources says that nothing was found, as kubectl does, unless
// something could not be read or --ignore-not-found is set.
func (r *getRun) noResources(targets []discovery.Target) {
	if r.o.ignoreNotFound || r.report.Len() > 0 {
		return
	}
	allNamespaced := !r.o.allNamespaces
	for _, t := range targets {
		allNamespaced = allNamespaced && t.Namespaced
	}
	if allNamespaced {
		fmt.Fprintf(r.errOut, "No resources found in %s namespace.\n", r.defaultNamespace)
	} else {
		fmt.Fprintln(r.errOut, "No resources found")
	}
}

// readKind is what the engine fetches for the output format.
func (r *getRun) readKind() query.Read {
	switch {
	case r.o.human() && !r.o.serverPrint:
		return query.Objects
	case r.o.human() && r.o.printer.(*render.TablePrinter).NeedsObjects():
		return query.TablesWithObjects
	case r.o.human():
		return query.Tables
	case r.o.format == render.FormatName && r.o.sortBy == "":
		return query.Metadata
	}
	return query.Objects
}
