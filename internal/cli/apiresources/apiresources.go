package apiresources

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

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

// Run discovers, filters, counts and prints, for each context (a fleet of
// one is one context).
func (o *apiResourcesOptions) Run(ctx context.Context) error {
	contexts, fleet, err := o.f.Fleet()
	if err != nil {
		return err
	}
	if fleet && o.output == "wide" {
		return errors.New("-o wide is not supported with several contexts: each context has its own column")
	}
	reads, err := cli.ReadClusters(ctx, o.f, contexts, o.readSurface)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(o.f.Streams().Out)
	err = o.print(out, reads)
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		return err
	}
	return o.reportCounts(reads)
}

// surfaceRead is what api-resources read of one cluster.
type surfaceRead struct {
	surface  discovery.Surface
	failures []discovery.Failure // the group/versions discovery skipped
	report   *query.Report       // the types that could not be counted
}

// readSurface reads one cluster through its factory f: discovery, the
// filter and, with --count, the counts.
func (o *apiResourcesOptions) readSurface(ctx context.Context, f cli.Factory, context string) (*surfaceRead, error) {
	snap, err := o.snapshot(ctx, f)
	if err != nil {
		return nil, err
	}
	if o.strict && len(snap.Failures) > 0 {
		return nil, strictError(snap.Failures)
	}
	s := &surfaceRead{surface: discovery.Surface{Context: context, Resources: snap.Select(o.filter, o.sortBy)},
		failures: snap.Failures, report: query.NewReport("count", "type")}
	if !o.count {
		return s, nil
	}
	if s.surface.Counts, err = o.countObjects(ctx, f, s.surface.Resources); err != nil {
		return nil, err
	}
	for i, c := range s.surface.Counts {
		if c.Err != nil {
			s.report.Add(s.surface.Resources[i].QualifiedName(), c.Err)
		}
	}
	// A fleet's cluster that could not be counted at all (out of reach,
	// credentials refused) failed: one line naming it. One context's
	// table says so in its COUNT column, and its report after it.
	if fatal := s.report.Fatal(); fatal != nil && context != "" {
		return nil, fatal.Err
	}
	return s, nil
}

// snapshot reads discovery as the flags say: by default the server is
// asked (a 304 when the cache is current), as kubectl api-resources does.
func (o *apiResourcesOptions) snapshot(ctx context.Context, f cli.Factory) (*discovery.Snapshot, error) {
	c, err := f.Discovery(func(opts *discovery.Options) {
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
func (o *apiResourcesOptions) countObjects(ctx context.Context, f cli.Factory, resources []discovery.APIResource) ([]discovery.Count, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	rc := rest.CopyConfig(cfg.REST)
	rc.WarningHandler = rest.NoWarnings{}                                                // deprecation notices of every listed resource are noise here
	client, err := dynamicclient.New(rc, dynamicclient.WithWarnings(f.Streams().ErrOut)) // a fleet's cluster: its held stderr
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

// print writes the resources read: one context's as kubectl api-resources
// (-o json|yaml one resource list); a fleet's side by side (see
// discovery.PrintFleetTable), -o json|yaml one mapping of context name to
// what api-resources prints for that context alone, -o name the names
// served by any of them.
func (o *apiResourcesOptions) print(out *bufio.Writer, reads cli.ClusterReads[*surfaceRead]) error {
	format := render.FormatJSON
	if o.output == "yaml" {
		format = render.FormatYAML
	}
	var ok []*surfaceRead
	for _, r := range reads {
		if r.Err == nil {
			ok = append(ok, r.Value)
		}
	}
	switch {
	case !reads.Fleet() && len(ok) == 0: // its error is the command's
		return nil
	case !reads.Fleet():
		s := ok[0]
		switch o.output {
		case "name":
			return discovery.PrintNames(out, s.surface.Resources)
		case "json", "yaml":
			return render.Value(out, format, discovery.NewResourceList(s.surface.Resources, s.surface.Counts, s.failures))
		}
		return discovery.PrintTable(out, s.surface.Resources, discovery.TableOptions{Wide: o.output == "wide", NoHeaders: o.noHeaders, Counts: s.surface.Counts})
	case o.output == "json", o.output == "yaml":
		docs := render.ContextDocs{Out: out, Format: format}
		for _, s := range ok {
			if err := docs.AddValue(s.surface.Context, discovery.NewResourceList(s.surface.Resources, s.surface.Counts, s.failures)); err != nil {
				return err
			}
		}
		docs.Close()
		return nil
	case o.output == "name":
		seen := map[string]bool{}
		var names []discovery.APIResource
		for _, s := range ok {
			for _, r := range s.surface.Resources {
				if !seen[r.QualifiedName()] {
					seen[r.QualifiedName()] = true
					names = append(names, r)
				}
			}
		}
		return discovery.PrintNames(out, names)
	case len(ok) > 0:
		surfaces := make([]discovery.Surface, len(ok))
		for i, s := range ok {
			surfaces[i] = s.surface
		}
		return discovery.PrintFleetTable(out, surfaces, o.sortBy, o.noHeaders)
	}
	return nil
}

// reportCounts writes, after the output, what could not be counted (one
// line per cause; a fleet's naming the context) and returns the error of
// the command: one context's own, or exit 1 when a cluster could not be
// read or a type counted.
func (o *apiResourcesOptions) reportCounts(reads cli.ClusterReads[*surfaceRead]) error {
	errOut := o.f.Streams().ErrOut
	if !reads.Fleet() {
		r := reads[0]
		if r.Err != nil {
			return r.Err
		}
		r.Value.report.Write(errOut)
		return r.Value.report.Err()
	}
	failed := reads.Err() != nil
	for _, r := range reads {
		if r.Err == nil {
			for _, l := range r.Value.report.Lines() {
				cli.ContextError(errOut, r.Context, l)
			}
			failed = failed || r.Value.report.Len() > 0
		}
	}
	if failed {
		return &cliutil.ExitError{Code: 1}
	}
	return nil
}
