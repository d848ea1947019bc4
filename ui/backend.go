package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/cluster"
	"github.com/kdxproject/kdx/describe"
	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/edit"
	"github.com/kdxproject/kdx/query"
)

// Backend is what the explorer reads of a cluster.
type Backend interface {
	// Snapshot is what the server serves.
	Snapshot(ctx context.Context) (*discovery.Snapshot, error)
	// Count counts the objects of each resource, in namespace ("" for all).
	Count(ctx context.Context, resources []discovery.APIResource, namespace string) ([]discovery.Count, error)
	// Resolve resolves what a user typed, as `kdx get` resolves its
	// arguments (TYPE[,TYPE...] [NAME...], short names, kind.group,
	// resource.version.group, categories).
	Resolve(ctx context.Context, args []string) ([]discovery.Target, error)
	// Get reads one object of a target.
	Get(ctx context.Context, t discovery.Target, namespace, name string) (*unstructured.Unstructured, error)
	// Describe gathers what `kdx describe` says of obj (its events, what
	// its kind adds).
	Describe(ctx context.Context, obj *unstructured.Unstructured) (describe.Description, error)
	// Watch lists and watches targets in namespace ("" for all), as table
	// rows, until ctx ends: see WatchHandlers.
	Watch(ctx context.Context, targets []discovery.Target, namespace string, h WatchHandlers) error

	// The object's related views (backend_object.go); a result with an
	// error is partial: what could not be read is the error.
	ObjectBackend

	// The actions (actions_backend.go), refused by the explorer with
	// --readonly: each returns the line kdx's command prints for it.

	// Delete deletes one object, as kdx delete does (without waiting for
	// its finalizers: the table shows when it is gone).
	Delete(ctx context.Context, t discovery.Target, namespace, name string) (string, error)
	// Edit edits one object in editor and sends what changed, as kdx edit
	// does: a change made meanwhile by someone else is an *edit.ConflictError,
	// and nothing is written.
	Edit(ctx context.Context, t discovery.Target, namespace, name string, editor edit.Editor) (string, error)
	// Replicas are the replicas of the object's scale subresource.
	Replicas(ctx context.Context, t discovery.Target, namespace, name string) (int64, error)
	// Scale sets them, as kubectl scale does.
	Scale(ctx context.Context, t discovery.Target, namespace, name string, replicas int64) (string, error)
}

// WatchHandlers receive what a watch sees, from the watching goroutines.
type WatchHandlers struct {
	// Change is one row added, changed or deleted.
	Change func(Change)
	// Notice is a lost or resumed connection, a relist, a type that stopped.
	Notice func(dynamicclient.Notice)
	// Synced is called once every type has shown its first list.
	Synced func()
}

// Change is one watch event as the table keeps it: the row's cells, not
// its object.
type Change struct {
	Type watch.EventType
	// Context is the context of the row's cluster, in a fleet's table
	// (set by the explorer, not the Backend).
	Context string
	// Target is the index of the target the row is of.
	Target int
	// Namespace and Name name the object.
	Namespace, Name string
	// Columns and Cells are its row of the server's table.
	Columns []metav1.TableColumnDefinition
	Cells   []any
	// Created is the object's creation, for its age as time passes.
	Created time.Time
}

// clusterBackend is a Backend over a cluster's engine.
type clusterBackend struct {
	c *cluster.Cluster
	f Filters
}

// Filters are the filters of every table, pushed to the server or the
// engine as the commands push them.
type Filters struct {
	// LabelSelector filters lists, watches and counts on the server (-l).
	LabelSelector string
	// Where is the engine's --where filter of a cluster read through a
	// Lister (see cli.WhereFlags.Request); nil: none.
	Where func(query.Lister) *query.Where
	// AllTypes are the types of the all view and of a search of every
	// type, as --all-types selects them (cli.AllTypesFlags.Targets); with
	// allNamespaces, the cluster-scoped types too.
	AllTypes func(ctx context.Context, resolver *discovery.Resolver, allNamespaces bool) ([]discovery.Target, error)
}

// NewBackend is the Backend of c: discovery and resolver, counts and
// watches through its engine and dynamic client, filtered by f.
func NewBackend(c *cluster.Cluster, f Filters) Backend { return &clusterBackend{c: c, f: f} }

func (b *clusterBackend) Snapshot(ctx context.Context) (*discovery.Snapshot, error) {
	return b.c.Snapshot(ctx)
}

// countConcurrency is how many types are counted at once (as api-resources --count).
const countConcurrency = 32

