package get

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// getOptions are the flags and inputs of `kdx get`.
type getOptions struct {
	f cli.Factory
	cli.PrintFlags

	allowMissingKeys bool
	sortBy           string
	serverPrint      bool

	allNamespaces  bool
	selector       string
	fieldSelector  string
	chunkSize      int64
	ignoreNotFound bool
	subresource    string
	raw            string

	cli.AllTypesFlags
	concurrency int
	where       cli.WhereFlags

	// watch holds -w, --watch-only and --output-watch-events (see cli.WatchFlags).
	watch cli.WatchFlags

	// Set by Complete.
	args    []string
	format  render.Format
	printer render.Printer
}

func newGetOptions(f cli.Factory) *getOptions {
	return &getOptions{f: f, allowMissingKeys: true, serverPrint: true, chunkSize: 500, concurrency: query.DefaultConcurrency}
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := newGetOptions(f)
	cmd := &cobra.Command{
		Use:   "get [(-o|--output=)FORMAT] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ... | --all-types) [flags]",
		Short: "Display one or many resources",
		Long: `Display one or many resources of any type the server serves: built-in, custom
(CRDs) or aggregated. Tables are the server's own (kubectl's columns for built-ins,
additionalPrinterColumns for CRDs); pages are printed as they arrive.

'kdx get all' lists the 'all' category, as kubectl does; 'kdx get --all-types'
lists every listable resource of the server; the types that could not be listed
(forbidden, an API that is down, ...) are reported at the end, one line per
cause, and make the exit code 1 (--ignore-forbidden leaves forbidden types out).`,
		Example: `  # Pods of the current namespace, then of every namespace
  kdx get pods
  kdx get pods -A -o wide

  # A CRD in a version other than the preferred one
  kdx get gadgets.v1.multi.example.org

  # Several types, or objects by TYPE/NAME
  kdx get deployments,services -l app=web
  kdx get configmap/app secret/app -o yaml

  # Everything the server has in a namespace, as names
  kdx get --all-types -n prod -o name

  # One JSON object per line, for jq or other tools
  kdx get configmaps -A -o jsonl

  # Only the objects a CEL expression is true for
  kdx get deployments.apps -A --where 'object.spec.replicas > 1'
  kdx get configmaps -A --where 'object.metadata.name.endsWith("7")' -o name

  # What the server returns for any path
  kdx get --raw /apis/apps/v1`,
		SuggestFor:        []string{"list", "ls"},
		ValidArgsFunction: o.completeArgs,
		RunE:              cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("output", cli.CompleteOutput)
	return cmd
}

// AddFlags adds get's flags: kubectl's, and --all-types and its companions.
func (o *getOptions) AddFlags(fs *pflag.FlagSet) {
	o.PrintFlags.AddFlags(fs)
	fs.BoolVar(&o.allowMissingKeys, "allow-missing-template-keys", o.allowMissingKeys, "ignore errors in templates when a field or map key is missing (go-template and jsonpath)")
	fs.StringVar(&o.sortBy, "sort-by", o.sortBy, "sort by a JSONPath expression (e.g. '{.metadata.name}'); the whole list is read first")
	fs.BoolVar(&o.serverPrint, "server-print", o.serverPrint, "ask the server for its table (columns); false prints NAME and AGE only")
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", o.allNamespaces, "list the objects of every namespace")
	fs.StringVarP(&o.selector, "selector", "l", o.selector, "label selector (e.g. -l key1=value1,key2=value2, or 'key in (a,b)')")
	fs.StringVar(&o.fieldSelector, "field-selector", o.fieldSelector, "field selector (e.g. --field-selector metadata.name=web); the server supports few fields per type")
	fs.Int64Var(&o.chunkSize, "chunk-size", o.chunkSize, "list in pages of this many objects; 0 for one request")
	fs.BoolVar(&o.ignoreNotFound, "ignore-not-found", o.ignoreNotFound, "don't fail for named objects that do not exist")
	fs.StringVar(&o.subresource, "subresource", o.subresource, "get this subresource of the named objects: status or scale")
	fs.StringVar(&o.raw, "raw", o.raw, "print what the server returns for this URL path, e.g. /apis/apps/v1")
	fs.BoolVar(&o.AllTypes, "all-types", o.AllTypes, "list every listable resource type of the server (CRDs and aggregated APIs included)")
	fs.BoolVar(&o.IncludeEvents, "include-events", o.IncludeEvents, "with --all-types, list events too")
	fs.StringSliceVar(&o.Exclude, "exclude", o.Exclude, "with --all-types, types to leave out (comma separated, e.g. secrets,leases.coordination.k8s.io)")
	fs.IntVar(&o.concurrency, "concurrency", o.concurrency, "with --all-types, how many types are listed at the same time")
	fs.BoolVar(&o.IgnoreForbidden, "ignore-forbidden", o.IgnoreForbidden, "with --all-types, leave out the types you may not list instead of reporting them (exit 0)")
	o.watch.AddFlags(fs, true)
	o.where.AddFlags(fs, "printed")
}

// Complete resolves the output format into a printer.
func (o *getOptions) Complete(cmd *cobra.Command, args []string) error {
	o.args = args
	if o.raw != "" {
		return nil
	}
	if err := o.where.Complete(); err != nil {
		return err
	}
	if !cmd.Flags().Changed("allow-missing-template-keys") {
		o.allowMissingKeys = true
	}
	format, err := render.AllOutputs().Parse(o.Output, o.Template)
	if err != nil {
		return err
	}
	o.format = format
	o.printer, err = o.newPrinter()
	return err
}

// newPrinter resolves -o into a printer (one per cluster of a fleet for
// the printers that are not safe for concurrent use: templates).
func (o *getOptions) newPrinter() (render.Printer, error) {
	opts := o.RenderOptions(o.allowMissingKeys)
	opts.SortBy = o.sortBy
	return render.NewPrinter(o.Output, opts)
}

// Validate checks the flags against each other, with kubectl's messages.
func (o *getOptions) Validate() error {
	if o.raw != "" {
		return o.validateRaw()
	}
	if len(o.args) == 0 && !o.AllTypes {
		return errors.New("you must specify the type of resource to get (e.g. 'kdx get pods'), or --all-types; 'kdx api-resources' lists the types")
	}
	if o.AllTypes && len(o.args) > 0 {
		return errors.New("--all-types lists every type: give no TYPE or NAME with it")
	}
	if !o.AllTypes && (o.IncludeEvents || len(o.Exclude) > 0 || o.IgnoreForbidden) {
		return errors.New("--include-events, --exclude and --ignore-forbidden only apply with --all-types")
	}
	if o.concurrency < 1 {
		return fmt.Errorf("--concurrency must be at least 1, not %d", o.concurrency)
	}
	if o.chunkSize < 0 {
		return fmt.Errorf("--chunk-size must be 0 or more, not %d", o.chunkSize)
	}
	if o.subresource != "" && o.subresource != "status" && o.subresource != "scale" {
		return fmt.Errorf("invalid subresource value: %q. Must be one of [status scale]", o.subresource)
	}
	return o.validateOutput()
}

func (o *getOptions) validateRaw() error {
	if len(o.args) > 0 {
		return errors.New("arguments may not be passed when --raw is specified")
	}
	if o.selector != "" || o.fieldSelector != "" || o.AllTypes || o.allNamespaces || len(o.where.Exprs) > 0 {
		return errors.New("--raw may not be specified with other flags that filter the server request or alter the output")
	}
	if o.Output != "" {
		return errors.New("--raw and --output are mutually exclusive")
	}
	if _, err := url.ParseRequestURI(o.raw); err != nil {
		return fmt.Errorf("--raw must be a valid URL path: %v", err)
	}
	return nil
}

func (o *getOptions) validateOutput() error {
	if o.ShowLabels && o.Output != "" && o.Output != "wide" {
		return fmt.Errorf("--show-labels option cannot be used with %s printer", o.Output)
	}
	if len(o.LabelColumns) > 0 && strings.HasPrefix(o.Output, "custom-columns") {
		return fmt.Errorf("--label-columns option cannot be used with %s printer", o.Output)
	}
	return nil
}

// human reports whether the output is a table (server-side or NAME/AGE).
func (o *getOptions) human() bool {
	return o.format == render.FormatTable || o.format == render.FormatWide
}
