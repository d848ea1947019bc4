package apiresources

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"bufio"
	"bytes"
	"errors"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
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

func NewCmd(f cli.Factory) *cobra.Command {
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

// surfaceRead is what api-resources read of one cluster of a fleet.
type surfaceRead struct {
	surface discovery.Surface
	snap    *discovery.Snapshot
	report  *query.Report // the types that could not be counted
}

// runFleet prints the API surface of several clusters side by side (see
// discovery.PrintFleetTable); -o json|yaml is one mapping of context name
// to what api-resources prints for that context alone, -o name the names
// served by any of them. A cluster that cannot be read is one error line,
// and the exit code is 1.
func (o *apiResourcesOptions) runFleet(ctx context.Context, contexts []string) error {
	if o.output == "wide" {
		return errors.New("-o wide is not supported with several contexts: each context has its own column")
	}
	errOut := o.f.Streams().ErrOut
	reads, read, failed, err := cli.EachContext(ctx, o.f, contexts, errOut, o.readSurface)
	if err != nil {
		return err
	}
	var ok []discovery.Surface
	for i, s := range reads {
		if read[i] {
			ok = append(ok, s.surface)
		}
	}
	out := bufio.NewWriter(o.f.Streams().Out)
	switch o.output {
	case "json", "yaml":
		format := render.FormatJSON
		if o.output == "yaml" {
			format = render.FormatYAML
		}
		docs := render.ContextDocs{Out: out, Format: format}
		for i, s := range reads {
			if !read[i] {
				continue
			}
			var b bytes.Buffer
			list := discovery.NewResourceList(s.surface.Resources, s.surface.Counts, s.snap.Failures)
			if format == render.FormatJSON {
				err = render.JSON(&b, list)
			} else {
				err = render.YAML(&b, list)
			}
			if err != nil {
				return err
			}
			docs.Add(s.surface.Context, b.Bytes())
		}
		docs.Close()
	case "name":
		seen := map[string]bool{}
		var names []discovery.APIResource
		for _, s := range ok {
			for _, r := range s.Resources {
				if !seen[r.QualifiedName()] {
					seen[r.QualifiedName()] = true
					names = append(names, r)
				}
			}
		}
		err = discovery.PrintNames(out, names)
	default:
		if len(ok) > 0 {
			err = discovery.PrintFleetTable(out, ok, o.sortBy, o.noHeaders)
		}
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	for i, s := range reads {
		if read[i] && s.report != nil {
			for _, l := range s.report.Lines() {
				cli.ContextError(errOut, s.surface.Context, l)
			}
			failed = failed || s.report.Len() > 0
		}
	}
	if failed {
		return &cliutil.ExitError{Code: 1}
	}
	return nil
}

// readSurface reads one cluster through its factory f: discovery, the
// filter and, with --count, the counts.
func (o *apiResourcesOptions) readSurface(ctx context.Context, f cli.Factory) (*surfaceRead, error) {
	s := &surfaceRead{surface: discovery.Surface{Context: f.ContextName()}}
	co := *o
	co.f = f
	snap, err := co.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	if o.strict && len(snap.Failures) > 0 {
		return nil, strictError(snap.Failures)
	}
	s.snap = snap
	s.surface.Resources = snap.Select(o.filter, o.sortBy)
	if !o.count {
		return s, nil
	}
	counts, err := co.countObjects(ctx, s.surface.Resources)
	if err != nil {
		return nil, err
	}
	s.surface.Counts = counts
	s.report = query.NewReport("count", "type")
	for i, c := range counts {
		if c.Err != nil {
			s.report.Add(s.surface.Resources[i].QualifiedName(), c.Err)
		}
	}
	if f := s.report.Fatal(); f != nil {
		return nil, f.Err
	}
	return s, nil
}
