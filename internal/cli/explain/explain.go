// Package explain is `kdx explain`: the schema of a type or of one of its
// fields, from the server's OpenAPI v3 documents, in kubectl explain's
// words and order with what kubectl does not print in lines of their own.
package explain

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/cli-runtime/pkg/printers"

	"github.com/kdxproject/kdx/cluster"
	"github.com/kdxproject/kdx/discovery"
	openapi "github.com/kdxproject/kdx/explain"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// options are the flags and inputs of `kdx explain`.
type options struct {
	f cli.Factory

	recursive   bool
	maxDepth    int
	apiVersion  string
	output      string
	extras      bool
	skeleton    bool
	all         bool
	versions    bool
	diff        []string
	find        string
	in          string
	concurrency int

	pattern *openapi.Pattern // --find, parsed by Validate

	// Set by Complete.
	args []string
}

// outputs are the formats of -o besides kubectl's "plaintext".
var outputs = render.Outputs{"", "json", "yaml"}

// NewCmd is `kdx explain`.
func NewCmd(f cli.Factory) *cobra.Command {
	o := &options{f: f, extras: true, concurrency: query.DefaultConcurrency}
	cmd := &cobra.Command{
		Use:   "explain (TYPE[.field.path] [--recursive [--max-depth N]] [--api-version GROUP/VERSION] [-o json|yaml] | --find PATTERN [--in descriptions])",
		Short: "Show the schema of a type or of one of its fields, with what kubectl explain leaves out",
		Long: `Explain prints the schema of a type, or of a field of it, from the server's
OpenAPI v3 documents: built-in types, CustomResourceDefinitions and aggregated
APIs alike. TYPE is resolved as every kdx command resolves it (short names,
kind.group, resource.version.group); the field path may step into arrays
(spec.containers[0].image, [*]) and name keys with dots (['a.b']).

What kubectl explain prints (GROUP, KIND, VERSION, FIELD, the type words,
-required-, DESCRIPTION, FIELDS, the enum values) is printed in the same words
and order. What the schema says and kubectl does not print comes in lines of
their own that start with "+ ": the default, example, format, pattern, length
and item limits, minimum and maximum, nullable, "type: int | string" for
int-or-string fields (kubectl says <Object>), "accepts any fields" for
preserve-unknown-fields, list and map types with their keys, and each CEL
validation rule with its message ("immutable: self == oldSelf" for fields that
cannot change). --extras=false prints kubectl's text alone.

--recursive lists every field below the path, one line each with its full path
(spec.template.spec.containers[*].image), type, -required- and default, ready
for grep, --where, -o jsonpath or custom-columns. -o json|yaml prints the
schema of the path as data, references expanded.

--find PATTERN lists every field of every listable type (built-in, CRD or
aggregated) whose name matches PATTERN, one line each: KIND.GROUP, full path,
type. PATTERN is a field name (any case), a glob (image*, *Ref) or a Go regexp
(^(image|tag)$); --in descriptions also matches it in the fields' descriptions.
A group-version whose schemas cannot be read (an aggregated API that is down or
publishes none) is one line on stderr; the rest is searched, and the exit code
is 1.

--skeleton prints YAML to start a manifest from: apiVersion, kind, an empty
metadata.name and every required field (--all: every field), each filled with
its default, else its first enum value, else an empty value of its type, with
the first sentence of its description as a comment above it.

--versions lists the versions of a CRD (served, storage, deprecated with its
warning); --diff OLD NEW lists the fields added (+), removed (-) and changed (~:
type, required, enum, default, validation) between two served versions.

The documents are cached under the cache directory by their hash URL: a warm
run asks the server only whether its index changed.`,
		Example: `  # The fields of a Deployment's spec
  kdx explain deployments.spec

  # One field of a custom resource, with what kubectl does not print
  kdx explain gadgets.multi.example.org.spec.size

  # Every field path below the containers of a pod, greppable
  kdx explain pods.spec.containers --recursive | grep -i probe

  # The schema of a field as YAML
  kdx explain deployments.spec.strategy -o yaml

  # A manifest to start from: the required fields, with defaults and comments
  kdx explain gadgets --skeleton > gadget.yaml

  # The versions of a CRD, and what changed between two of them
  kdx explain gadgets --versions
  kdx explain gadgets --diff v1 v2

  # Which types have a field named image, and where
  kdx explain --find image

  # Fields whose name ends in Ref, or whose description mentions TLS
  kdx explain --find '*Ref'
  kdx explain --find tls --in descriptions`,
		RunE:              cli.RunE(o),
		ValidArgsFunction: completeArg(f),
	}
	o.AddFlags(cmd.Flags())
	return cmd
}

