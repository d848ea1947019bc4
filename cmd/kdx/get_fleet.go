package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"time"

	"github.com/liggitt/tabwriter"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
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
	fp := newFleetPrinter(o, out)
	failed := false
	if !o.human() {
		defer debug.SetGCPercent(debug.SetGCPercent(objectsGCPercent)) // once for every cluster (see objects)
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
		if err := fp.print(c); err != nil {
			return err
		}
		for _, l := range c.report.Lines() {
			cli.ContextError(errOut, c.context, l)
		}
		failed = failed || c.report.Len() > 0
		return out.Flush()
	})
	if err == nil {
		err = fp.close()
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
	if !fp.written && !o.ignoreNotFound && o.human() {
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

// fleetPrinter prints the clusters' reads one after the other.
type fleetPrinter struct {
	o          *getOptions
	out        *bufio.Writer
	tw         *render.TableWriter
	shared     render.Printer     // the table printer of the type printed last
	sharedKind schema.GroupKind   // its type
	docs       render.ContextDocs // object formats
	// columns aligns the custom columns of every cluster, CONTEXT first.
	columns *tabwriter.Writer
	header  bool // the custom columns header was written
	written bool
}

func newFleetPrinter(o *getOptions, out *bufio.Writer) *fleetPrinter {
	return &fleetPrinter{o: o, out: out, tw: render.NewTableWriter(out), docs: render.ContextDocs{Out: out, Format: o.format,
		EmptyJSON: `{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}`,
		EmptyYAML: "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\""}}
}

func (p *fleetPrinter) print(c *clusterRead) error {
	if p.o.human() {
		return p.tables(c)
	}
	return p.objects(c)
}

// tables prints c's tables with the CONTEXT column: one table over every
// cluster when one type is read, else one table per type and cluster.
func (p *fleetPrinter) tables(c *clusterRead) error {
	tp := p.o.printer.(*render.TablePrinter)
	// Rows are named kind/name when several types were asked for.
	withKind := p.o.AllTypes || len(p.o.args) > 1 || (len(p.o.args) == 1 && strings.Contains(p.o.args[0], ",")) || len(c.tables) > 1
	for _, tpg := range c.tables {
		withNS := p.o.allNamespaces && tpg.t.Namespaced
		gk := tpg.t.GVK.GroupKind()
		// One table for a type read from several clusters in a row; a new
		// one (headers, widths, a blank line before it) for another type.
		if p.shared == nil || gk != p.sharedKind {
			if err := p.tw.StartType(p.o.NoHeaders); err != nil {
				return err
			}
			p.shared, p.sharedKind = tp.ForType(gk, false, withKind), gk
		}
		printer := p.shared
		for _, page := range tpg.pages {
			t, ok := page.(*metav1.Table)
			if !ok { // --server-print=false, or a server that prints no table
				t = dynamicclient.NameAgeTable(page, time.Now())
				page = t
			}
			if err := render.AddContextColumn(t, c.context, withNS); err != nil {
				return err
			}
			if err := printer.PrintObj(page, p.tw.Writer()); err != nil {
				return err
			}
		}
	}
	if err := p.tw.Flush(); err != nil {
		return err
	}
	p.written = p.tw.Written()
	return nil
}

// objects writes c's output in the fleet's shape of the format
// (render.ContextDocs): custom columns get a leading CONTEXT column, templates'
// output is written as it is, one context after the other.
func (p *fleetPrinter) objects(c *clusterRead) error {
	p.written = true
	switch p.o.format {
	case render.FormatCustomColumns:
		return p.customColumns(c)
	case render.FormatTemplate:
		_, err := p.out.Write(c.out.Bytes())
		return err
	}
	p.docs.Add(c.context, c.out.Bytes())
	return nil
}

// customColumns adds c's tab-separated rows to the fleet's columns: one
// header (the first cluster's), a CONTEXT cell before each row.
func (p *fleetPrinter) customColumns(c *clusterRead) error {
	if p.columns == nil {
		p.columns = printers.GetNewTabWriter(p.out)
	}
	lines := strings.SplitAfter(c.out.String(), "\n")
	if !p.o.NoHeaders && len(lines) > 0 {
		if !p.header {
			fmt.Fprint(p.columns, "CONTEXT\t"+lines[0])
			p.header = true
		}
		lines = lines[1:]
	}
	for _, l := range lines {
		if l != "" {
			fmt.Fprint(p.columns, c.context+"\t"+l)
		}
	}
	return nil
}

// close ends the output.
func (p *fleetPrinter) close() error {
	if p.columns != nil {
		return p.columns.Flush()
	}
	if !p.o.human() && p.o.format != render.FormatTemplate {
		p.docs.Close()
	}
	return nil
}
