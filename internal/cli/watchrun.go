package cli

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// InterruptedExitCode is kubectl's exit code when a watch is interrupted
// (its interrupt handler exits with 1 after stopping the watch).
const InterruptedExitCode = 1

// WatchFlags are the watch flags of `kdx get` (and `kdx watch`).
type WatchFlags struct {
	Watch     bool
	WatchOnly bool
	Events    bool
}

// AddFlags adds -w/--watch, --watch-only and --output-watch-events.
func (w *WatchFlags) AddFlags(fs *pflag.FlagSet, withWatch bool) {
	if withWatch {
		fs.BoolVarP(&w.Watch, "watch", "w", w.Watch, "after listing/getting the requested objects, watch for changes (several types at once are allowed)")
	}
	fs.BoolVar(&w.WatchOnly, "watch-only", w.WatchOnly, "watch for changes to the requested objects, without listing/getting first")
	fs.BoolVar(&w.Events, "output-watch-events", w.Events, "output watch event objects: an EVENT column in tables, {\"type\":...,\"object\":...} for json, jsonl and yaml")
}

// On reports whether a watch was asked for.
func (w *WatchFlags) On() bool { return w.Watch || w.WatchOnly }

// WatchRequest is everything RunWatch needs, from `kdx watch` or `kdx get -w`.
type WatchRequest struct {
	Flags   WatchFlags
	Printer render.Printer
	// Namespace is the namespace to watch; "" with allNamespaces.
	Namespace     string
	AllNamespaces bool
	Selector      string
	FieldSelector string
	// Timeout ends the watch cleanly; 0 uses --request-timeout, if set.
	Timeout           time.Duration
	ShowManagedFields bool
	Concurrency       int
	// AllTypes says that the targets are every type (--all-types): what
	// cannot be watched is reported grouped by cause, and a type that went
	// away is dropped without a word.
	AllTypes bool
	// IgnoreForbidden leaves out the forbidden types without a report.
	IgnoreForbidden bool
	// Types revalidates discovery and selects every type again, so that a
	// watch of every type follows the types that appear; nil: fixed types.
	Types       func(context.Context) ([]discovery.Target, error)
	Out, ErrOut io.Writer
	Where       *WhereFlags // --where (where.go); nil: none
	// Vanished, for a type the user named, says whether it is no longer
	// served (its CRD deleted since the discovery cache was written): its
	// 404 is then an unknown type.
	Vanished func(context.Context, schema.GroupVersionResource) bool
}

// WatchClient is the client of a watch of f's cluster and how long the
// watch lasts (--timeout, else --request-timeout; 0: until interrupted).
func WatchClient(f Factory, req WatchRequest) (*dynamicclient.Client, time.Duration, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, 0, err
	}
	restCfg := rest.CopyConfig(cfg.REST)
	if req.AllTypes {
		restCfg = QuietUnnamed(restCfg)
	}
	timeout := req.Timeout
	if timeout == 0 {
		timeout = restCfg.Timeout
	}
	// The HTTP client's timeout would cut every watch; the context ends it instead.
	restCfg.Timeout = 0
	client, err := dynamicclient.New(restCfg)
	return client, timeout, err
}

// watchStream is the printer of a watch, shared by the types watched and,
// over a fleet, by the clusters: one event at a time.
type watchStream struct {
	mu sync.Mutex // serializes the printer between the watches
	wp *render.WatchPrinter
}

// newWatchStream prints req's events; multi says that several kinds share
// the stream, namespaced that a type has a namespace, contexts that several
// clusters do.
func newWatchStream(req WatchRequest, multi, namespaced, contexts bool) *watchStream {
	return &watchStream{wp: render.NewWatchPrinter(req.Printer, req.Out, render.WatchOptions{
		Events: req.Flags.Events, MultiKind: multi, WithNamespace: req.AllNamespaces && namespaced,
		ShowManagedFields: req.ShowManagedFields, Contexts: contexts,
	})}
}

func (s *watchStream) print(ev render.WatchEvent) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wp.Print(ev)
}

// flush writes what is buffered (when no event is waiting).
func (s *watchStream) flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.wp.Flush()
}