// AddFlags adds explain's flags.
func (o *options) AddFlags(fs *pflag.FlagSet) {
	fs.BoolVar(&o.recursive, "recursive", false, "list every field below the path, one line each with its full path, type, -required- and default")
	fs.IntVar(&o.maxDepth, "max-depth", 0, "with --recursive, how many levels of fields to list (0: all)")
	fs.StringVar(&o.apiVersion, "api-version", "", "the group/version of the type to explain (default: the preferred one, or the one TYPE names)")
	fs.StringVarP(&o.output, "output", "o", "", "output format: plaintext (the default), json or yaml (the schema of the path as data)")
	fs.BoolVar(&o.skeleton, "skeleton", false, "print YAML to start a manifest of TYPE from: apiVersion, kind, metadata.name and every required field, filled with its default, first enum value or a placeholder, its description as a comment")
	fs.BoolVar(&o.all, "all", false, "with --skeleton, every field, not only the required ones")
	fs.BoolVar(&o.versions, "versions", false, "list the versions of TYPE: served, storage and deprecated (with the deprecation warning) for a CRD")
	fs.StringSliceVar(&o.diff, "diff", nil, "--diff OLD NEW (or OLD,NEW): the fields added, removed and changed (type, required, enum, default, validation) between two served versions of TYPE")
	fs.StringVar(&o.find, "find", "", "list the fields of every type whose name matches PATTERN (a name, a glob or a Go regexp), one line each: KIND.GROUP PATH TYPE")
	fs.StringVar(&o.in, "in", "", "with --find, also match in: descriptions")
	fs.IntVar(&o.concurrency, "concurrency", o.concurrency, "with --find, how many OpenAPI documents are read at the same time")
	fs.BoolVar(&o.extras, "extras", true, "print kdx's \"+ \" lines (defaults, limits, validation rules...); false prints kubectl explain's text alone")
}

// Complete records the arguments.
func (o *options) Complete(_ *cobra.Command, args []string) error {
	o.args = args
	if o.output == "plaintext" {
		o.output = ""
	}
	return nil
}

// Validate checks the arguments and flags.
func (o *options) Validate() error {
	if o.find != "" || o.in != "" {
		return o.validateFind()
	}
	if len(o.diff) == 1 && len(o.args) == 2 {
		o.diff, o.args = append(o.diff, o.args[1]), o.args[:1] // --diff OLD NEW
	}
	if o.all && !o.skeleton {
		return errors.New("--all needs --skeleton")
	}
	if o.skeleton && (o.versions || len(o.diff) > 0 || o.recursive || o.maxDepth != 0 || o.output != "") {
		return errors.New("--skeleton prints YAML: --versions, --diff, --recursive, --max-depth and -o do not apply")
	}
	if o.versions || len(o.diff) > 0 {
		if err := o.validateVersions(); err != nil {
			return err
		}
	}
	switch {
	case len(o.args) == 0 || strings.TrimSpace(o.args[0]) == "":
		return errors.New("you must specify the type of resource to explain, e.g. 'kdx explain pods.spec' ('kdx api-resources' lists the types)")
	case len(o.args) > 1:
		return fmt.Errorf("explain takes one TYPE[.field.path], not %d arguments (e.g. 'kdx explain deployments.spec.replicas')", len(o.args))
	case strings.Contains(o.args[0], ","):
		return fmt.Errorf("explain takes one type, not a list: %q", o.args[0])
	case o.maxDepth < 0:
		return errors.New("--max-depth must be non-negative")
	case o.maxDepth > 0 && !o.recursive:
		return errors.New("--max-depth requires --recursive")
	}
	if err := outputs.Check(o.output); err != nil {
		return err
	}
	if o.apiVersion != "" {
		if _, err := schema.ParseGroupVersion(o.apiVersion); err != nil {
			return fmt.Errorf("invalid --api-version %q: %v", o.apiVersion, err)
		}
	}
	return nil
}

