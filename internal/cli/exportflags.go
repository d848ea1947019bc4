package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/export"
	"github.com/kdxproject/kdx/query"
)

// ExportFlags are the flags of export that diff --dir shares: what is read
// (types, namespaces, selectors, --where) and how it is cleaned, and the
// reading they set up (Prepare).
type ExportFlags struct {
	F Factory

	Output        string
	Dir           string
	AllNamespaces bool
	Selector      string
	FieldSelector string
	AllTypesFlags
	KeepStatus    bool
	IncludeOwned  bool
	IncludeSystem bool
	// IncludeDeleting writes to --dir the objects being deleted.
	IncludeDeleting bool
	RedactSecrets   bool
	Concurrency     int
	ChunkSize       int64
	Where           WhereFlags

	// Set by Prepare: the namespaces read from that are being deleted.
	Terminating []string

	// Set by Complete.
	Args   []string
	Format export.Format
}

// NewExportFlags returns export's flags with their defaults.
func NewExportFlags(f Factory) *ExportFlags {
	return &ExportFlags{F: f, Output: string(export.FormatYAML), Concurrency: export.DefaultConcurrency, ChunkSize: export.DefaultPageSize}
}

// Complete parses the output format.
func (o *ExportFlags) Complete(args []string) error {
	o.Args = args
	if err := o.Where.Complete(); err != nil {
		return err
	}
	if err := export.Outputs.Check(o.Output); err != nil {
		return err
	}
	o.Format = export.Format(o.Output)
	return nil
}

// HasNames reports whether the arguments name objects (TYPE NAME or TYPE/NAME).
func HasNames(args []string) bool {
	return len(args) > 1 || (len(args) == 1 && strings.Contains(args[0], "/"))
}

// CleanOptions are the cleaning flags for the export package.
func (o *ExportFlags) CleanOptions() export.CleanOptions {
	return export.CleanOptions{KeepStatus: o.KeepStatus, IncludeOwned: o.IncludeOwned, IncludeSystem: o.IncludeSystem, RedactSecrets: o.RedactSecrets,
		IncludeDeleting: o.IncludeDeleting || o.Dir == ""} // a tree leaves them out, stdout warns of them
}

// ExportLister lists for the export package through the dynamic client.
type ExportLister struct {
	Client *dynamicclient.Client
	// Mappings are the discovery mappings of the types, by resource.
	Mappings map[string]discovery.Mapping
	// Where keeps the objects --where matches; nil: all.
	Where *query.Where
	// Vanished, for the types a user named, says whether a type whose list
	// answered 404 is no longer served: it is then an unknown type.
	Vanished func(context.Context, schema.GroupVersionResource) bool
}

var _ export.Lister = ExportLister{}

func (l ExportLister) ListPages(ctx context.Context, t export.Type, ns string, opts metav1.ListOptions, fn func(*unstructured.UnstructuredList) error) error {
	m := l.Mappings[t.String()]
	err := l.listPages(ctx, m, ns, opts, fn)
	if apierrors.IsNotFound(err) && l.Vanished != nil && l.Vanished(ctx, m.GVR) {
		return query.VanishedError(m)
	}
	return err
}

func (l ExportLister) listPages(ctx context.Context, m discovery.Mapping, ns string, opts metav1.ListOptions, fn func(*unstructured.UnstructuredList) error) error {
	if l.Where == nil {
		return l.Client.ListPages(ctx, m, ns, opts, fn)
	}
	target := discovery.Target{Mapping: m}
	opts.FieldSelector = l.Where.FieldSelector(ctx, target, opts.FieldSelector)
	return l.Client.ListPages(ctx, m, ns, opts, func(list *unstructured.UnstructuredList) error {
		if _, err := l.Where.Keep(target, list); err != nil {
			return err
		}
		return fn(list)
	})
}

