package render

import (
	"fmt"
	"io"

	utiljson "k8s.io/apimachinery/pkg/util/json"

	"github.com/liggitt/tabwriter"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/printers"
)

// TableOptions configure a TablePrinter.
type TableOptions struct {
	Options
	// Wide shows the columns of priority > 0 (-o wide).
	Wide bool
}

// TablePrinter prints server-side tables (metav1.Table) the way kubectl
// does, with cli-runtime's table printer and kubectl's tab writer settings,
// so that the bytes match kubectl's. Other objects get NAME and AGE columns.
type TablePrinter struct {
	opts TableOptions
}

var _ Printer = (*TablePrinter)(nil)

// NewTablePrinter returns a table printer.
func NewTablePrinter(opts TableOptions) *TablePrinter {
	return &TablePrinter{opts: opts}
}

// Options returns the options the printer was built with.
func (p *TablePrinter) Options() TableOptions { return p.opts }

// NeedsObjects reports whether rows need their whole object
// (includeObject=Object) rather than the default metadata: for --sort-by.
func (p *TablePrinter) NeedsObjects() bool { return p.opts.SortBy != "" }

// PrintObj prints obj as a table of its own, with no kind and no namespace column.
func (p *TablePrinter) PrintObj(obj runtime.Object, w io.Writer) error {
	return p.ForType(schema.GroupKind{}, false, false).PrintObj(obj, w)
}

// ForType returns the printer for the tables of one resource type, to be
// used for all its pages (headers are printed once while the columns stay
// the same). withNamespace adds the NAMESPACE column (-A on a namespaced
// type); withKind prefixes names with kind.group when several types are
// shown (or --show-kind). Rows are decoded and sorted as the options need.
// Write to a TableWriter's Writer() to keep kubectl's column widths.
func (p *TablePrinter) ForType(gk schema.GroupKind, withNamespace, withKind bool) Printer {
	o := p.opts
	labels := o.LabelColumns
	if labels == nil {
		labels = []string{}
	}
	tp := printers.NewTablePrinter(printers.PrintOptions{
		Kind:          gk,
		WithKind:      withKind || o.ShowKind,
		NoHeaders:     o.NoHeaders,
		Wide:          o.Wide,
		WithNamespace: withNamespace,
		ColumnLabels:  labels,
		ShowLabels:    o.ShowLabels,
	})
	needRows := withNamespace || len(labels) > 0 || o.ShowLabels || o.SortBy != ""
	var out Printer = tp
	if o.SortBy != "" {
		out = &tableSorter{delegate: tp, field: o.SortBy}
	}
	return &rowDecoder{delegate: out, decode: needRows}
}

// rowDecoder decodes the raw row objects of a table, when needed, before
// handing the table on.
type rowDecoder struct {
	delegate Printer
	decode   bool
}

func (d *rowDecoder) PrintObj(obj runtime.Object, w io.Writer) error {
	if t, ok := obj.(*metav1.Table); ok && d.decode {
		if err := DecodeRows(t); err != nil {
			return err
		}
	}
	return d.delegate.PrintObj(obj, w)
}

// DecodeRows decodes every row's raw object into an *unstructured.Unstructured,
// as kubectl does, for labels, namespaces and sorting.
func DecodeRows(t *metav1.Table) error {
	for i := range t.Rows {
		row := &t.Rows[i]
		if row.Object.Raw == nil || row.Object.Object != nil {
			continue
		}
		u := &unstructured.Unstructured{}
		if err := utiljson.Unmarshal(row.Object.Raw, &u.Object); err != nil {
			return fmt.Errorf("failed to decode table row: %w", err)
		}
		row.Object.Object = u
	}
	return nil
}

// TableWriter is kubectl's tab writer around an output: one for the whole
// command, shared by the tables of every type, with a blank line between
// types, as kubectl get prints them. It keeps only rendered text.
type TableWriter struct {
	tw       *tabwriter.Writer
	tracking *trackingWriter
	sep      *separatorWriter
	// types counts the types started.
	types int
}

// NewTableWriter returns a TableWriter writing to w.
func NewTableWriter(w io.Writer) *TableWriter {
	tracking := &trackingWriter{w: w}
	sep := &separatorWriter{w: tracking}
	return &TableWriter{tw: printers.GetNewTabWriter(sep), tracking: tracking, sep: sep}
}

// Writer is where table printers write; text is aligned on Flush.
func (t *TableWriter) Writer() io.Writer { return t.tw }

// StartType prepares for the tables of another type: what is buffered is
// flushed, column widths are forgotten and, if anything was printed and
// headers are on, a blank line will separate the two types.
func (t *TableWriter) StartType(noHeaders bool) error {
	if err := t.tw.Flush(); err != nil {
		return err
	}
	t.tw.SetRememberedWidths(nil)
	if t.types > 0 && !noHeaders && t.tracking.written > 0 {
		t.sep.ready = true
	}
	t.types++
	return nil
}

// Flush writes what is buffered.
func (t *TableWriter) Flush() error { return t.tw.Flush() }

// Widths are the column widths the writer remembers (the widest cell of
// each column so far), for a writer of the next frame of a live table.
func (t *TableWriter) Widths() []int { return t.tw.RememberedWidths() }

// SetWidths makes the writer remember widths: no column is printed
// narrower, so that a live table keeps its layout from frame to frame.
func (t *TableWriter) SetWidths(widths []int) { t.tw.SetRememberedWidths(widths) }

// Written reports whether any byte reached the output.
func (t *TableWriter) Written() bool { return t.tracking.written > 0 }

// trackingWriter counts the bytes written through it.
type trackingWriter struct {
	w       io.Writer
	written int
}

func (t *trackingWriter) Write(p []byte) (int, error) {
	t.written += len(p)
	return t.w.Write(p)
}

// separatorWriter writes a blank line before the next non-empty write once ready.
type separatorWriter struct {
	w     io.Writer
	ready bool
}

func (s *separatorWriter) Write(p []byte) (int, error) {
	if len(p) != 0 && s.ready {
		if _, err := s.w.Write([]byte{'\n'}); err != nil {
			return 0, err
		}
		s.ready = false
	}
	return s.w.Write(p)
}
