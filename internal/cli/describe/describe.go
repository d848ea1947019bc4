package describe

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kdxproject/kdx/describe"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// describeOptions are the flags and inputs of `kdx describe`.
type describeOptions struct {
	f cli.Factory

	allNamespaces bool
	selector      string
	showEvents    bool
	chunkSize     int64
	concurrency   int

	// Set by Complete.
	args []string
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := &describeOptions{f: f, showEvents: true, chunkSize: 500, concurrency: query.DefaultConcurrency}
	cmd := &cobra.Command{
		Use:   "describe (TYPE[.VERSION][.GROUP] [NAME... | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]",
		Short: "Show the details of objects of any type, and why one being deleted has not gone",
		Long: `Describe prints objects of any type, built-in or custom, for reading: a header
of their metadata (kind.group/version, labels, annotations, created, owners,
finalizers, deletion state), their fields as an indented tree (Secret values as
byte counts only), a table of their status.conditions, and their events
(events.k8s.io/v1, else core/v1), oldest first. Pods, Deployments and Nodes get
kubectl's summary first (containers, replicas, capacity); Deployments their
ReplicaSets, Services their endpoints, namespaces their resource quotas and
limit ranges.

For an object being deleted, a Deletion section says why it has not gone: each
finalizer with who removes it (its API group's controller only when the server
serves exactly the finalizer's domain, else said unknown) and how long it has
waited. For a namespace in Terminating, also its deletion conditions explained,
the unavailable APIServices that block it, and the objects still in it, by
type, with their finalizers (metadata-only lists of every listable type,
concurrently); for a CustomResourceDefinition, the objects of its type still
there. The advice names what to fix; kdx never removes anything by itself.

Text from the server is escaped for the terminal (ESC as ^[, as kubectl does).

Objects that cannot be read are reported as get reports them, and make the exit
code 1.`,
		Example: `  # A custom object with its events
  kdx describe gadgets -n demo

  # Objects by TYPE/NAME, without events
  kdx describe widgetclass/standard --show-events=false

  # Every ConfigMap with a label, in every namespace
  kdx describe configmaps -l app=shop -A

  # A namespace with its quotas and limit ranges; when it stays
  # Terminating, why (what holds it and what to fix)
  kdx describe namespace demo`,
		ValidArgsFunction: cli.CompleteObjects(f),
		RunE:              cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags adds describe's flags.
func (o *describeOptions) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", false, "describe the matching objects of every namespace")
	fs.StringVarP(&o.selector, "selector", "l", "", "label selector (e.g. -l key1=value1,key2=value2)")
	fs.BoolVar(&o.showEvents, "show-events", o.showEvents, "show the events of each object")
	fs.Int64Var(&o.chunkSize, "chunk-size", o.chunkSize, "objects per list request")
	fs.IntVar(&o.concurrency, "concurrency", o.concurrency, "how many objects are described at the same time (each reads its events), and how many types are listed for a Terminating namespace")
}

// Complete keeps the arguments.
func (o *describeOptions) Complete(_ *cobra.Command, args []string) error {
	if len(args) == 0 {
		return errors.New("you must specify the type of resource to describe (e.g. 'kdx describe pods web')")
	}
	o.args = args
	return nil
}

// Validate checks the flags.
func (o *describeOptions) Validate() error {
	if o.concurrency < 1 {
		return fmt.Errorf("--concurrency must be at least 1, not %d", o.concurrency)
	}
	return nil
}

// Run reads the objects and describes each, in the order asked, as it is read.
func (o *describeOptions) Run(ctx context.Context) error {
	cfg, client, err := o.f.ReadClient(false)
	if err != nil {
		return err
	}
	_, quiet, err := o.f.ReadClient(true) // for a namespace's content in every type
	if err != nil {
		return err
	}
	req, g, err := o.request(ctx, cfg.Namespace, client, quiet)
	if err != nil {
		return err
	}
	report := query.NewReport("list", "type")
	report.Itemize = true // the types the user named: the server's words for each
	out := bufio.NewWriterSize(o.f.Streams().Out, 64<<10)
	defer out.Flush()
	n, err := describeEach(ctx, &query.Engine{Lister: client}, req, report, g, out)
	if ferr := out.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("failed to write output: %w", ferr)
	}
	if err != nil {
		return err
	}
	if n == 0 && report.Len() == 0 {
		noResourcesFound(o.f.Streams().ErrOut, req.Targets, o.allNamespaces, cfg.Namespace)
	}
	// What a description could not read (events, endpoints) is a warning:
	// the objects themselves were read, as kubectl describe has it.
	for _, line := range g.Report.Lines() {
		fmt.Fprintln(o.f.Streams().ErrOut, "Warning: "+line)
	}
	report.Write(o.f.Streams().ErrOut)
	return report.Err()
}

// request is the engine's request for the arguments, and the gatherer of
// what each description reads beyond its object.
func (o *describeOptions) request(ctx context.Context, namespace string, client, quiet query.Lister) (query.Request, *describe.Gatherer, error) {
	resolver, err := o.f.Resolver(ctx)
	if err != nil {
		return query.Request{}, nil, err
	}
	targets, err := resolver.ResolveArgs(ctx, o.args)
	if err != nil {
		return query.Request{}, nil, err
	}
	for _, t := range targets {
		if len(t.Names) > 0 && o.selector != "" {
			return query.Request{}, nil, errors.New("name cannot be provided when a selector is specified")
		}
		if len(t.Names) > 0 && o.allNamespaces && t.Namespaced {
			return query.Request{}, nil, errors.New("a resource cannot be retrieved by name across all namespaces")
		}
	}
	req := query.Request{Targets: targets, Namespace: namespace, LabelSelector: o.selector, ChunkSize: o.chunkSize, Concurrency: 1,
		Vanished: cli.Vanished(resolver), ReportVanished: true}
	if o.allNamespaces {
		req.Namespace = ""
	}
	g := &describe.Gatherer{Lister: client, Quiet: quiet, Resolver: resolver, Concurrency: o.concurrency,
		ShowEvents: o.showEvents, Report: query.NewReport("list", "type")}
	return req, g, nil
}

// describeEach reads req and writes the description of each object to out
// as its page arrives, separated as kubectl separates them; it returns how
// many it described. The objects of a page are described g.Concurrency at
// a time (each reads its events), written in the order read.
func describeEach(ctx context.Context, eng *query.Engine, req query.Request, report *query.Report, g *describe.Gatherer, out *bufio.Writer) (int, error) {
	n := 0
	page := func(obj runtime.Object) error {
		items := render.Items(obj)
		work := func(ctx context.Context, i int) describe.Description { return g.Describe(ctx, &items[i]) }
		emit := func(_ int, d describe.Description) error {
			if n > 0 {
				out.WriteString("\n\n")
			}
			n++
			if err := describe.Write(out, time.Now(), d); err != nil {
				return err
			}
			return out.Flush() // each object as soon as it is described
		}
		return query.Ordered(ctx, len(items), g.Concurrency, work, emit)
	}
	open := func(discovery.Target) query.Sink { return query.SinkFunc(page) }
	err := eng.Each(ctx, req, report, open, func(discovery.Target, query.Sink) error { return nil })
	return n, err
}

// noResourcesFound says that nothing matched, as kubectl describe does.
func noResourcesFound(w io.Writer, targets []discovery.Target, allNamespaces bool, namespace string) {
	for _, t := range targets {
		if !t.Namespaced || allNamespaces {
			fmt.Fprintln(w, "No resources found")
			return
		}
	}
	fmt.Fprintf(w, "No resources found in %s namespace.\n", namespace)
}