// watchTargets runs the watch of one cluster and prints its events to
// stream, naming the cluster's context ("" for a watch of one cluster).
func watchTargets(ctx context.Context, f Factory, client *dynamicclient.Client, req WatchRequest, targets []discovery.Target, stream *watchStream, cluster string, timeout time.Duration) error {
	wr := query.WatchRequest{Namespace: req.Namespace, LabelSelector: req.Selector, FieldSelector: req.FieldSelector, Types: req.Types,
		Where: req.Where.Request(client, f), Timeout: timeout}
	sources := wr.Sources(targets)
	if len(sources) == 0 {
		return fmt.Errorf("no resource type to watch")
	}
	report := query.NewWatchReport(req.ErrOut, query.WatchReportOptions{
		AllTypes: req.AllTypes, IgnoreForbidden: req.IgnoreForbidden, Stops: len(sources) > 1,
	})
	opts := dynamicclient.WatchOptions{
		Table: stream.wp.IsTable(), WatchOnly: req.Flags.WatchOnly && !req.Flags.Watch,
		Concurrency: req.Concurrency, Notify: report.Notify, Idle: stream.flush, Synced: report.Synced,
	}
	if tp, ok := req.Printer.(*render.TablePrinter); ok && tp.NeedsObjects() {
		opts.IncludeObject = "Object"
	}
	handle := func(ev dynamicclient.WatchEvent) error {
		p := printable(ev)
		if p.Context = cluster; cluster != "" && stream.wp.IsTable() && p.Columns == nil {
			t := dynamicclient.NameAgeTable(ev.Object, time.Now())
			p.Columns, p.Cells = t.ColumnDefinitions, t.Rows[0].Cells
		}
		return stream.print(p)
	}
	err := wr.Watch(ctx, client, targets, opts, handle)
	if ferr := stream.flush(); err == nil {
		err = ferr
	}
	err = report.Result(err)
	if apierrors.IsNotFound(err) && len(sources) == 1 && req.Vanished != nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second) // the watch's may have ended
		defer cancel()
		if req.Vanished(ctx, targets[0].GVR) {
			return query.VanishedError(targets[0].Mapping)
		}
	}
	return err
}

// printable is a dynamicclient event as render prints it.
func printable(ev dynamicclient.WatchEvent) render.WatchEvent {
	out := render.WatchEvent{Type: string(ev.Type), Object: ev.Object}
	if ev.Row != nil {
		out.Columns, out.Cells = ev.Row.Columns, ev.Row.Cells
	}
	return out
}

func AnyNamespaced(targets []discovery.Target) bool {
	for _, t := range targets {
		if t.Namespaced {
			return true
		}
	}
	return false
}

// WatchPlan resolves the watch of one cluster with its factory: the
// request and the targets (none: nothing to watch there, and no error).
type WatchPlan func(ctx context.Context, f Factory) (WatchRequest, []discovery.Target, error)

// clusterWatch is the watch of one cluster.
type clusterWatch struct {
	f       Factory
	context string // "" for the one cluster: its events and lines name none
	req     WatchRequest
	targets []discovery.Target
	client  *dynamicclient.Client
	timeout time.Duration
	err     error
}

// RunWatch lists and watches the clusters of a watch in one stream, until
// the timeout (exit 0) or an interrupt (kubectl's exit code, after the
// output is flushed). contexts are Fleet's: several, or none for the
// context's one cluster, a fleet of one. Each cluster is resolved by plan
// with its own factory (EachCluster: in context order), then every cluster
// is watched at once, each resuming on its own after a lost connection or
// a restart, its events printed as they come. What the one cluster cannot
// do is the command's error. Over several, each event names its context
// (a CONTEXT column, a "context" field, or -n NS --context=CONTEXT after a
// name), what a cluster cannot do is a line naming its context, the others
// are watched, and the exit code is 1.
func RunWatch(ctx context.Context, f Factory, contexts []string, plan WatchPlan) error {
	fleet := len(contexts) > 1
	errOut := &lockedWriter{w: f.Streams().ErrOut}
	failed := false
	fail := func(c *clusterWatch, err error) error {
		if !fleet {
			return err
		}
		failed = true
		ContextError(errOut, c.context, cliutil.Message(err)) // nothing for an error already reported
		return nil
	}
	var clusters []*clusterWatch
	err := EachCluster(ctx, f, contexts, func(ctx context.Context, cf Factory) *clusterWatch {
		c := &clusterWatch{f: cf}
		c.req, c.targets, c.err = plan(ctx, cf)
		if c.err == nil && len(c.targets) > 0 {
			c.client, c.timeout, c.err = WatchClient(cf, c.req)
		}
		return c
	}, func(i int, c *clusterWatch) error {
		if fleet {
			c.context = contexts[i]
		}
		if c.err != nil {
			return fail(c, c.err)
		}
		if len(c.targets) > 0 {
			clusters = append(clusters, c)
		}
		return nil
	})
	if err != nil || len(clusters) == 0 {
		return FleetResult(failed, err)
	}
	multi, namespaced := false, false
	for _, c := range clusters {
		multi = multi || len(c.targets) > 1
		namespaced = namespaced || AnyNamespaced(c.targets)
	}
	shared := clusters[0].req
	shared.Out = f.Streams().Out // a cluster of several writes to none (ForCluster)
	stream := newWatchStream(shared, multi, namespaced, fleet)
	// Every cluster is watched at once, through the one runner; what one
	// could not do is reported once it and those before it have ended. The
	// runner is not the one an interrupt ends: each watch ends on it, and
	// what it returned is reported all the same.
	err = query.Ordered(context.WithoutCancel(ctx), len(clusters), len(clusters), func(_ context.Context, i int) error {
		return clusters[i].watch(ctx, stream, errOut)
	}, func(i int, err error) error {
		if err != nil {
			return fail(clusters[i], err)
		}
		return nil
	})
	if ferr := stream.flush(); err == nil {
		err = ferr
	}
	if err == nil && ctx.Err() != nil {
		return &cliutil.ExitError{Code: InterruptedExitCode}
	}
	return FleetResult(failed, err)
}

