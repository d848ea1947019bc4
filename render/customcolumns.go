package render

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/liggitt/tabwriter"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/printers"
	"k8s.io/client-go/util/jsonpath"
)

// Column is one custom column: its header and the JSONPath of its cells.
type Column struct {
	Header    string
	FieldSpec string
}

// CustomColumnsPrinter prints -o custom-columns as kubectl does: one line
// per object, aligned by kubectl's tab writer. Streaming keeps only the
// rendered cells until the columns can be aligned at the end.
type CustomColumnsPrinter struct {
	Columns   []Column
	NoHeaders bool
	// Unaligned writes tab-separated lines for the caller to align (the
	// clusters of a fleet share one tab writer).
	Unaligned bool
}

var (
	_ Printer  = (*CustomColumnsPrinter)(nil)
	_ Streamer = (*CustomColumnsPrinter)(nil)
)

// NewCustomColumnsPrinter parses "custom-columns=H:path,..." or
// "custom-columns-file=PATH" (--template also gives the spec or path, as in kubectl).
func NewCustomColumnsPrinter(output string, opts Options) (*CustomColumnsPrinter, error) {
	format, spec, _ := strings.Cut(output, "=")
	if opts.Template != "" {
		spec = opts.Template
	}
	if spec == "" {
		return nil, fmt.Errorf("custom-columns format specified but no custom columns given")
	}
	if format == "custom-columns-file" {
		f, err := os.Open(spec)
		if err != nil {
			return nil, fmt.Errorf("error reading template %s, %v", spec, err)
		}
		defer f.Close()
		return customColumnsFromTemplate(f)
	}
	return customColumnsFromSpec(spec, opts.NoHeaders)
}

func customColumnsFromSpec(spec string, noHeaders bool) (*CustomColumnsPrinter, error) {
	parts := strings.Split(spec, ",")
	columns := make([]Column, len(parts))
	for i, part := range parts {
		header, path, ok := strings.Cut(part, ":")
		if !ok {
			return nil, fmt.Errorf("unexpected custom-columns spec: %s, expected <header>:<json-path-expr>", part)
		}
		field, err := RelaxedJSONPathExpression(path)
		if err != nil {
			return nil, err
		}
		columns[i] = Column{Header: header, FieldSpec: field}
	}
	return &CustomColumnsPrinter{Columns: columns, NoHeaders: noHeaders}, nil
}

func customColumnsFromTemplate(r io.Reader) (*CustomColumnsPrinter, error) {
	scanner := bufio.NewScanner(r)
	if !scanner.Scan() {
		return nil, fmt.Errorf("invalid template, missing header line. Expected format is one line of space separated headers, one line of space separated column specs.")
	}
	headers := strings.Fields(scanner.Text())
	if !scanner.Scan() {
		return nil, fmt.Errorf("invalid template, missing spec line. Expected format is one line of space separated headers, one line of space separated column specs.")
	}
	specs := strings.Fields(scanner.Text())
	if len(headers) != len(specs) {
		return nil, fmt.Errorf("number of headers (%d) and field specifications (%d) don't match", len(headers), len(specs))
	}
	columns := make([]Column, len(headers))
	for i := range headers {
		field, err := RelaxedJSONPathExpression(specs[i])
		if err != nil {
			return nil, err
		}
		columns[i] = Column{Header: headers[i], FieldSpec: field}
	}
	return &CustomColumnsPrinter{Columns: columns}, nil
}

// PrintObj prints obj (or each item of a list) with a header line.
func (p *CustomColumnsPrinter) PrintObj(obj runtime.Object, w io.Writer) error {
	s := p.NewStream(w, false)
	var items []unstructured.Unstructured
	if list, ok := obj.(*unstructured.UnstructuredList); ok {
		items = list.Items
	} else {
		u, err := toUnstructured(obj)
		if err != nil {
			return err
		}
		items = []unstructured.Unstructured{*u}
	}
	if err := s.Add(items); err != nil {
		return err
	}
	return s.Close()
}

// NewStream starts the rows; they are aligned and written at Close.
func (p *CustomColumnsPrinter) NewStream(w io.Writer, _ bool) Stream {
	s := &columnStream{p: p, tw: w}
	if !p.Unaligned {
		s.aligned = printers.GetNewTabWriter(w)
		s.tw = s.aligned
	}
	return s
}

type columnStream struct {
	p       *CustomColumnsPrinter
	tw      io.Writer
	aligned *tabwriter.Writer // nil when Unaligned
	parsers []*jsonpath.JSONPath
	err     error
}

func (s *columnStream) init() error {
	if s.parsers != nil || s.err != nil {
		return s.err
	}
	s.parsers = make([]*jsonpath.JSONPath, len(s.p.Columns))
	headers := make([]string, len(s.p.Columns))
	for i, c := range s.p.Columns {
		s.parsers[i] = jsonpath.New(fmt.Sprintf("column%d", i)).AllowMissingKeys(true)
		if err := s.parsers[i].Parse(c.FieldSpec); err != nil {
			s.err = err
			return err
		}
		headers[i] = c.Header
	}
	if !s.p.NoHeaders {
		fmt.Fprintln(s.tw, strings.Join(headers, "\t"))
	}
	return nil
}

func (s *columnStream) Add(items []unstructured.Unstructured) error {
	if err := s.init(); err != nil {
		return err
	}
	cells := make([]string, len(s.parsers))
	for i := range items {
		for c, parser := range s.parsers {
			v, err := cell(parser, items[i].Object)
			if err != nil {
				return err
			}
			cells[c] = v
		}
		fmt.Fprintln(s.tw, strings.Join(cells, "\t"))
	}
	return nil
}

// cell renders one custom column cell: values joined by commas, or <none>.
func cell(parser *jsonpath.JSONPath, obj map[string]any) (string, error) {
	values, err := parser.FindResults(obj)
	if err != nil {
		return "", err
	}
	var parts []string
	if len(values) == 0 || len(values[0]) == 0 {
		parts = append(parts, "<none>")
	}
	for _, vs := range values {
		for _, v := range vs {
			parts = append(parts, printers.EscapeTerminal(fmt.Sprint(v.Interface())))
		}
	}
	return strings.Join(parts, ","), nil
}

func (s *columnStream) Close() error {
	if err := s.init(); err != nil || s.aligned == nil {
		return err
	}
	return s.aligned.Flush()
}
