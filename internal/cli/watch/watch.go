package watch

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// watchOptions are the flags and inputs of `kdx watch`.
type watchOptions struct {
	f cli.Factory
	cli.PrintFlags

	allNamespaces bool
	selector      string
	fieldSelector string
	timeout       time.Duration
	flags         cli.WatchFlags

	cli.AllTypesFlags
	concurrency int
	where       cli.WhereFlags

	// Set by Complete.
	args    []string
	printer render.Printer
	// oneCluster says that the watch is of the context's one cluster, for
	// which a watch of no type is an error (a fleet leaves such a cluster out).
	oneCluster bool
}

func NewCmd(f cli.Factory) *cobra.Command {
	o := &watchOptions{f: f, concurrency: 16}
	cmd := &cobra.Command{
		Use:   "watch (TYPE[,TYPE...] [NAME...] | TYPE/NAME ... | --all-types) [flags]",
		Short: "Watch one or many resource types: the current objects, then every change",
		Long: `Watch lists the objects of one or more types, built-in or custom, then prints
every change as it happens, merged into one stream in arrival order. Unlike
kubectl get --watch, several types may be watched at once; table rows then name
their kind (kind.group/name).

A lost connection resumes from the last resourceVersion seen; when the server
no longer has it (after a restart), kdx lists again and prints the difference
(ADDED, MODIFIED, DELETED), with a warning on stderr. --timeout (or
--request-timeout) ends the watch (exit code 0 when every type was watched). A named object that does
not exist yet is waited for (stderr says so) and shown once created; 'kdx get
NAME -w' fails at once instead, as kubectl does.

With --all-types, the types that cannot be watched (forbidden, ...) are
reported once every type started, one line per cause, the others are watched,
and the exit code is 1 at the end (--ignore-forbidden leaves forbidden types
out); when no type can be watched, kdx exits 1 at once.`,
		Example: `  # Pods, deployments and a CRD in one stream, for five seconds
  kdx watch pods,deployments,gadgets --timeout 5s

  # Every watchable type of a namespace, as event lines for jq
  kdx watch --all-types -n prod -o jsonl --output-watch-events --timeout 5s

  # Only the changes to one object, for ten seconds
  kdx watch deployment/web --watch-only --timeout 10s`,
		ValidArgsFunction: cli.CompleteResourceTypes(f),
		RunE:              cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("output", cli.CompleteOutput)
	return cmd
}

// AddFlags adds watch's flags: get's output and selection flags, and --timeout.
func (o *watchOptions) AddFlags(fs *pflag.FlagSet) {
	o.PrintFlags.AddFlags(fs)
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", o.allNamespaces, "watch the objects of every namespace")
	fs.StringVarP(&o.selector, "selector", "l", o.selector, "label selector (e.g. -l key1=value1,key2=value2)")
	fs.StringVar(&o.fieldSelector, "field-selector", o.fieldSelector, "field selector (e.g. --field-selector status.phase=Running)")
	fs.DurationVar(&o.timeout, "timeout", o.timeout, "stop watching after this long (e.g. 30s, 5m) and exit 0; 0 watches until interrupted")
	o.flags.AddFlags(fs, false)
	fs.BoolVar(&o.AllTypes, "all-types", o.AllTypes, "watch every watchable resource type of the server (the types of get --all-types)")
	fs.BoolVar(&o.IncludeEvents, "include-events", o.IncludeEvents, "with --all-types, watch events too")
	fs.StringSliceVar(&o.Exclude, "exclude", o.Exclude, "with --all-types, types to leave out (comma separated)")
	fs.BoolVar(&o.IgnoreForbidden, "ignore-forbidden", o.IgnoreForbidden, "with --all-types, leave out the types you may not watch instead of reporting them")
	fs.IntVar(&o.concurrency, "concurrency", o.concurrency, "with several types, how many are listed at the same time")
	o.where.AddFlags(fs, "shown")
}

// Complete resolves the output format into a printer.
func (o *watchOptions) Complete(_ *cobra.Command, args []string) error {
	o.args = args
	if err := o.where.Complete(); err != nil {
		return err
	}
	var err error
	o.printer, err = render.NewPrinter(o.Output, o.RenderOptions(true))
	return err
}

// Validate checks the flags against each other.
func (o *watchOptions) Validate() error {
	switch {
	case len(o.args) == 0 && !o.AllTypes:
		return errors.New("you must specify the type of resource to watch (e.g. 'kdx watch pods,deployments'), or --all-types")
	case o.AllTypes && len(o.args) > 0:
		return errors.New("--all-types watches every type: give no TYPE or NAME with it")
	case !o.AllTypes && (o.IncludeEvents || len(o.Exclude) > 0 || o.IgnoreForbidden):
		return errors.New("--include-events, --exclude and --ignore-forbidden only apply with --all-types")
	case o.concurrency < 1:
		return fmt.Errorf("--concurrency must be at least 1, not %d", o.concurrency)
	case o.timeout < 0:
		return fmt.Errorf("--timeout must not be negative, not %s", o.timeout)
	}
	return nil
}

// Run resolves the types and watches them, in the context's cluster or in
// each cluster of a fleet (cli.RunWatch: one cluster is a fleet of one).
func (o *watchOptions) Run(ctx context.Context) error {
	contexts, fleet, err := o.f.Fleet()
	if err == nil && fleet {
		err = cli.ValidateFleetWatch(o.printer, o.Output)
	}
	if err != nil {
		return err
	}
	o.oneCluster = !fleet
	err = cli.RunWatch(ctx, o.f, contexts, o.plan)
	o.where.Warn(o.f.Streams().ErrOut)
	return err
}

// plan resolves the watch in f's cluster.
func (o *watchOptions) plan(ctx context.Context, f cli.Factory) (cli.WatchRequest, []discovery.Target, error) {
	co := *o
	co.f = f
	cfg, err := f.Config()
	if err != nil {
		return cli.WatchRequest{}, nil, err
	}
	targets, err := co.targets(ctx)
	if err != nil {
		return cli.WatchRequest{}, nil, err
	}
	req := cli.WatchRequest{
		Flags: o.flags, Printer: o.printer, Namespace: cfg.Namespace, AllNamespaces: o.allNamespaces,
		Selector: o.selector, FieldSelector: o.fieldSelector, Timeout: o.timeout,
		ShowManagedFields: o.ShowManagedFields, Concurrency: o.concurrency,
		AllTypes: o.AllTypes, IgnoreForbidden: o.IgnoreForbidden,
		Out: f.Streams().Out, ErrOut: f.Streams().ErrOut, Where: &o.where,
	}
	if o.allNamespaces {
		req.Namespace = ""
	}
	if o.AllTypes {
		req.Types = cli.FollowTypes(f, o.AllTypesFlags, o.allNamespaces)
	} else {
		resolver, err := f.Resolver(ctx)
		if err != nil {
			return cli.WatchRequest{}, nil, err
		}
		req.Vanished = cli.TypeGone(resolver)
	}
	if err := co.waitingFor(ctx, cfg.REST, req.Namespace, targets); err != nil {
		return cli.WatchRequest{}, nil, err
	}
	if len(targets) == 0 && o.oneCluster {
		return cli.WatchRequest{}, nil, errors.New("no resource type to watch")
	}
	return req, targets, nil
}

// waitingFor says on stderr which named objects do not exist yet: the
// watch waits for them to be created and shows them when they are.
func (o *watchOptions) waitingFor(ctx context.Context, cfg *rest.Config, namespace string, targets []discovery.Target) error {
	client, err := dynamicclient.New(cfg)
	if err != nil {
		return err
	}
	eng := &query.Engine{Lister: client}
	missing, err := eng.Missing(ctx, query.Request{Targets: targets, Namespace: namespace, Concurrency: o.concurrency})
	if err != nil {
		return nil // the watch itself reports what it cannot do
	}
	for _, m := range missing {
		fmt.Fprintf(o.f.Streams().ErrOut, "Waiting for %s %q to be created...\n", kindName(m.Mapping), m.Name)
	}
	return nil
}

// kindName is a mapping's kind as kubectl names it in messages: lower case,
// with its group (deployment.apps, configmap).
func kindName(m discovery.Mapping) string {
	k := strings.ToLower(m.GVK.Kind)
	if m.GVK.Group == "" {
		return k
	}
	return k + "." + m.GVK.Group
}

// targets resolves the arguments, or selects every watchable type.
func (o *watchOptions) targets(ctx context.Context) ([]discovery.Target, error) {
	resolver, err := o.f.Resolver(ctx)
	if err != nil {
		return nil, err
	}
	if !o.AllTypes {
		targets, err := resolver.ResolveArgs(ctx, o.args)
		if err != nil {
			return nil, err
		}
		return targets, cli.CheckWatchable(targets)
	}
	all, err := o.AllTypesFlags.Targets(ctx, resolver, o.allNamespaces)
	return cli.WatchableOnly(all), err
}
