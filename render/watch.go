package render

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"
)

// WatchEvent is one watch event to print.
type WatchEvent struct {
	// Type is ADDED, MODIFIED or DELETED.
	Type string
	// Object is the object (for tables, at least its metadata).
	Object *unstructured.Unstructured
	// Columns and Cells are the object's server-side table row, if any.
	Columns []metav1.TableColumnDefinition
	Cells   []any
	// Context is the context of the cluster the event is from, in a watch
	// of several clusters (WatchOptions.Contexts).
	Context string
}

// WatchOptions configure a WatchPrinter.
type WatchOptions struct {
	// Events prints the event type: an EVENT column in tables, and
	// {"type": ..., "object": ...} documents for json, jsonl and yaml
	// (kubectl's --output-watch-events).
	Events bool
	// MultiKind says that several kinds share the stream: table names are
	// kind.group/name and a kind's header is printed again when it changes.
	MultiKind bool
	// WithNamespace adds the NAMESPACE column to tables (-A).
	WithNamespace bool
	// ShowManagedFields keeps metadata.managedFields in event documents.
	ShowManagedFields bool
	// Contexts says that the events come from several clusters: tables get
	// a leading CONTEXT column, documents are {"context": ..., "object": ...}
	// (with "type" between them with Events), names end in -n NAMESPACE --context=CONTEXT (see NamePrinter).
	Contexts bool
}

// WatchPrinter prints watch events as they arrive with a printer from
// NewPrinter: table rows through the TablePrinter (widths remembered, as
// kubectl's watch does), objects through the other printers. Output is
// buffered until Flush.
type WatchPrinter struct {
	printer Printer
	opts    WatchOptions
	out     *bufio.Writer

	// table state: the writer shared by every row, the printer of the
	// current kind and that kind.
	tables   *TableWriter
	kindRows Printer
	lastKind schema.GroupKind
	started  bool
	// count is the number of objects printed (for YAML's separators).
	count int
	// columns is the custom columns batch being collected, nil between batches.
	columns Stream
}

// NewWatchPrinter returns a printer of watch events to w.
func NewWatchPrinter(p Printer, w io.Writer, opts WatchOptions) *WatchPrinter {
	wp := &WatchPrinter{printer: p, opts: opts, out: bufio.NewWriterSize(w, 64<<10)}
	if _, ok := p.(*TablePrinter); ok {
		wp.tables = NewTableWriter(wp.out)
	}
	return wp
}

// IsTable reports whether events are printed as table rows (and so want
// server-side table rows).
func (p *WatchPrinter) IsTable() bool { return p.tables != nil }

// Print prints one event.
func (p *WatchPrinter) Print(ev WatchEvent) error {
	if p.tables != nil {
		return p.printRow(ev)
	}
	defer func() { p.count++ }()
	if lp, ok := p.printer.(*ListPrinter); ok {
		return p.printEncoded(lp, ev)
	}
	if cc, ok := p.printer.(*CustomColumnsPrinter); ok {
		return p.printColumns(cc, ev)
	}
	if _, ok := p.printer.(*NamePrinter); ok && p.opts.Contexts {
		return (&NamePrinter{Context: ev.Context}).PrintObj(ev.Object, p.out)
	}
	var obj runtime.Object = ev.Object
	if p.opts.Events {
		if _, isName := p.printer.(*NamePrinter); !isName {
			obj = &unstructured.Unstructured{Object: map[string]any{"type": ev.Type, "object": ev.Object.Object}}
		}
	}
	return p.printer.PrintObj(obj, p.out)
}

