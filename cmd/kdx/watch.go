package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/render"
)

func init() { register(newWatchCommand) }

// watchOptions are the flags and inputs of `kdx watch`.
type watchOptions struct {
	f *factory
	printFlags

	allNamespaces bool
	selector      string
	fieldSelector string
	timeout       time.Duration
	flags         watchFlags

	allTypesFlags
	concurrency int

	// Set by Complete.
	args    []string
	printer render.Printer
}

func newWatchCommand(f *factory) *cobra.Command {
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
--request-timeout) ends the watch with exit code 0.`,
		Example: `  # Pods, deployments and a CRD in one stream
  kdx watch pods,deployments,gadgets

  # Every watchable type of a namespace, as event lines for jq
  kdx watch --all-types -n prod -o jsonl --output-watch-events

  # Only the changes to one object, for a minute
  kdx watch deployment/web --watch-only --timeout 1m`,
		ValidArgsFunction: completeResourceTypes(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := o.Complete(args); err != nil {
				return err
			}
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(cmd.Context())
		},
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("output", completeOutput)
	return cmd
}

// AddFlags adds watch's flags: get's output and selection flags, and --timeout.
func (o *watchOptions) AddFlags(fs *pflag.FlagSet) {
	o.printFlags.AddFlags(fs)
	fs.BoolVarP(&o.allNamespaces, "all-namespaces", "A", o.allNamespaces, "watch the objects of every namespace")
	fs.StringVarP(&o.selector, "selector", "l", o.selector, "label selector (e.g. -l key1=value1,key2=value2)")
	fs.StringVar(&o.fieldSelector, "field-selector", o.fieldSelector, "field selector (e.g. --field-selector status.phase=Running)")
	fs.DurationVar(&o.timeout, "timeout", o.timeout, "stop watching after this long (e.g. 30s, 5m) and exit 0; 0 watches until interrupted")
	o.flags.AddFlags(fs, false)
	fs.BoolVar(&o.allTypes, "all-types", o.allTypes, "watch every watchable resource type of the server (the types of get --all-types)")
	fs.BoolVar(&o.includeEvents, "include-events", o.includeEvents, "with --all-types, watch events too")
	fs.StringSliceVar(&o.exclude, "exclude", o.exclude, "with --all-types, types to leave out (comma separated)")
	fs.IntVar(&o.concurrency, "concurrency", o.concurrency, "with several types, how many are listed at the same time")
}

// Complete resolves the output format into a printer.
func (o *watchOptions) Complete(args []string) error {
	o.args = args
	var err error
	o.printer, err = render.NewPrinter(o.output, o.renderOptions(true))
	return err
}

// Validate checks the flags against each other.
func (o *watchOptions) Validate() error {
	switch {
	case len(o.args) == 0 && !o.allTypes:
		return errors.New("you must specify the type of resource to watch (e.g. 'kdx watch pods,deployments'), or --all-types")
	case o.allTypes && len(o.args) > 0:
		return errors.New("--all-types watches every type: give no TYPE or NAME with it")
	case !o.allTypes && (o.includeEvents || len(o.exclude) > 0):
		return errors.New("--include-events and --exclude only apply with --all-types")
	case o.concurrency < 1:
		return fmt.Errorf("--concurrency must be at least 1, not %d", o.concurrency)
	case o.timeout < 0:
		return fmt.Errorf("--timeout must not be negative, not %s", o.timeout)
	}
	return nil
}

// Run resolves the types and watches them.
func (o *watchOptions) Run(ctx context.Context) error {
	cfg, err := o.f.Config()
	if err != nil {
		return err
	}
	targets, err := o.targets(ctx)
	if err != nil {
		return err
	}
	req := watchRequest{
		flags: o.flags, printer: o.printer, namespace: cfg.Namespace, allNamespaces: o.allNamespaces,
		selector: o.selector, fieldSelector: o.fieldSelector, timeout: o.timeout,
		showManagedFields: o.showManagedFields, concurrency: o.concurrency,
		out: o.f.streams.Out, errOut: o.f.streams.ErrOut, unnamedTypes: o.allTypes,
	}
	if o.allNamespaces {
		req.namespace = ""
	}
	return runWatch(ctx, o.f, req, targets)
}

// targets resolves the arguments, or selects every watchable type.
func (o *watchOptions) targets(ctx context.Context) ([]discovery.Target, error) {
	resolver, err := o.f.Resolver(ctx)
	if err != nil {
		return nil, err
	}
	if !o.allTypes {
		targets, err := resolver.ResolveArgs(ctx, o.args)
		if err != nil {
			return nil, err
		}
		return targets, checkWatchable(targets)
	}
	all, err := o.allTypesFlags.targets(ctx, resolver, o.allNamespaces)
	return watchableOnly(all), err
}

// checkWatchable rejects types that cannot be watched, before any request.
func checkWatchable(targets []discovery.Target) error {
	for _, t := range targets {
		if !t.Resource.Supports("watch") {
			return fmt.Errorf("%s cannot be watched: the server does not support watch for this resource", t.Resource.QualifiedName())
		}
	}
	return nil
}