// Prepare resolves what the export reads: the types, the lister and the
// options (also those of `kdx diff --dir`, which compares instead of writing).
func (o *ExportFlags) Prepare(ctx context.Context) (ExportLister, export.Options, error) {
	cfg, client, err := o.F.ReadClient(o.AllTypes)
	if err != nil {
		return ExportLister{}, export.Options{}, err
	}
	targets, resolver, err := o.Targets(ctx)
	if err != nil {
		return ExportLister{}, export.Options{}, err
	}
	terminating, err := TerminatingNamespaces(ctx, client, targets, cfg.Namespace, o.AllNamespaces)
	if err != nil {
		return ExportLister{}, export.Options{}, err
	}
	o.Terminating = terminating
	lister := ExportLister{Client: client, Mappings: map[string]discovery.Mapping{}, Where: o.Where.Request(client)}
	if !o.AllTypes {
		lister.Vanished = TypeGone(resolver)
	}
	opts := export.Options{Namespace: cfg.Namespace, LabelSelector: o.Selector, FieldSelector: o.FieldSelector,
		PageSize: o.ChunkSize, Concurrency: 1, Cleaner: export.NewCleaner(o.CleanOptions()), IgnoreForbidden: o.IgnoreForbidden}
	if o.AllNamespaces {
		opts.Namespace = ""
	}
	if err := lister.Where.Check(ctx, targets); err != nil {
		return ExportLister{}, export.Options{}, err
	}
	for _, t := range targets {
		typ := ExportType(t)
		lister.Mappings[typ.String()] = t.Mapping
		opts.Types = append(opts.Types, typ)
	}
	return lister, opts, nil
}

// Targets are the types to export: every listable one with --all-types
// (the selection of `kdx get --all-types`, events included so that the
// summary counts them, from discovery revalidated now so that no type
// created since the cache was written is missed), else those the
// arguments name.
func (o *ExportFlags) Targets(ctx context.Context) ([]discovery.Target, *discovery.Resolver, error) {
	resolver, err := o.F.Resolver(ctx)
	if err != nil {
		return nil, nil, err
	}
	if !o.AllTypes {
		targets, err := resolver.ResolveArgs(ctx, o.Args)
		return targets, resolver, err
	}
	sel := o.AllTypesFlags
	sel.IncludeEvents = true
	targets, err := sel.Targets(ctx, resolver, o.AllNamespaces)
	return targets, resolver, err
}

// ExportType is what the export package needs of a target.
func ExportType(t discovery.Target) export.Type {
	return export.Type{Mapping: t.Mapping, ReadOnly: !t.Resource.Supports("create"), Names: t.Names}
}

// TerminatingNamespaces checks the namespaces an export reads namespaced
// types from: one that does not exist is an error (as for kubectl), and
// those being deleted are returned, for a warning. What the user may not
// read (get or list namespaces) cannot be told and is not reported.
func TerminatingNamespaces(ctx context.Context, client *dynamicclient.Client, targets []discovery.Target, namespace string, all bool) ([]string, error) {
	namespaced := false
	for _, t := range targets {
		namespaced = namespaced || t.Namespaced
	}
	if !namespaced {
		return nil, nil
	}
	nsClient := client.Dynamic().Resource(NamespacesGVR)
	if all {
		list, err := nsClient.List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, nil
		}
		var out []string
		for i := range list.Items {
			if isTerminating(&list.Items[i]) {
				out = append(out, list.Items[i].GetName())
			}
		}
		return out, nil
	}
	ns, err := nsClient.Get(ctx, namespace, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err):
		return nil, fmt.Errorf("namespace %q not found", namespace)
	case err != nil:
		return nil, nil
	case isTerminating(ns):
		return []string{namespace}, nil
	}
	return nil, nil
}

func isTerminating(ns *unstructured.Unstructured) bool {
	phase, _, _ := unstructured.NestedString(ns.Object, "status", "phase")
	return phase == "Terminating" || ns.GetDeletionTimestamp() != nil
}

// Validate checks that the flags go together.
func (o *ExportFlags) Validate() error {
	switch {
	case len(o.Args) == 0 && !o.AllTypes:
		return errors.New("you must specify the type of resource to export, or --all-types")
	case len(o.Args) > 0 && o.AllTypes:
		return errors.New("--all-types exports every type: give no TYPE or NAME with it")
	case (len(o.Exclude) > 0 || o.IgnoreForbidden) && !o.AllTypes:
		return errors.New("--exclude and --ignore-forbidden only apply with --all-types")
	case o.Dir != "" && o.Format == export.FormatJSONL:
		return errors.New("--output jsonl cannot be written to --dir: use yaml or json")
	case o.IncludeDeleting && o.Dir == "":
		return errors.New("--include-deleting needs --dir: stdout has the objects being deleted, with a warning")
	case len(o.Where.Exprs) > 0 && HasNames(o.Args):
		return errors.New("names cannot be given together with --where: a named object is exported or not found")
	case o.ChunkSize < 0:
		return fmt.Errorf("--chunk-size must not be negative, not %d", o.ChunkSize)
	}
	return CheckConcurrency(o.Concurrency)
}