// printEncoded prints an event as JSON, JSON lines or YAML.
func (p *WatchPrinter) printEncoded(lp *ListPrinter, ev WatchEvent) error {
	if lp.Encoding == YAMLEncoding && p.count > 0 {
		if _, err := io.WriteString(p.out, "---\n"); err != nil {
			return err
		}
	}
	if !p.opts.Events && !p.opts.Contexts && lp.Encoding != JSONLinesEncoding {
		return lp.PrintObj(ev.Object, p.out)
	}
	var doc any = p.eventObject(ev.Object)
	switch {
	case p.opts.Contexts:
		d := contextDocument{Context: ev.Context, Object: p.eventObject(ev.Object)}
		if p.opts.Events {
			d.Type = ev.Type
		}
		doc = d
	case p.opts.Events:
		doc = watchDocument{Type: ev.Type, Object: p.eventObject(ev.Object)}
	}
	var b []byte
	var err error
	switch {
	case lp.Encoding == YAMLEncoding:
		b, err = yaml.Marshal(doc)
	case lp.Encoding == JSONEncoding && p.opts.Contexts:
		b, err = json.MarshalIndent(doc, "", "    ")
		b = append(b, '\n')
	default:
		b, err = json.Marshal(doc)
		b = append(b, '\n')
	}
	if err != nil {
		return fmt.Errorf("failed to encode %s event of %s: %w", ev.Type, ev.Object.GetName(), err)
	}
	_, err = p.out.Write(b)
	return err
}

// watchDocument is kubectl's metav1.WatchEvent as printed: type, then object.
type watchDocument struct {
	Type   string         `json:"type"`
	Object map[string]any `json:"object"`
}

// contextDocument is an event of a watch of several clusters as printed:
// the context, the event type (with --output-watch-events), the object as
// the server sent it.
type contextDocument struct {
	Context string         `json:"context"`
	Type    string         `json:"type,omitempty"`
	Object  map[string]any `json:"object"`
}

// printColumns adds an event to the custom columns of the current batch,
// which are aligned and written at Flush; only the first batch has a header.
func (p *WatchPrinter) printColumns(cc *CustomColumnsPrinter, ev WatchEvent) error {
	if p.columns == nil {
		batch := *cc
		batch.NoHeaders = cc.NoHeaders || p.count > 0
		p.columns = batch.NewStream(p.out, false)
	}
	return p.columns.Add([]unstructured.Unstructured{*ev.Object})
}

// eventObject is the object of a document (JSON lines, or an event),
// without managed fields unless asked for.
func (p *WatchPrinter) eventObject(u *unstructured.Unstructured) map[string]any {
	if p.opts.ShowManagedFields {
		return u.Object
	}
	return withoutManagedFields(u).Object
}

// printRow prints an event as a table row, with its kind's header first
// when the kind changes in a multi-kind stream.
func (p *WatchPrinter) printRow(ev WatchEvent) error {
	gk := ev.Object.GroupVersionKind().GroupKind()
	if !p.started || (p.opts.MultiKind && gk != p.lastKind) {
		if err := p.startKind(gk); err != nil {
			return err
		}
	}
	var obj runtime.Object = ev.Object
	if len(ev.Columns) > 0 {
		obj = &metav1.Table{
			ColumnDefinitions: ev.Columns,
			Rows:              []metav1.TableRow{{Cells: ev.Cells, Object: runtime.RawExtension{Object: ev.Object}}},
		}
	}
	if p.opts.Contexts {
		t, ok := obj.(*metav1.Table)
		if !ok {
			return fmt.Errorf("%s %s: no table row to print for context %q", ev.Object.GetKind(), ev.Object.GetName(), ev.Context)
		}
		if err := AddContextColumn(t, ev.Context, p.opts.WithNamespace); err != nil {
			return err
		}
	}
	if p.opts.Events {
		obj = &metav1.WatchEvent{Type: ev.Type, Object: runtime.RawExtension{Object: obj}}
	}
	return p.kindRows.PrintObj(obj, p.tables.Writer())
}

// startKind starts the rows of another kind: a blank line and its header.
func (p *WatchPrinter) startKind(gk schema.GroupKind) error {
	tp := p.printer.(*TablePrinter)
	if err := p.tables.StartType(tp.Options().NoHeaders); err != nil {
		return err
	}
	// With contexts, the NAMESPACE column comes after CONTEXT (AddContextColumn).
	p.kindRows = tp.ForType(gk, p.opts.WithNamespace && !p.opts.Contexts, p.opts.MultiKind)
	p.lastKind, p.started = gk, true
	return nil
}

// Flush writes what is buffered; call it when no event is waiting.
func (p *WatchPrinter) Flush() error {
	if p.columns != nil {
		err := p.columns.Close()
		p.columns = nil
		if err != nil {
			return err
		}
	}
	if p.tables != nil {
		if err := p.tables.Flush(); err != nil {
			return err
		}
	}
	return p.out.Flush()
}
