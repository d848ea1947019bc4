package get

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// clusterRead is what get read of one cluster of a fleet.
type clusterRead struct {
	context string
	// err is why the cluster could not be read at all (its configuration,
	// an unreachable server, refused credentials, a type it does not serve).
	err error
	// report is what could not be read in the cluster.
	report *query.Report
	// tables are the pages of each target read, for table output.
	tables []targetPages
	// out is the cluster's output in an object format.
	out bytes.Buffer
	// namespace is the cluster's namespace (for "No resources found").
	namespace string
	// log holds the cluster's warnings.
	log cli.ClusterLog
}

// targetPages are the pages read of one target.
type targetPages struct {
	t     discovery.Target
	pages []runtime.Object
}

// runFleet gets the same thing from several clusters, --cluster-concurrency
// at a time, and prints them in the order the contexts were given: tables
// with a leading CONTEXT column, object formats in the shapes the README
// documents. A cluster that fails is one error line naming its context;
// the others are printed in full, and the exit code is 1.
func (o *getOptions) runFleet(ctx context.Context, contexts []string) error {
	if err := o.validateFleet(); err != nil {
		return err
	}
	out := bufio.NewWriterSize(o.f.Streams().Out, 64<<10)
	defer out.Flush()
	errOut := o.f.Streams().ErrOut
	tp, _ := o.printer.(*render.TablePrinter)
	fp := render.NewFleetPrinter(out, o.format, tp, o.NoHeaders, o.allNamespaces)
	failed := false
	if !o.human() {
		defer debug.SetGCPercent(debug.SetGCPercent(cli.ObjectsGCPercent)) // once for every cluster (see objects)
	}
	err := query.Ordered(ctx, len(contexts), o.f.ClusterConcurrency(), func(ctx context.Context, i int) *clusterRead {
		return o.readCluster(ctx, contexts[i])
	}, func(_ int, c *clusterRead) error {
		c.log.Replay(errOut, c.context)
		if c.err != nil {
			failed = true
			cli.ContextError(errOut, c.context, cliutil.Message(c.err))
			return nil
		}
		if err := o.printCluster(fp, c); err != nil {
			return err
		}
		for _, l := range c.report.Lines() {
			cli.ContextError(errOut, c.context, l)
		}
		failed = failed || c.report.Len() > 0
		return out.Flush()
	})
	if err == nil {
		err = fp.Close()
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	if failed {
		return &cliutil.ExitError{Code: 1}
	}
	if !fp.Written() && !o.ignoreNotFound && o.human() {
		fmt.Fprintln(errOut, "No resources found")
	}
	return nil
}

// validateFleet rejects what get cannot do over several clusters yet.
func (o *getOptions) validateFleet() error {
	switch {
	case o.raw != "":
		return errors.New("--raw reads one server: give one --context")
	case o.format == render.FormatKYAML:
		return fmt.Errorf("-o %s is not supported with several contexts: use a table, json, yaml, jsonl, name, custom-columns or a template", o.Output)
	}
	return nil
}

// readCluster reads one cluster: what get would read with --context NAME.
func (o *getOptions) readCluster(ctx context.Context, name string) *clusterRead {
	c := &clusterRead{context: name, report: query.NewReport("list", "type")}
	co := *o
	co.f = cli.ForCluster(o.f, name, &c.log)
	switch p := o.printer.(type) {
	case *render.NamePrinter: // names say their namespace and context
		co.printer = &render.NamePrinter{Context: name}
	case *render.CustomColumnsPrinter: // the fleet aligns every cluster's rows (fleetPrinter.columns)
		co.printer = &render.CustomColumnsPrinter{Columns: p.Columns, NoHeaders: p.NoHeaders, Unaligned: true}
	default:
		if o.format == render.FormatTemplate {
			tp, err := o.newPrinter() // a template printer is not safe for concurrent use
			if err != nil {
				c.err = err
				return c
			}
			co.printer = render.WithContext(tp, name)
		}
	}
	cfg, client, err := co.f.ReadClient(o.AllTypes)
	if err != nil {
		c.err = err
		return c
	}
	resolver, err := co.f.Resolver(ctx)
	if err != nil {
		c.err = err
		return c
	}
	r := &getRun{o: &co, client: client, namespace: cfg.Namespace, defaultNamespace: cfg.Namespace,
		errOut: io.Discard, report: c.report, inFleet: true}
	c.namespace = cfg.Namespace
	if o.allNamespaces {
		r.namespace = ""
	}
	req, err := r.request(ctx, resolver)
	if err != nil {
		c.err = err
		return c
	}
	eng := &query.Engine{Lister: client}
	if o.human() {
		req.Read = r.readKind()
		open := func(discovery.Target) query.Sink { return &render.Pages{} }
		done := func(t discovery.Target, s query.Sink) error {
			if pages := s.(*render.Pages).List; len(pages) > 0 {
				c.tables = append(c.tables, targetPages{t, pages})
			}
			return nil
		}
		err = eng.Each(ctx, req, r.report, open, done)
	} else {
		w := bufio.NewWriter(&c.out)
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
	if err != nil {
		c.err = err
	}
	return c
}

// printCluster prints what was read of c with the fleet's printer.
func (o *getOptions) printCluster(fp *render.FleetPrinter, c *clusterRead) error {
	if !o.human() {
		return fp.Objects(c.context, c.out.Bytes())
	}
	// Rows are named kind/name when several types were asked for.
	withKind := o.AllTypes || len(o.args) > 1 || (len(o.args) == 1 && strings.Contains(o.args[0], ",")) || len(c.tables) > 1
	tables := make([]render.FleetTable, len(c.tables))
	for i, t := range c.tables {
		tables[i] = render.FleetTable{GroupKind: t.t.GVK.GroupKind(), Namespaced: t.t.Namespaced, Pages: t.pages}
	}
	return fp.Tables(c.context, tables, withKind)
}
