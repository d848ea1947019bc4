package render

import (
	"bytes"
	"io"

	"k8s.io/apimachinery/pkg/runtime"
)

// TableBuffer renders the table of one type into memory while several types
// are read at once, until WriteTo writes it in its turn. It is a query.Sink.
type TableBuffer struct {
	text bytes.Buffer
	tw   *TableWriter
	p    Printer
	err  error // of StartType
}

// NewTableBuffer starts the table of one type, printed by p.
func NewTableBuffer(p Printer, noHeaders bool) *TableBuffer {
	b := &TableBuffer{p: p}
	b.tw = NewTableWriter(&b.text)
	b.err = b.tw.StartType(noHeaders)
	return b
}

// Page prints the rows of obj.
func (b *TableBuffer) Page(obj runtime.Object) error {
	if b.err != nil {
		return b.err
	}
	return b.p.PrintObj(obj, b.tw.Writer())
}

// Close ends the table: what the table writer holds is rendered.
func (b *TableBuffer) Close() error { return b.tw.Flush() }

// Empty reports whether the closed table has nothing to print.
func (b *TableBuffer) Empty() bool { return b.text.Len() == 0 }

// WriteTo writes the closed table to w.
func (b *TableBuffer) WriteTo(w io.Writer) (int64, error) { return b.text.WriteTo(w) }