// watch runs the cluster's watch until its timeout (counted from after
// the --where check) or ctx ends; what a cluster of several says on stderr
// names its context.
func (c *clusterWatch) watch(ctx context.Context, stream *watchStream, errOut io.Writer) error {
	req := c.req
	if c.context != "" {
		req.ErrOut = &contextLines{w: errOut, context: c.context}
	}
	return watchTargets(ctx, c.f, c.client, req, c.targets, stream, c.context, c.timeout)
}

// FleetResult is a fleet command's outcome: err, else exit 1 when a
// cluster failed (its line was written).
func FleetResult(failed bool, err error) error {
	if err == nil && failed {
		return &cliutil.ExitError{Code: 1}
	}
	return err
}

// ValidateFleetWatch rejects the formats a watch of several clusters cannot
// print naming each event's context.
func ValidateFleetWatch(p render.Printer, output string) error {
	switch p.(type) {
	case *render.TablePrinter, *render.ListPrinter, *render.NamePrinter:
		return nil
	}
	return fmt.Errorf("-o %s is not supported when watching several contexts: use a table, json, yaml, jsonl or name (they say which context each event is from)", output)
}

// lockedWriter serializes the writes of several clusters to one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// contextLines writes what one cluster of a fleet says while it is watched
// as it comes, each line naming the context (as ClusterLog.Replay does).
type contextLines struct {
	w       io.Writer
	context string
}

func (c *contextLines) Write(p []byte) (int, error) {
	l := &ClusterLog{}
	l.Write(p)
	l.Replay(c.w, c.context)
	return len(p), nil
}

// FollowTypes revalidates discovery and selects the watchable types of
// the --all-types flags again, for a watch that follows new types.
func FollowTypes(f Factory, flags AllTypesFlags, allNamespaces bool) func(context.Context) ([]discovery.Target, error) {
	return func(ctx context.Context) ([]discovery.Target, error) {
		c, err := f.Discovery()
		if err != nil {
			return nil, err
		}
		snap, err := c.Refresh(ctx)
		if err != nil {
			return nil, err
		}
		resolver, err := f.Resolver(ctx)
		if err != nil {
			return nil, err
		}
		all, err := flags.TargetsIn(ctx, resolver, snap, allNamespaces)
		return WatchableOnly(all), err
	}
}

// CheckWatchable rejects types that cannot be watched, before any request.
func CheckWatchable(targets []discovery.Target) error {
	for _, t := range targets {
		if !t.Resource.Supports("watch") {
			return fmt.Errorf("%s cannot be watched: the server does not support watch for this resource", t.Resource.QualifiedName())
		}
	}
	return nil
}

func CompleteOutput(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	return render.AllOutputs().Complete(toComplete), cobra.ShellCompDirectiveNoFileComp
}

// WatchableOnly keeps the targets whose resource supports watch.
func WatchableOnly(targets []discovery.Target) []discovery.Target {
	var out []discovery.Target
	for _, t := range targets {
		if t.Resource.Supports("watch") {
			out = append(out, t)
		}
	}
	return out
}
