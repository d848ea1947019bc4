package grep

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
	"github.com/kdxproject/kdx/search"
)

// grepOptions are the flags and inputs of `kdx grep`.
type grepOptions struct {
	f cli.Factory

	search        search.Options
	allNamespaces bool
	selector      string
	fieldSelector string
	cli.AllTypesFlags
	showSecrets bool
	output      string
	width       int
	concurrency int
	chunkSize   int64

	// Set by Complete.
	args    []string
	matcher *search.Matcher
	printer render.Printer // -o json|jsonl|yaml|name; nil for match lines
}

// grepNoMatch is grep's answer when nothing matched, as grep(1)'s 1; any
// failure exits 2 (cli.UnixTool).
const grepNoMatch cliutil.Outcome = 1

func NewCmd(f cli.Factory) *cobra.Command {
	o := &grepOptions{f: f, concurrency: query.DefaultConcurrency, chunkSize: 500}
	cmd := &cobra.Command{
		Use:   "grep PATTERN (TYPE[,TYPE...] [NAME...] | --all-types) [flags]",
		Short: "Find the objects whose keys or values match a pattern, and where",
		Long: `Grep reads the objects of one or more types, built-in or custom, or of every
listable type (--all-types), page by page, and prints each match of PATTERN (a Go
regular expression; -F for a fixed string, any bytes) in their keys or values: the object
(kind.group/name, after its namespace with -A), the field path and the matching
value, cut to the terminal width around the match. Managed fields are not
searched. Secrets are searched (their data decoded too) but their values are
never printed unless --show-secrets: a match in a Secret shows its path only.
-o name|json|jsonl|yaml prints the matching objects instead (a Secret's values
as ***, as diff shows them, unless --show-secrets).

Exit codes are grep's: 0 when something matched and every type was read,
1 when nothing matched, 2 on any error: a bad pattern or flag, an unknown
type, a server out of reach, Ctrl-C, or something that could not be read
(what could be read is searched and printed, and the failures are on stderr,
one line per cause).`,
		Example: `  # Where the namespace mentions sprocket, in every type
  kdx grep sprocket --all-types

  # ConfigMaps of every namespace with a key named color, ignoring case
  kdx grep -i --keys '^COLOR$' configmaps -A

  # The ConfigMaps that hold a fixed string, themselves, as JSON lines
  kdx grep -F 'hello' configmaps -o jsonl`,
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) == 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return cli.CompleteObjects(f)(cmd, args[1:], toComplete) // after the pattern
		},
		RunE: cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	return cli.UnixTool(cmd)
}

// AddFlags adds grep's flags.
func (o *grepOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVarP(&o.search.Fixed, "fixed-strings", "F", false, "PATTERN is a fixed string, not a regular expression")
	fs.BoolVarP(&o.search.IgnoreCase, "ignore-case", "i", false, "match without regard to case")
	fs.BoolVar(&o.search.Keys, "keys", false, "search the keys only")
	fs.BoolVar(&o.search.Values, "values", false, "search the values only")
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "search every namespace (with --all-types, cluster-scoped types too)")
	fs.StringVarP(&o.selector, "selector", "l", "", "label selector (e.g. -l key1=value1,key2=value2)")
	fs.StringVar(&o.fieldSelector, "field-selector", "", "field selector (e.g. --field-selector metadata.namespace!=kube-system)")
	fs.BoolVar(&o.AllTypes, "all-types", false, "search every type that can be listed (without -A, the namespaced ones)")
	fs.BoolVar(&o.IncludeEvents, "include-events", false, "with --all-types, search events too")
	fs.StringSliceVar(&o.Exclude, "exclude", nil, "with --all-types, types to leave out (comma separated)")
	fs.BoolVar(&o.IgnoreForbidden, "ignore-forbidden", false, "with --all-types, leave out the types you may not list instead of reporting them")
	fs.BoolVar(&o.showSecrets, "show-secrets", false, "print the values of Secrets: those that match (decoded), and with -o the whole Secret")
	fs.StringVarP(&o.output, "output", "o", "", "print the matching objects instead of the matches: name, json, jsonl or yaml")
	fs.IntVar(&o.width, "width", 0, "cut each match line to this many characters (default: the terminal width, else 200)")
	fs.IntVar(&o.concurrency, "concurrency", o.concurrency, "with several types, how many are read at the same time")
	fs.Int64Var(&o.chunkSize, "chunk-size", o.chunkSize, "objects per list request")
}

// grepOutputs are the formats of -o.
var grepOutputs = render.Outputs{"name", "json", "jsonl", "yaml"}