// validateFind checks the flags of --find.
func (o *options) validateFind() error {
	switch {
	case o.find == "":
		return errors.New("--in needs --find PATTERN")
	case o.in != "" && o.in != "descriptions":
		return fmt.Errorf("--in takes one value, descriptions, not %q", o.in)
	case len(o.args) > 0:
		return fmt.Errorf("--find searches every type: give no TYPE with it (got %q)", strings.Join(o.args, " "))
	case o.recursive || o.maxDepth != 0 || o.apiVersion != "" || o.output != "":
		return errors.New("--find prints one line per field: --recursive, --max-depth, --api-version and -o do not apply")
	case o.concurrency < 1:
		return fmt.Errorf("--concurrency must be at least 1, not %d", o.concurrency)
	}
	var err error
	o.pattern, err = openapi.NewPattern(o.find)
	return err
}

// validateVersions checks --versions and --diff.
func (o *options) validateVersions() error {
	switch {
	case o.versions && len(o.diff) > 0:
		return errors.New("--versions and --diff are two questions: ask one at a time")
	case len(o.diff) > 0 && len(o.diff) != 2:
		return fmt.Errorf("--diff takes two versions, OLD and NEW (--diff v1beta1 v1), not %d", len(o.diff))
	case o.recursive || o.maxDepth != 0 || o.apiVersion != "" || o.output != "":
		return errors.New("--versions and --diff print their own lines: --recursive, --max-depth, --api-version and -o do not apply")
	}
	return nil
}

// Run resolves TYPE, reads its group-version's document and prints.
func (o *options) Run(ctx context.Context) error {
	if o.pattern != nil {
		return o.runFind(ctx)
	}
	if o.versions || len(o.diff) > 0 {
		return o.runVersions(ctx)
	}
	c, err := o.f.Cluster()
	if err != nil {
		return err
	}
	resolver, err := c.Resolver(ctx)
	if err != nil {
		return err
	}
	client, err := c.OpenAPI()
	if err != nil {
		return err
	}
	var (
		gvk  schema.GroupVersionKind
		doc  *openapi.Document
		node *openapi.Node
	)
	err = resolveChecked(ctx, resolver, o.args[0], func(m discovery.Mapping, steps []openapi.Step) (err error) {
		if gvk, err = o.version(m); err != nil {
			return err
		}
		doc, node, err = openapi.Lookup(ctx, client, gvk, steps)
		return err
	})
	if err != nil {
		return err
	}
	out := o.f.Streams().Out
	if o.skeleton {
		if len(node.Steps) > 0 {
			return fmt.Errorf("--skeleton is the manifest of a type: give TYPE without a field path (%s)", openapi.PathString(node.Steps))
		}
		return doc.Skeleton(out, gvk, node.Schema, o.all)
	}
	if o.output != "" {
		b, err := openapi.MarshalSchema(doc.Expand(node.Schema), o.output == "yaml")
		if err != nil {
			return err
		}
		_, err = out.Write(b)
		return err
	}
	return doc.Print(out, gvk, node, openapi.Options{Recursive: o.recursive, MaxDepth: o.maxDepth, NoExtras: !o.extras})
}

