package render

import (
	"io"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// AddContextColumn makes t a table of one cluster of a fleet: a leading
// CONTEXT column holding context and, with withNamespace, a NAMESPACE column
// after it (print it without the printer's own NAMESPACE column, which
// would come first). Rows are decoded for their namespace.
func AddContextColumn(t *metav1.Table, context string, withNamespace bool) error {
	if err := DecodeRows(t); err != nil {
		return err
	}
	cols := []metav1.TableColumnDefinition{{Name: "Context", Type: "string"}}
	if withNamespace {
		cols = append(cols, metav1.TableColumnDefinition{Name: "Namespace", Type: "string"})
	}
	t.ColumnDefinitions = append(cols, t.ColumnDefinitions...)
	for i := range t.Rows {
		row := &t.Rows[i]
		cells := []interface{}{context}
		if withNamespace {
			ns := ""
			if m, err := meta.Accessor(row.Object.Object); err == nil {
				ns = m.GetNamespace()
			}
			cells = append(cells, ns)
		}
		row.Cells = append(cells, row.Cells...)
	}
	return nil
}

// ContextArg is the --context=CONTEXT argument naming context, the context
// quoted for xargs and shells when it has a space or a quote.
func ContextArg(context string) string {
	if strings.ContainsAny(context, " \t\n'\"\\") {
		context = strconv.Quote(context)
	}
	return "--context=" + context
}

// WithContext is p (a template printer) for one cluster of a fleet: the
// List it prints has a top-level "context" field holding context, so that
// a template can name it ({.context}); the objects are as the server sent them.
func WithContext(p Printer, context string) Printer {
	return contextPrinter{p: p, context: context}
}

type contextPrinter struct {
	p       Printer
	context string
}

func (p contextPrinter) PrintObj(obj runtime.Object, w io.Writer) error {
	if l, ok := obj.(*unstructured.UnstructuredList); ok {
		l.Object["context"] = p.context
	}
	return p.p.PrintObj(obj, w)
}
