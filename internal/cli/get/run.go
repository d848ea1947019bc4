package get

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// getRun is the state of one run of get, after Complete and Validate.
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
	// inFleet says that this is one cluster of several read at once.
	inFleet bool
}

// Run gets and prints what was asked.
func (o *getOptions) Run(ctx context.Context) error {
	if contexts, fleet, err := o.f.Fleet(); err != nil || fleet {
		if err != nil {
			return err
		}
		if o.watch.On() {
			if err := cli.ValidateFleetWatch(o.printer, o.Output); err != nil {
				return err
			}
			err := cli.RunFleetWatch(ctx, o.f, contexts, o.watchPlan) // watch_fleet.go
			o.where.Warn(o.f.Streams().ErrOut)
			return err
		}
		err := o.runFleet(ctx, contexts) // clusters.go
		o.where.Warn(o.f.Streams().ErrOut)
		return err
	}
	cfg, client, err := o.f.ReadClient(o.AllTypes)
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(o.f.Streams().Out, 64<<10)
	defer out.Flush()
	if o.raw != "" {
		return client.Raw(ctx, o.raw, out)
	}
	resolver, err := o.f.Resolver(ctx)
	if err != nil {
		return err
	}
	r := &getRun{o: o, client: client, namespace: cfg.Namespace, defaultNamespace: cfg.Namespace,
		errOut: o.f.Streams().ErrOut, report: query.NewReport("list", "type")}
	if o.allNamespaces {
		r.namespace = ""
	}
	if o.watch.On() {
		return r.watch(ctx, resolver) // watch_get.go
	}
	req, err := r.request(ctx, resolver)
	if err != nil {
		return err
	}
	eng := &query.Engine{Lister: client}
	if o.AllTypes && !cli.IsTerminal(o.f.Streams().Out) {
		// On the terminal the output itself shows the progress.
		r.progress = render.StartProgress(o.f.Streams().ErrOut, render.ProgressOptions{Verb: "listing", Total: len(req.Targets), Delay: time.Second})
		defer r.progress.Stop()
	}
	if o.human() {
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

// request is the engine's request for the flags and arguments.
func (r *getRun) request(ctx context.Context, resolver *discovery.Resolver) (query.Request, error) {
	req := query.Request{
		Namespace: r.namespace, LabelSelector: r.o.selector, FieldSelector: r.o.fieldSelector,
		ChunkSize: r.o.chunkSize, Subresource: r.o.subresource, Concurrency: 1,
		IgnoreNotFound: r.o.ignoreNotFound, IgnoreForbidden: r.o.IgnoreForbidden,
		Where: r.o.where.Request(r.client),
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
