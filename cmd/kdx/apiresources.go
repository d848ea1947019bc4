package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)


// countParallel bounds the concurrent lists of --count.
const countParallel = 32

// apiResourcesOptions are the flags and inputs of `kdx api-resources`.
type apiResourcesOptions struct {
	f cli.Factory

	output     string
	noHeaders  bool
	apiGroup   string
	namespaced bool
	verbs      []string
	categories []string
	sortBy     string
	cached     bool
	refresh    bool
	strict     bool
	count      bool

	filter discovery.Filter // built by Complete from the flags that were set
}

func newAPIResourcesOptions(f cli.Factory) *apiResourcesOptions {
	return &apiResourcesOptions{f: f, namespaced: true}
}

func newAPIResourcesCommand(f cli.Factory) *cobra.Command {
	o := newAPIResourcesOptions(f)
	cmd := &cobra.Command{
		Use:   "api-resources",
		Short: "Print the resources the server serves",
		Long: `Print the resources the server serves: built-in, CustomResourceDefinitions and
aggregated APIs, with the same rows and order as kubectl api-resources.

Discovery is cached per server (6 hours) and revalidated with one small
request; a group that cannot be read is named in a warning and skipped
(--strict makes it an error). With --count, the types that could not be
counted are listed after the table, one line per cause, and the exit code is 1.`,
		Example: `  # Every resource
  kdx api-resources

  # With verbs, categories and all served versions
  kdx api-resources -o wide

  # Namespaced resources that can be listed and watched, with object counts in "demo"
  kdx api-resources --namespaced=true --verbs=list,watch --count -n demo

  # Names only, for scripts; fail if any group could not be read
  kdx api-resources -o name --strict`,
		Args: cobra.NoArgs,
		RunE: cli.RunE(o),
	}
	o.AddFlags(cmd.Flags())
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"wide", "name", "json", "yaml"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("sort-by", cobra.FixedCompletions([]string{"name", "kind"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("api-group", cli.CompleteAPIGroups(f))
	return cmd
}

// AddFlags adds kubectl api-resources' flags and kdx's.
func (o *apiResourcesOptions) AddFlags(fs *pflag.FlagSet) {
	fs.StringVarP(&o.output, "output", "o", o.output, apiResourcesOutputs.Usage("output format"))
	fs.BoolVar(&o.noHeaders, "no-headers", o.noHeaders, "don't print the header line")
	fs.StringVar(&o.apiGroup, "api-group", o.apiGroup, "limit to resources in this API group ('' for the core group)")
	fs.BoolVar(&o.namespaced, "namespaced", o.namespaced, "limit to namespaced (true) or cluster-scoped (false) resources")
	fs.StringSliceVar(&o.verbs, "verbs", o.verbs, "limit to resources that support all these verbs")
	fs.StringSliceVar(&o.categories, "categories", o.categories, "limit to resources in all these categories")
	fs.StringVar(&o.sortBy, "sort-by", o.sortBy, "sort by 'name' or 'kind' (default: by group, then name)")
	fs.BoolVar(&o.cached, "cached", o.cached, "use the discovery cache only, without asking the server")
	fs.BoolVar(&o.refresh, "refresh", o.refresh, "ignore the discovery cache and read everything from the server")
	fs.BoolVar(&o.strict, "strict", o.strict, "fail (exit 1) if any group/version could not be discovered")
	fs.BoolVar(&o.count, "count", o.count, "add a COUNT column: the number of objects of each listable resource (in -n's namespace when given)")
}

// apiResourcesOutputs are the -o values of api-resources and api-versions.
var apiResourcesOutputs = render.Outputs{"", "wide", "name", "json", "yaml"}

// Complete turns the flags that were set into a filter.
func (o *apiResourcesOptions) Complete(cmd *cobra.Command, _ []string) error {
	fs := cmd.Flags()
	if fs.Changed("api-group") {
		o.filter.APIGroup = &o.apiGroup
	}
	if fs.Changed("namespaced") {
		o.filter.Namespaced = &o.namespaced
	}
	o.filter.Verbs, o.filter.Categories = o.verbs, o.categories
	return nil
}

// Validate checks flag values and combinations.
func (o *apiResourcesOptions) Validate() error {
	if err := apiResourcesOutputs.Check(o.output); err != nil {
		return err
	}
	switch o.sortBy {
	case discovery.SortByGroup, discovery.SortByName, discovery.SortByKind:
	default:
		return fmt.Errorf("--sort-by accepts only name or kind")
	}
	if o.cached && o.refresh {
		return fmt.Errorf("--cached and --refresh cannot be used together")
	}
	if o.count && o.cached {
		return fmt.Errorf("--count asks the server: it cannot be used with --cached")
	}
	return nil
}

// Run discovers, filters, counts and prints.
func (o *apiResourcesOptions) Run(ctx context.Context) error {
	if contexts, fleet, err := o.f.Fleet(); err != nil || fleet {
		if err != nil {
			return err
		}
		return o.runFleet(ctx, contexts) // apiresources_fleet.go
	}
	snap, err := o.snapshot(ctx)
	if err != nil {
		return err
	}
	if o.strict && len(snap.Failures) > 0 {
		return strictError(snap.Failures)
	}
	resources := snap.Select(o.filter, o.sortBy)
	var counts []discovery.Count
	if o.count {
		if counts, err = o.countObjects(ctx, resources); err != nil {
			return err
		}
	}
	if err := o.print(resources, counts, snap.Failures); err != nil {
		return err
	}
	// What could not be counted: one line per cause after the table
	// (whose COUNT column says which), exit 1.
	rep := query.NewReport("count", "type")
	for i, c := range counts {
		if c.Err != nil {
			rep.Add(resources[i].QualifiedName(), c.Err)
		}
	}
	rep.Write(o.f.Streams().ErrOut)
	return rep.Err()
}

// snapshot reads discovery as the flags say: by default the server is
// asked (a 304 when the cache is current), as kubectl api-resources does.
func (o *apiResourcesOptions) snapshot(ctx context.Context) (*discovery.Snapshot, error) {
	c, err := o.f.Discovery(func(opts *discovery.Options) {
		opts.CachedOnly, opts.Refresh = o.cached, o.refresh
	})
	if err != nil {
		return nil, err
	}
	var snap *discovery.Snapshot
	if o.cached || o.refresh {
		snap, err = c.Snapshot(ctx)
	} else {
		snap, err = c.Refresh(ctx)
	}
	if err == nil {
		c.WarnSkipped(snap.Failures) // the list is incomplete without them
	}
	return snap, err
}

// strictError names the group/versions that --strict refuses to skip.
func strictError(fs []discovery.Failure) error {
	names := make([]string, len(fs))
	for i, f := range fs {
		names[i] = f.GroupVersion
	}
	return fmt.Errorf("discovery is incomplete (--strict): %s could not be read", strings.Join(names, ", "))
}

// countObjects counts objects in -n's namespace when given, else everywhere.
func (o *apiResourcesOptions) countObjects(ctx context.Context, resources []discovery.APIResource) ([]discovery.Count, error) {
	cfg, err := o.f.Config()
	if err != nil {
		return nil, err
	}
	rc := rest.CopyConfig(cfg.REST)
	rc.WarningHandler = rest.NoWarnings{}                                                  // deprecation notices of every listed resource are noise here
	client, err := dynamicclient.New(rc, dynamicclient.WithWarnings(o.f.Streams().ErrOut)) // a fleet's cluster: its held stderr
	if err != nil {
		return nil, err
	}
	req := query.Request{Concurrency: countParallel}
	if cfg.ExplicitNamespace {
		req.Namespace = cfg.Namespace
	}
	for _, r := range resources {
		req.Targets = append(req.Targets, discovery.Target{Mapping: discovery.Mapping{
			Resource: r, GVR: r.GroupVersionResource(), GVK: r.GroupVersionKind(), Namespaced: r.Namespaced,
		}})
	}
	return (&query.Engine{Lister: client}).Count(ctx, req)
}

func (o *apiResourcesOptions) print(resources []discovery.APIResource, counts []discovery.Count, failures []discovery.Failure) error {
	out := o.f.Streams().Out
	switch o.output {
	case "name":
		return discovery.PrintNames(out, resources)
	case "json":
		return render.JSON(out, discovery.NewResourceList(resources, counts, failures))
	case "yaml":
		return render.YAML(out, discovery.NewResourceList(resources, counts, failures))
	}
	return discovery.PrintTable(out, resources, discovery.TableOptions{Wide: o.output == "wide", NoHeaders: o.noHeaders, Counts: counts})
}
