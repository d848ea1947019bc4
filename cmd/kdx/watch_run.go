package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spf13/pflag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// interruptedExitCode is kubectl's exit code when a watch is interrupted
// (its interrupt handler exits with 1 after stopping the watch).
const interruptedExitCode = 1

// watchFlags are the watch flags of `kdx get` (and `kdx watch`).
type watchFlags struct {
	watch     bool
	watchOnly bool
	events    bool
}

// AddFlags adds -w/--watch, --watch-only and --output-watch-events.
func (w *watchFlags) AddFlags(fs *pflag.FlagSet, withWatch bool) {
	if withWatch {
		fs.BoolVarP(&w.watch, "watch", "w", w.watch, "after listing/getting the requested objects, watch for changes (several types at once are allowed)")
	}
	fs.BoolVar(&w.watchOnly, "watch-only", w.watchOnly, "watch for changes to the requested objects, without listing/getting first")
	fs.BoolVar(&w.events, "output-watch-events", w.events, "output watch event objects: an EVENT column in tables, {\"type\":...,\"object\":...} for json, jsonl and yaml")
}

// on reports whether a watch was asked for.
func (w *watchFlags) on() bool { return w.watch || w.watchOnly }

// watchRequest is everything runWatch needs, from `kdx watch` or `kdx get -w`.
type watchRequest struct {
	flags   watchFlags
	printer render.Printer
	// namespace is the namespace to watch; "" with allNamespaces.
	namespace     string
	allNamespaces bool
	selector      string
	fieldSelector string
	// timeout ends the watch cleanly; 0 uses --request-timeout, if set.
	timeout           time.Duration
	showManagedFields bool
	concurrency       int
	// allTypes says that the targets are every type (--all-types): what
	// cannot be watched is reported grouped by cause, and a type that went
	// away is dropped without a word.
	allTypes bool
	// ignoreForbidden leaves out the forbidden types without a report.
	ignoreForbidden bool
	// types revalidates discovery and selects every type again, so that a
	// watch of every type follows the types that appear; nil: fixed types.
	types       func(context.Context) ([]discovery.Target, error)
	out, errOut io.Writer
	where       *cli.WhereFlags // --where (where.go); nil: none
	// vanished, for a type the user named, says whether it is no longer
	// served (its CRD deleted since the discovery cache was written): its
	// 404 is then an unknown type.
	vanished func(context.Context, schema.GroupVersionResource) bool
}

// runWatch lists and watches targets until the timeout (exit 0) or an
// interrupt (kubectl's exit code, after the output is flushed).
func runWatch(ctx context.Context, f cli.Factory, req watchRequest, targets []discovery.Target) error {
	client, timeout, err := watchClient(f, req)
	if err != nil {
		return err
	}
	wctx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	stream := newWatchStream(req, len(targets) > 1, anyNamespaced(targets), false)
	err = watchTargets(wctx, client, req, targets, stream, "")
	if ferr := stream.flush(); err == nil {
		err = ferr
	}
	req.where.Warn(req.errOut)
	if err == nil && ctx.Err() != nil {
		return &cliutil.ExitError{Code: interruptedExitCode}
	}
	return err
}

// watchClient is the client of a watch of f's cluster and how long the
// watch lasts (--timeout, else --request-timeout; 0: until interrupted).
func watchClient(f cli.Factory, req watchRequest) (*dynamicclient.Client, time.Duration, error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, 0, err
	}
	restCfg := rest.CopyConfig(cfg.REST)
	if req.allTypes {
		restCfg = cli.QuietUnnamed(restCfg)
	}
	timeout := req.timeout
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
func newWatchStream(req watchRequest, multi, namespaced, contexts bool) *watchStream {
	return &watchStream{wp: render.NewWatchPrinter(req.printer, req.out, render.WatchOptions{
		Events: req.flags.events, MultiKind: multi, WithNamespace: req.allNamespaces && namespaced,
		ShowManagedFields: req.showManagedFields, Contexts: contexts,
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
func watchTargets(ctx context.Context, client *dynamicclient.Client, req watchRequest, targets []discovery.Target, stream *watchStream, cluster string) error {
	wr := query.WatchRequest{Namespace: req.namespace, LabelSelector: req.selector, FieldSelector: req.fieldSelector, Types: req.types,
		Where: req.where.Request(client)}
	sources := wr.Sources(targets)
	if len(sources) == 0 {
		return fmt.Errorf("no resource type to watch")
	}
	report := query.NewWatchReport(req.errOut, query.WatchReportOptions{
		AllTypes: req.allTypes, IgnoreForbidden: req.ignoreForbidden, Stops: len(sources) > 1,
	})
	opts := dynamicclient.WatchOptions{
		Table: stream.wp.IsTable(), WatchOnly: req.flags.watchOnly && !req.flags.watch,
		Concurrency: req.concurrency, Notify: report.Notify, Idle: stream.flush, Synced: report.Synced,
	}
	if tp, ok := req.printer.(*render.TablePrinter); ok && tp.NeedsObjects() {
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
	if apierrors.IsNotFound(err) && len(sources) == 1 && req.vanished != nil {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second) // the watch's may have ended
		defer cancel()
		if req.vanished(ctx, targets[0].GVR) {
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

func anyNamespaced(targets []discovery.Target) bool {
	for _, t := range targets {
		if t.Namespaced {
			return true
		}
	}
	return false
}