// runFind searches every listable type for fields that match --find.
func (o *options) runFind(ctx context.Context) error {
	c, err := o.f.Cluster()
	if err != nil {
		return err
	}
	// Every type, from discovery the server confirms now (a CRD created
	// since the cache was written is searched too).
	d, err := c.Discovery()
	if err != nil {
		return err
	}
	snap, err := d.Confirm(ctx)
	if err != nil {
		return err
	}
	rep := query.NewReport("read the OpenAPI document of", "group-version")
	// A group-version discovery could not read (an aggregated API that is
	// down) has types that cannot be searched: said, and the exit code is 1.
	for _, f := range snap.Failures {
		rep.Add(f.GroupVersion, errors.New(f.Reason))
	}
	var gvks []schema.GroupVersionKind
	seen := map[schema.GroupVersionKind]bool{}
	for _, t := range query.SelectTypes(snap, query.AllTypes{ClusterScoped: true, IncludeEvents: true}) {
		if !seen[t.GVK] {
			seen[t.GVK] = true
			gvks = append(gvks, t.GVK)
		}
	}
	client, err := c.OpenAPI()
	if err != nil {
		return err
	}
	found, err := client.Find(ctx, gvks, o.pattern, o.in == "descriptions", o.concurrency, rep)
	if err != nil {
		return err
	}
	openapi.SortFound(found)
	streams := o.f.Streams()
	w := printers.GetNewTabWriter(streams.Out)
	for _, fd := range found {
		fmt.Fprintf(w, "%s\t%s\t%s\n", render.Escape(openapi.KindName(fd.GVK)), render.Escape(fd.Path), render.Escape(fd.Type))
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("failed to write output: %w", err)
	}
	if len(found) == 0 && rep.Len() == 0 {
		fmt.Fprintf(streams.ErrOut, "No field matches %q.\n", o.find)
	}
	rep.Write(streams.ErrOut)
	return rep.Err()
}

// runVersions is --versions and --diff.
func (o *options) runVersions(ctx context.Context) error {
	c, err := o.f.Cluster()
	if err != nil {
		return err
	}
	resolver, err := c.Resolver(ctx)
	if err != nil {
		return err
	}
	var m discovery.Mapping
	err = resolveChecked(ctx, resolver, o.args[0], func(found discovery.Mapping, steps []openapi.Step) error {
		if len(steps) > 0 {
			return fmt.Errorf("--versions and --diff are about a type: give TYPE without a field path (%s)", openapi.PathString(steps))
		}
		m = found
		return nil
	})
	if err != nil {
		return err
	}
	out := o.f.Streams().Out
	if o.versions {
		vs, err := o.crdVersions(ctx, c, resolver, m)
		if err != nil {
			return err
		}
		warnings := false
		for _, v := range vs {
			warnings = warnings || v.warning != ""
		}
		w := printers.GetNewTabWriter(out)
		header := "VERSION\tSERVED\tSTORAGE\tDEPRECATED"
		if warnings {
			header += "\tWARNING"
		}
		fmt.Fprintln(w, header)
		for _, v := range vs {
			line := fmt.Sprintf("%s\t%s\t%s\t%s", render.Escape(v.name), v.served, v.storage, v.deprecated)
			if warnings {
				line += "\t" + render.Escape(v.warning)
			}
			fmt.Fprintln(w, line)
		}
		return w.Flush()
	}
	client, err := c.OpenAPI()
	if err != nil {
		return err
	}
	var fields [2][]openapi.Field
	for i, v := range o.diff {
		if !contains(m.Resource.Versions, v) {
			return fmt.Errorf("the server does not serve %s in version %s (it serves %s)", m.QualifiedName(), v, strings.Join(m.Resource.Versions, ", "))
		}
		gvk := schema.GroupVersionKind{Group: m.GVK.Group, Version: v, Kind: m.GVK.Kind}
		doc, node, err := openapi.Lookup(ctx, client, gvk, nil)
		if err != nil {
			return err
		}
		fields[i] = doc.Fields(node.Schema)
	}
	name := func(v string) string { return m.QualifiedName() + " " + v }
	return openapi.WriteDiff(out, name(o.diff[0]), name(o.diff[1]), openapi.Diff(fields[0], fields[1]))
}