func (b *clusterBackend) Count(ctx context.Context, resources []discovery.APIResource, namespace string) ([]discovery.Count, error) {
	// the deprecation warnings of every type counted are noise here (as in
	// api-resources --count)
	cfg := rest.CopyConfig(b.c.REST)
	cfg.WarningHandler = rest.NoWarnings{}
	client, err := dynamicclient.New(cfg, dynamicclient.WithWarnings(b.c.Warnings()))
	if err != nil {
		return nil, err
	}
	eng := &query.Engine{Lister: client}
	req := query.Request{Concurrency: countConcurrency, Namespace: namespace, LabelSelector: b.f.LabelSelector}
	for _, r := range resources {
		req.Targets = append(req.Targets, targetOf(r))
	}
	return eng.Count(ctx, req)
}

func (b *clusterBackend) Resolve(ctx context.Context, args []string) ([]discovery.Target, error) {
	r, err := b.c.Resolver(ctx)
	if err != nil {
		return nil, err
	}
	return r.ResolveArgs(ctx, args)
}

func (b *clusterBackend) Get(ctx context.Context, t discovery.Target, namespace, name string) (*unstructured.Unstructured, error) {
	client, err := b.c.Client()
	if err != nil {
		return nil, err
	}
	return client.Get(ctx, t.Mapping, namespace, name, "")
}

// describeConcurrency bounds the lists of a description (a Terminating
// namespace's content), as kdx describe's default.
const describeConcurrency = 16

func (b *clusterBackend) Describe(ctx context.Context, obj *unstructured.Unstructured) (describe.Description, error) {
	client, err := b.c.Client()
	if err != nil {
		return describe.Description{}, err
	}
	resolver, err := b.c.Resolver(ctx)
	if err != nil {
		return describe.Description{}, err
	}
	cfg := rest.CopyConfig(b.c.REST)
	cfg.WarningHandler = rest.NoWarnings{}
	quiet, err := dynamicclient.New(cfg)
	if err != nil {
		return describe.Description{}, err
	}
	report := query.NewReport("list", "type")
	g := &describe.Gatherer{Lister: client, Quiet: quiet, Resolver: resolver, Concurrency: describeConcurrency, ShowEvents: true, Report: report}
	return g.Describe(ctx, obj), report.Err()
}

func (b *clusterBackend) Watch(ctx context.Context, targets []discovery.Target, namespace string, h WatchHandlers) error {
	// The watch's own client: an HTTP timeout (--request-timeout) would cut
	// every watch; the context ends it instead.
	cfg := rest.CopyConfig(b.c.REST)
	cfg.Timeout = 0
	client, err := dynamicclient.New(cfg, dynamicclient.WithWarnings(b.c.Warnings()))
	if err != nil {
		return err
	}
	wr := query.WatchRequest{Namespace: namespace, LabelSelector: b.f.LabelSelector}
	if b.f.Where != nil {
		wr.Where = b.f.Where(client)
	}
	// the watch's sources are one per target, or one per named object
	var ofSource []int
	for i, t := range targets {
		for range max(1, len(t.Names)) {
			ofSource = append(ofSource, i)
		}
	}
	opts := dynamicclient.WatchOptions{Table: true, ListPages: true, Notify: h.Notice, Synced: h.Synced}
	return wr.Watch(ctx, client, targets, opts, func(ev dynamicclient.WatchEvent) error {
		h.Change(changeOf(ev, ofSource[ev.Source], time.Now()))
		return nil
	})
}

// changeOf is the Change of a watch event of target, read at now: of its
// object, only its namespace, name and creation.
func changeOf(ev dynamicclient.WatchEvent, target int, now time.Time) Change {
	ch := Change{Type: ev.Type, Target: target, Namespace: ev.Object.GetNamespace(), Name: ev.Object.GetName(),
		Created: ev.Object.GetCreationTimestamp().Time}
	if ev.Row != nil {
		ch.Columns, ch.Cells = ev.Row.Columns, ev.Row.Cells
	} else {
		t := dynamicclient.NameAgeTable(ev.Object, now)
		ch.Columns, ch.Cells = t.ColumnDefinitions, t.Rows[0].Cells
	}
	return ch
}

// targetOf is the target of every object of a resource.
func targetOf(r discovery.APIResource) discovery.Target {
	return discovery.Target{Mapping: discovery.Mapping{Resource: r, GVR: r.GroupVersionResource(), GVK: r.GroupVersionKind(), Namespaced: r.Namespaced}}
}

// targetsName is how a view names its targets: "pods", "pods, services".
func targetsName(targets []discovery.Target) string {
	names := make([]string, len(targets))
	for i, t := range targets {
		names[i] = t.QualifiedName()
		if len(t.Names) > 0 {
			names[i] += " " + strings.Join(t.Names, " ")
		}
	}
	if len(names) > 4 {
		return fmt.Sprintf("%s and %d more", strings.Join(names[:3], ", "), len(names)-3)
	}
	return strings.Join(names, ", ")
}
