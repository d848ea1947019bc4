package render

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/cli-runtime/pkg/printers"
)

// Printer writes one object (or one list) to w. It is cli-runtime's
// printers.ResourcePrinter, so kdx's printers and cli-runtime's mix freely.
type Printer = printers.ResourcePrinter

// Options are the settings of the printers that NewPrinter builds.
type Options struct {
	// NoHeaders leaves out the header line of tables and custom columns.
	NoHeaders bool
	// ShowLabels adds a LABELS column to tables.
	ShowLabels bool
	// LabelColumns adds one column per label key to tables (-L).
	LabelColumns []string
	// ShowKind prefixes table names with kind.group (--show-kind).
	ShowKind bool
	// ShowManagedFields keeps metadata.managedFields in JSON and YAML output.
	ShowManagedFields bool
	// SortBy is a JSONPath expression whose value orders the rows (--sort-by).
	SortBy string
	// Template is the --template argument for go-template and jsonpath output.
	Template string
	// AllowMissingTemplateKeys ignores missing keys in templates.
	AllowMissingTemplateKeys bool
	// Workers bounds the goroutines encoding JSON and YAML; 0 means GOMAXPROCS.
	Workers int
}

// Format names the kinds of output NewPrinter knows.
type Format int

// The output formats.
const (
	FormatTable Format = iota
	FormatWide
	FormatName
	FormatJSON
	FormatYAML
	FormatKYAML
	FormatJSONL
	FormatTemplate
	FormatCustomColumns
)

// simpleFormats are the -o values without an argument.
var simpleFormats = map[string]Format{
	"":      FormatTable,
	"wide":  FormatWide,
	"name":  FormatName,
	"json":  FormatJSON,
	"yaml":  FormatYAML,
	"kyaml": FormatKYAML,
	"jsonl": FormatJSONL,
}

// templateFormats are the -o values of cli-runtime's template printers.
var templateFormats = []string{"go-template", "go-template-file", "template", "templatefile", "jsonpath", "jsonpath-as-json", "jsonpath-file"}

// columnFormats are the -o values of the custom columns printer.
var columnFormats = []string{"custom-columns", "custom-columns-file"}

// AllowedFormats lists every -o value, sorted.
func AllowedFormats() []string {
	out := append([]string{}, templateFormats...)
	out = append(out, columnFormats...)
	for f := range simpleFormats {
		if f != "" {
			out = append(out, f)
		}
	}
	sort.Strings(out)
	return out
}

