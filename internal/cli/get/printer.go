package get

import (
	"bufio"
	"bytes"
	"fmt"
	"strings"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// clusterRead is what get read of one cluster.
type clusterRead struct {
	context string
	// printer prints the cluster's objects (one of several: a printer that
	// names the context, or one of its own where printers are not safe for
	// concurrent use).
	printer render.Printer
	// out is the output of the one cluster, printed as it is read; nil for
	// a cluster of several, whose read is held in tables or printed.
	out *bufio.Writer
	// err is why the cluster could not be read (its configuration, an
	// unreachable server, refused credentials, a type it does not serve),
	// or, for the one cluster, the command's error.
	err error
	// report is what could not be read in the cluster.
	report *query.Report
	// tables are the pages of each type read, for table output.
	tables []render.FleetTable
	// printed is the cluster's output in an object format.
	printed bytes.Buffer
}

// printer prints what get read of each cluster, in context order. The
// one cluster's read prints as it goes (pages as they arrive, as kubectl
// prints them: print.go), and its error is the command's. Over several,
// each cluster's read is held and printed here by render.FleetPrinter
// (a CONTEXT column, the context -> document shapes), what failed in a
// cluster is a line naming it, and the exit code is 1.
type printer struct {
	o      *getOptions
	out    *bufio.Writer
	fleet  *render.FleetPrinter // nil: one cluster
	failed bool
}

func newPrinter(o *getOptions, out *bufio.Writer, fleet bool) *printer {
	p := &printer{o: o, out: out}
	if fleet {
		tp, _ := o.printer.(*render.TablePrinter)
		p.fleet = render.NewFleetPrinter(out, o.format, tp, o.NoHeaders, o.allNamespaces)
	}
	return p
}

// cluster is where the read of the cluster of context goes.
func (p *printer) cluster(context string) *clusterRead {
	c := &clusterRead{context: context, printer: p.o.printer, report: query.NewReport("list", "type")}
	if p.fleet == nil {
		c.out = p.out
		return c
	}
	switch pr := p.o.printer.(type) {
	case *render.NamePrinter: // names say their namespace and context
		c.printer = &render.NamePrinter{Context: context}
	case *render.CustomColumnsPrinter: // the fleet aligns every cluster's rows (FleetPrinter)
		c.printer = &render.CustomColumnsPrinter{Columns: pr.Columns, NoHeaders: pr.NoHeaders, Unaligned: true}
	default:
		if p.o.format == render.FormatTemplate {
			tp, err := p.o.newPrinter() // a template printer is not safe for concurrent use
			if err != nil {
				c.err = err
				return c
			}
			c.printer = render.WithContext(tp, context)
		}
	}
	return c
}

// print prints the read of c once the clusters before it are printed.
func (p *printer) print(c *clusterRead) error {
	errOut := p.o.f.Streams().ErrOut
	switch {
	case p.fleet == nil:
		return c.err
	case c.err != nil:
		p.failed = true
		cli.ContextError(errOut, c.context, cliutil.Message(c.err))
		return nil
	}
	if err := p.printHeld(c); err != nil {
		return err
	}
	for _, l := range c.report.Lines() {
		cli.ContextError(errOut, c.context, l)
	}
	p.failed = p.failed || c.report.Len() > 0
	return p.out.Flush()
}

// printHeld prints what was read of c with the fleet's printer.
func (p *printer) printHeld(c *clusterRead) error {
	o := p.o
	if !o.human() {
		return p.fleet.Objects(c.context, c.printed.Bytes())
	}
	// Rows are named kind/name when several types were asked for.
	withKind := o.AllTypes || len(o.args) > 1 || (len(o.args) == 1 && strings.Contains(o.args[0], ",")) || len(c.tables) > 1
	return p.fleet.Tables(c.context, c.tables, withKind)
}

// close ends the output, after err (the runner's, or the one cluster's).
func (p *printer) close(err error) error {
	if p.fleet == nil {
		return err
	}
	errOut := p.o.f.Streams().ErrOut
	if err == nil {
		err = p.fleet.Close()
	}
	if ferr := p.out.Flush(); err == nil {
		err = ferr
	}
	if err == nil && p.failed {
		err = &cliutil.ExitError{Code: 1}
	}
	if err == nil && !p.fleet.Written() && !p.o.ignoreNotFound && p.o.human() {
		fmt.Fprintln(errOut, "No resources found")
	}
	p.o.where.Warn(errOut)
	return err
}