// Complete compiles the pattern and resolves -o.
func (o *grepOptions) Complete(_ *cobra.Command, args []string) error {
	if len(args) == 0 {
		return errors.New("you must give a PATTERN and the types to search (e.g. 'kdx grep nginx deployments'), or --all-types")
	}
	o.search.Pattern, o.args = args[0], args[1:]
	var err error
	if o.matcher, err = search.New(o.search); err != nil {
		return err
	}
	if o.output != "" {
		if err := grepOutputs.Check(o.output); err != nil {
			return err
		}
		o.printer, err = render.NewPrinter(o.output, render.Options{})
	}
	return err
}

// Validate checks the flags against each other.
func (o *grepOptions) Validate() error {
	switch {
	case len(o.args) == 0 && !o.AllTypes:
		return errors.New("you must specify the types to search (e.g. 'kdx grep nginx deployments,configmaps'), or --all-types")
	case o.AllTypes && len(o.args) > 0:
		return errors.New("--all-types searches every type: give no TYPE or NAME with it")
	case !o.AllTypes && (o.IncludeEvents || len(o.Exclude) > 0 || o.IgnoreForbidden):
		return errors.New("--include-events, --exclude and --ignore-forbidden only apply with --all-types")
	case o.concurrency < 1:
		return fmt.Errorf("--concurrency must be at least 1, not %d", o.concurrency)
	case o.width < 0:
		return fmt.Errorf("--width must not be negative, not %d", o.width)
	}
	return nil
}

// Run searches each context (a fleet of one is one context) and prints
// what it found.
func (o *grepOptions) Run(ctx context.Context) error {
	contexts, _, err := o.f.Fleet()
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(o.f.Streams().Out, 64<<10)
	defer out.Flush()
	reads, err := cli.ReadClusters(ctx, o.f, contexts, func(ctx context.Context, f cli.Factory, name string) (*found, error) {
		c := &found{}
		w := io.Writer(&c.out) // a fleet's, held to be printed in context order
		if name == "" {
			w = out // one context's, printed as they are found
		}
		var err error
		c.res, err = o.grep(ctx, f, w, name)
		return c, err
	})
	if err != nil {
		return err
	}
	return o.print(out, reads)
}

// found is what grep found in one cluster: the match lines or objects a
// fleet's cluster printed (held until those before it are printed), and
// the result.
type found struct {
	out bytes.Buffer
	res grepResult
}

// print writes what was found, then what could not be read, and returns
// grep's exit: for one context, its matches (printed as found) and its
// failures as before fleets; for a fleet, each cluster's in context order,
// match lines starting with the context and -o formats in the shapes of
// get over several contexts, each failure naming its context (a cluster
// that could not be searched at all is one line, and the exit code is 2,
// as when a type of one cluster could not be read).
func (o *grepOptions) print(out *bufio.Writer, reads cli.ClusterReads[*found]) error {
	if !reads.Fleet() {
		r := reads[0]
		err := r.Err
		if ferr := out.Flush(); err == nil && ferr != nil {
			err = fmt.Errorf("failed to write output: %w", ferr)
		}
		if err != nil {
			return err
		}
		r.Value.res.report.Write(o.f.Streams().ErrOut)
		return r.Value.res.exit()
	}
	docs := render.ContextDocs{Out: out, Format: grepFormat(o.output),
		EmptyJSON: `{"apiVersion":"v1","items":[],"kind":"List","metadata":{"resourceVersion":""}}`,
		EmptyYAML: "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\""}
	matched, failed := 0, reads.Err() != nil
	for _, r := range reads {
		if r.Err != nil {
			continue
		}
		matched += r.Value.res.matched
		if o.printer == nil {
			out.Write(r.Value.out.Bytes())
		} else {
			docs.Add(r.Context, r.Value.out.Bytes())
		}
		for _, l := range r.Value.res.report.Lines() {
			cli.ContextError(o.f.Streams().ErrOut, r.Context, l)
		}
		failed = failed || r.Value.res.report.Len() > 0
	}
	if o.printer != nil {
		docs.Close()
	}
	if err := out.Flush(); err != nil {
		return err
	}
	switch {
	case failed:
		return &cliutil.ExitError{Code: cliutil.ToolFailure}
	case matched == 0:
		return grepNoMatch
	}
	return nil
}

// grepResult is what a search of one cluster found.
type grepResult struct {
	matched int // objects with a match
	report  *query.Report
}