// ParseFormat tells which kind of output an -o value asks for (with
// --template given, "" means go-template as in kubectl).
func ParseFormat(output, template string) (Format, error) {
	if f, ok := simpleFormats[output]; ok && !(output == "" && template != "") {
		return f, nil
	}
	name, _, _ := strings.Cut(output, "=")
	if output == "" || contains(templateFormats, name) {
		return FormatTemplate, nil
	}
	if contains(columnFormats, name) {
		return FormatCustomColumns, nil
	}
	return 0, noPrinterError(output)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// NewPrinter resolves an -o value into a printer. Its error lists the
// allowed formats. Tables (-o wide included) are *TablePrinter; json, yaml,
// jsonl, name and custom columns also implement Streamer.
func NewPrinter(output string, opts Options) (Printer, error) {
	format, err := ParseFormat(output, opts.Template)
	if err != nil {
		return nil, err
	}
	switch format {
	case FormatTable, FormatWide:
		return NewTablePrinter(TableOptions{Options: opts, Wide: format == FormatWide}), nil
	case FormatName:
		return &NamePrinter{}, nil
	case FormatJSON:
		return &ListPrinter{Encoding: JSONEncoding, ShowManagedFields: opts.ShowManagedFields, Workers: opts.Workers}, nil
	case FormatYAML:
		return &ListPrinter{Encoding: YAMLEncoding, ShowManagedFields: opts.ShowManagedFields, Workers: opts.Workers}, nil
	case FormatKYAML:
		return omitManagedFields(&printers.KYAMLPrinter{}, opts.ShowManagedFields), nil
	case FormatJSONL:
		return &ListPrinter{Encoding: JSONLinesEncoding, ShowManagedFields: opts.ShowManagedFields, Workers: opts.Workers}, nil
	case FormatCustomColumns:
		return NewCustomColumnsPrinter(output, opts)
	}
	return newTemplatePrinter(output, opts)
}

func omitManagedFields(p Printer, show bool) Printer {
	if show {
		return p
	}
	return &printers.OmitManagedFieldsPrinter{Delegate: p}
}

// noPrinterError is kubectl's error for an unknown -o value, allowed formats sorted.
func noPrinterError(output string) error {
	return AllOutputs().noPrinter(output)
}

// newTemplatePrinter builds cli-runtime's go-template or JSONPath printer for
// go-template[-file]=, template[file]=, jsonpath[-file|-as-json]=, or -o ""
// with --template, as kubectl's template print flags do.
func newTemplatePrinter(output string, opts Options) (Printer, error) {
	format, value, _ := strings.Cut(output, "=")
	if format == "" {
		format = "go-template"
	}
	if value == "" {
		value = opts.Template
	}
	if value == "" {
		return nil, fmt.Errorf("template format specified but no template given")
	}
	if strings.HasSuffix(format, "-file") || format == "templatefile" {
		data, err := os.ReadFile(value)
		if err != nil {
			return nil, fmt.Errorf("error reading --template %s, %v", value, err)
		}
		value = string(data)
	}
	if strings.HasPrefix(format, "jsonpath") {
		p, err := printers.NewJSONPathPrinter(value)
		if err != nil {
			return nil, fmt.Errorf("error parsing jsonpath %s, %v", value, err)
		}
		p.AllowMissingKeys(opts.AllowMissingTemplateKeys)
		p.EnableJSONOutput(format == "jsonpath-as-json")
		return p, nil
	}
	p, err := printers.NewGoTemplatePrinter([]byte(value))
	if err != nil {
		return nil, fmt.Errorf("error parsing template %s, %v", value, err)
	}
	p.AllowMissingKeys(opts.AllowMissingTemplateKeys)
	return p, nil
}

// Streamer is a printer that can write a list while its items arrive, page
// by page, instead of needing the whole list in memory.
type Streamer interface {
	// NewStream starts the output of a list on w. single means that the
	// user asked for one object by name: it is printed alone, not in a List.
	NewStream(w io.Writer, single bool) Stream
}

// Stream is one list being written incrementally.
type Stream interface {
	// Add writes (or queues for writing) the items of one page, in order.
	Add(items []unstructured.Unstructured) error
	// Close finishes the output: the end of the List, pending items, a flush.
	Close() error
}

// NewStream starts a stream for p: p's own when p is a Streamer, else one
// that collects the items and prints them as one v1 List (or the single
// object) at Close, as kubectl does for templates.
func NewStream(p Printer, w io.Writer, single bool) Stream {
	if s, ok := p.(Streamer); ok {
		return s.NewStream(w, single)
	}
	return &collectStream{p: p, w: w, single: single}
}

// collectStream gathers every item for a printer that needs the whole list.
type collectStream struct {
	p      Printer
	w      io.Writer
	single bool
	items  []unstructured.Unstructured
}

func (s *collectStream) Add(items []unstructured.Unstructured) error {
	s.items = append(s.items, items...)
	return nil
}

func (s *collectStream) Close() error {
	if s.single && len(s.items) == 1 {
		return s.p.PrintObj(&s.items[0], s.w)
	}
	return s.p.PrintObj(NewList(s.items), s.w)
}

// NewList wraps items in a v1 List as kubectl prints them, with an empty
// resourceVersion.
func NewList(items []unstructured.Unstructured) *unstructured.UnstructuredList {
	return &unstructured.UnstructuredList{
		Object: map[string]any{
			"apiVersion": "v1",
			"kind":       "List",
			"metadata":   map[string]any{"resourceVersion": ""},
		},
		Items: items,
	}
}

var _ runtime.Object = (*unstructured.UnstructuredList)(nil)

// errorf formats an error the kdx way.
func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }
