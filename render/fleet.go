package render

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"github.com/liggitt/tabwriter"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/kdxproject/kdx/dynamicclient"
)

// FleetTable is the pages of one type read in one context.
type FleetTable struct {
	GroupKind  schema.GroupKind
	Namespaced bool
	Pages      []runtime.Object
}

// FleetPrinter prints what a read gave in each context of a fleet, one
// context after the other, as one output: tables with a CONTEXT column
// (one table over every context while the type stays the same), custom
// columns with a CONTEXT column and one header, templates as they are,
// and the object formats in ContextDocs' shapes.
type FleetPrinter struct {
	out    *bufio.Writer
	format Format
	// table prints tables (FormatTable, FormatWide).
	table         *TablePrinter
	noHeaders     bool
	allNamespaces bool

	tw         *TableWriter
	shared     Printer          // the table printer of the type printed last
	sharedKind schema.GroupKind // its type
	docs       ContextDocs      // object formats
	// columns aligns the custom columns of every context, CONTEXT first.
	columns *tabwriter.Writer
	header  bool // the custom columns header was written
	written bool
}

// NewFleetPrinter prints to out in format; table is the table printer
// for the table formats; with allNamespaces a namespaced type's tables
// keep their NAMESPACE column after CONTEXT.
func NewFleetPrinter(out *bufio.Writer, format Format, table *TablePrinter, noHeaders, allNamespaces bool) *FleetPrinter {
	return &FleetPrinter{out: out, format: format, table: table, noHeaders: noHeaders, allNamespaces: allNamespaces,
		tw: NewTableWriter(out), docs: ContextDocs{Out: out, Format: format,
			EmptyJSON: `{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}`,
			EmptyYAML: "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\""}}
}

// Written says whether anything was printed.
func (p *FleetPrinter) Written() bool { return p.written }

// Tables prints the tables read in context: rows are named kind/name with
// withKind (several types were asked for).
func (p *FleetPrinter) Tables(context string, tables []FleetTable, withKind bool) error {
	for _, tpg := range tables {
		withNS := p.allNamespaces && tpg.Namespaced
		gk := tpg.GroupKind
		// One table for a type read from several clusters in a row; a new
		// one (headers, widths, a blank line before it) for another type.
		if p.shared == nil || gk != p.sharedKind {
			if err := p.tw.StartType(p.noHeaders); err != nil {
				return err
			}
			p.shared, p.sharedKind = p.table.ForType(gk, false, withKind), gk
		}
		printer := p.shared
		for _, page := range tpg.Pages {
			t, ok := page.(*metav1.Table)
			if !ok { // --server-print=false, or a server that prints no table
				t = dynamicclient.NameAgeTable(page, time.Now())
				page = t
			}
			if err := AddContextColumn(t, context, withNS); err != nil {
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

// Objects writes what context printed in an object format in the fleet's
// shape of the format (ContextDocs): custom columns get a leading CONTEXT
// column, templates' output is written as it is.
func (p *FleetPrinter) Objects(context string, printed []byte) error {
	p.written = true
	switch p.format {
	case FormatCustomColumns:
		return p.customColumns(context, printed)
	case FormatTemplate:
		_, err := p.out.Write(printed)
		return err
	}
	p.docs.Add(context, printed)
	return nil
}

// customColumns adds the tab-separated rows printed to the fleet's
// columns: one header (the first context's), a CONTEXT cell before each row.
func (p *FleetPrinter) customColumns(context string, printed []byte) error {
	if p.columns == nil {
		p.columns = printers.GetNewTabWriter(p.out)
	}
	lines := strings.SplitAfter(string(printed), "\n")
	if !p.noHeaders && len(lines) > 0 {
		if !p.header {
			fmt.Fprint(p.columns, "CONTEXT\t"+lines[0])
			p.header = true
		}
		lines = lines[1:]
	}
	for _, l := range lines {
		if l != "" {
			fmt.Fprint(p.columns, context+"\t"+l)
		}
	}
	return nil
}

// Close ends the output.
func (p *FleetPrinter) Close() error {
	if p.columns != nil {
		return p.columns.Flush()
	}
	if p.format != FormatTable && p.format != FormatWide && p.format != FormatTemplate {
		p.docs.Close()
	}
	return nil
}