// versionRow is one line of --versions.
type versionRow struct {
	name, served, storage, deprecated, warning string
}

// crdVersions are the versions of m: from its CustomResourceDefinition,
// or, for a type no CRD defines, the versions discovery lists (served;
// storage and deprecation are not published for those).
func (o *options) crdVersions(ctx context.Context, c *cluster.Cluster, resolver *discovery.Resolver, m discovery.Mapping) ([]versionRow, error) {
	crds, err := resolver.Resolve(ctx, "customresourcedefinitions.apiextensions.k8s.io")
	if err != nil || len(crds) != 1 {
		return nil, fmt.Errorf("the server serves no CustomResourceDefinitions: %v", err)
	}
	dyn, err := c.Client()
	if err != nil {
		return nil, err
	}
	crd, err := dyn.Get(ctx, crds[0], "", m.QualifiedName(), "")
	if apierrors.IsNotFound(err) {
		var rows []versionRow
		for _, v := range m.Resource.Versions {
			rows = append(rows, versionRow{name: v, served: "true", storage: "<unknown>", deprecated: "<unknown>"})
		}
		return rows, nil
	}
	if err != nil {
		return nil, err
	}
	list, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	var rows []versionRow
	for _, item := range list {
		v, _ := item.(map[string]any)
		row := versionRow{served: "false", storage: "false", deprecated: "false"}
		row.name, _ = v["name"].(string)
		if b, _ := v["served"].(bool); b {
			row.served = "true"
		}
		if b, _ := v["storage"].(bool); b {
			row.storage = "true"
		}
		if b, _ := v["deprecated"].(bool); b {
			row.deprecated = "true"
			row.warning, _ = v["deprecationWarning"].(string)
			if row.warning == "" {
				row.warning = fmt.Sprintf("%s/%s %s is deprecated", m.GVK.Group, row.name, m.GVK.Kind)
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// completeArg completes TYPE (as every command completes types) and, after
// a dot, the field path: `kdx explain deployments.spec.te<TAB>` offers
// deployments.spec.template. It reads discovery and the OpenAPI document
// through their caches, bounded by cli.CompletionTimeout, and never fails
// loudly.
func completeArg(f cli.Factory) cobra.CompletionFunc {
	types := cli.CompleteResourceTypes(f)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		const directive = cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveNoSpace
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		out, _ := types(cmd, args, toComplete)
		dot := strings.LastIndex(toComplete, ".")
		if dot < 0 || strings.ContainsAny(toComplete, "[],") {
			return out, directive
		}
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		ctx, cancel := context.WithTimeout(ctx, cli.CompletionTimeout)
		defer cancel()
		cfg, err := f.Config()
		if err != nil {
			return out, directive
		}
		d, err := f.Discovery(func(o *discovery.Options) { o.Warnings = nil })
		if err != nil {
			return out, directive
		}
		resolver, err := d.Resolver(ctx)
		if err != nil {
			return out, directive
		}
		parent, partial := toComplete[:dot], toComplete[dot+1:]
		m, steps, _, err := resolveType(ctx, resolver, parent)
		if err != nil {
			return out, directive
		}
		client, err := openapi.NewClient(cfg.REST, f.CacheDir(), nil)
		if err != nil {
			return out, directive
		}
		doc, node, err := openapi.Lookup(ctx, client, m.GVK, steps)
		if err != nil {
			return out, directive
		}
		for _, name := range doc.FieldNames(node.Schema) {
			if strings.HasPrefix(name, partial) {
				out = append(out, parent+"."+name)
			}
		}
		return out, directive
	}
}

// version is the kind of m in the version --api-version names, or m's.
func (o *options) version(m discovery.Mapping) (schema.GroupVersionKind, error) {
	if o.apiVersion == "" {
		return m.GVK, nil
	}
	gv, _ := schema.ParseGroupVersion(o.apiVersion)
	if gv.Group != m.GVK.Group {
		return schema.GroupVersionKind{}, fmt.Errorf("--api-version %s is not a version of %s (group %q)", o.apiVersion, m.QualifiedName(), m.GVK.Group)
	}
	if len(m.Resource.Versions) > 0 && !contains(m.Resource.Versions, gv.Version) {
		return schema.GroupVersionKind{}, fmt.Errorf("the server does not serve %s in version %s (it serves %s)", m.QualifiedName(), gv.Version, strings.Join(m.Resource.Versions, ", "))
	}
	return gv.WithKind(m.GVK.Kind), nil
}

// ResolveType splits "TYPE[.field.path]" into the type, resolved as every
// command resolves a type, and the field path. TYPE may hold dots
// (deployments.apps, certificates.v1.cert-manager.io): the longest prefix
// whose group part is a served API group and that resolves is the type,
// else the first name is.
func ResolveType(ctx context.Context, r *discovery.Resolver, arg string) (discovery.Mapping, []openapi.Step, error) {
	m, steps, _, err := resolveType(ctx, r, arg)
	return m, steps, err
}

// resolveChecked resolves arg as ResolveType does and calls use with the
// result. When TYPE may have named a group the cached discovery does not
// know (a CRD created since: certificates.cert-manager.io.spec read as
// certificates and a field path) and use fails, discovery is revalidated
// and arg resolved again, once.
func resolveChecked(ctx context.Context, r *discovery.Resolver, arg string, use func(discovery.Mapping, []openapi.Step) error) error {
	m, steps, unsure, err := resolveType(ctx, r, arg)
	if err == nil {
		if err = use(m, steps); err == nil || !unsure {
			return err
		}
	} else if !unsure {
		return err
	}
	if _, rerr := r.Revalidated(ctx); rerr != nil {
		return err
	}
	m2, steps2, _, err2 := resolveType(ctx, r, arg)
	if err2 != nil || (m2.GVR == m.GVR && len(steps2) == len(steps)) {
		return err
	}
	return use(m2, steps2)
}

// resolveType is ResolveType; unsure says that TYPE was taken to be the
// first name while a longer prefix ends in a dotted name that is no group
// discovery knows (it may be one created since discovery was cached).
func resolveType(ctx context.Context, r *discovery.Resolver, arg string) (m discovery.Mapping, steps []openapi.Step, unsure bool, err error) {
	head := arg
	if i := strings.IndexAny(arg, "["); i >= 0 {
		head = arg[:i]
	}
	segs := strings.Split(head, ".")
	groups := map[string]bool{}
	for _, g := range r.Snapshot().Groups() {
		groups[g.Name] = true
	}
	for i := len(segs); i >= 2; i-- {
		if !groups[strings.Join(segs[1:i], ".")] && (i < 3 || !groups[strings.Join(segs[2:i], ".")]) {
			unsure = unsure || strings.Contains(strings.Join(segs[1:i], "."), ".")
			continue
		}
		typ := strings.Join(segs[:i], ".")
		if ms, err := r.Resolve(ctx, typ); err == nil && len(ms) == 1 {
			steps, err := parsePath(arg, len(typ))
			return ms[0], steps, false, err
		}
	}
	ms, err := r.Resolve(ctx, segs[0])
	if err != nil {
		return discovery.Mapping{}, nil, unsure, err
	}
	if len(ms) != 1 {
		return discovery.Mapping{}, nil, false, fmt.Errorf("explain takes one type: %q names %d", segs[0], len(ms))
	}
	steps, err = parsePath(arg, len(segs[0]))
	return ms[0], steps, unsure, err
}

// parsePath parses the field path of arg after its type (of n bytes); an
// error names the whole argument.
func parsePath(arg string, n int) ([]openapi.Step, error) {
	steps, err := openapi.ParsePath(arg[n:])
	var perr *openapi.PathError
	if errors.As(err, &perr) {
		perr.Path = arg
	}
	return steps, err
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