// exit is grep's exit code for the result.
func (r grepResult) exit() error {
	switch {
	case r.report.Len() > 0:
		return &cliutil.ExitError{Code: cliutil.ToolFailure}
	case r.matched == 0:
		return grepNoMatch
	}
	return nil
}

// grep searches f's cluster and writes the matches to out, each line
// after prefix (a fleet's context); what could not be read is in the
// result's report.
func (o *grepOptions) grep(ctx context.Context, f cli.Factory, out io.Writer, prefix string) (grepResult, error) {
	res := grepResult{report: query.NewReport("list", "type")}
	cfg, client, err := f.ReadClient(o.AllTypes)
	if err != nil {
		return res, err
	}
	resolver, err := f.Resolver(ctx)
	if err != nil {
		return res, err
	}
	req := query.Request{Namespace: cfg.Namespace, LabelSelector: o.selector, FieldSelector: o.fieldSelector,
		ChunkSize: o.chunkSize, Concurrency: o.concurrency, Read: query.Objects, IgnoreForbidden: o.IgnoreForbidden}
	if o.allNamespaces {
		req.Namespace = ""
	}
	if o.AllTypes {
		req.Vanished = cli.Vanished(resolver)
		req.Targets, err = o.AllTypesFlags.Targets(ctx, resolver, o.allNamespaces)
	} else {
		res.report.Itemize = true
		req.Vanished, req.ReportVanished = cli.Vanished(resolver), true
		req.Targets, err = resolver.ResolveArgs(ctx, o.args)
	}
	if err != nil {
		return res, err
	}
	var stream render.Stream
	if o.printer != nil {
		printer := o.printer
		if _, ok := printer.(*render.NamePrinter); ok && prefix != "" {
			printer = &render.NamePrinter{Context: prefix} // a fleet's names say their namespace and context
		}
		stream = render.NewStream(printer, out, false)
	}
	lines := matchLines{o: o, width: o.lineWidth(), prefix: prefix}
	eng := &query.Engine{Lister: client}
	open := func(discovery.Target) query.Sink { return newGrepSink(o, lines) }
	done := func(_ discovery.Target, s query.Sink) error {
		gs := s.(*grepSink)
		res.matched += len(gs.objects)
		if stream != nil {
			return stream.Add(gs.objects)
		}
		_, err := out.Write(gs.out.Bytes())
		return err
	}
	if err := eng.Each(ctx, req, res.report, open, done); err != nil {
		return res, err
	}
	if stream != nil {
		if res.matched == 0 && o.output != "json" {
			return res, nil
		}
		return res, stream.Close()
	}
	return res, nil
}

// lineWidth is the width match lines are cut to.
func (o *grepOptions) lineWidth() int {
	if o.width > 0 {
		return o.width
	}
	if f, ok := o.f.Streams().Out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return 200
}

// grepSink searches the pages of one type as they are read (search.Sink):
// it keeps the matching objects (for -o) or their match lines, not the pages.
type grepSink struct {
	search.Sink
	objects []unstructured.Unstructured
	out     bytes.Buffer
}

func newGrepSink(o *grepOptions, lines matchLines) *grepSink {
	s := &grepSink{}
	s.Sink = search.Sink{Matcher: o.matcher, Matched: func(item *unstructured.Unstructured, secret bool) {
		obj := *item
		switch {
		case o.printer == nil:
			obj = unstructured.Unstructured{Object: map[string]any{"kind": item.GetKind()}} // only counted
		case secret && !o.showSecrets:
			render.MaskSecrets(nil, obj.Object) // printed as diff prints it: values ***
		}
		s.objects = append(s.objects, obj)
	}}
	if o.printer == nil {
		s.Match = func(item *unstructured.Unstructured, secret bool, m search.Match) {
			lines.write(&s.out, item, m, secret)
		}
	}
	return s
}

// matchLines writes one line per match:
// [CONTEXT  ][NAMESPACE  ]kind.group/name  PATH: VALUE
type matchLines struct {
	o      *grepOptions
	width  int
	prefix string
}

func (l matchLines) write(w *bytes.Buffer, obj *unstructured.Unstructured, m search.Match, secret bool) {
	w.WriteString(search.Line(obj, m, secret, search.LineOptions{Prefix: l.prefix, Namespace: l.o.allNamespaces, ShowSecrets: l.o.showSecrets, Width: l.width}))
	w.WriteByte('\n')
}

// grepFormat is -o as render names it.
func grepFormat(output string) render.Format {
	f, _ := render.AllOutputs().Parse(output, "")
	return f
}
