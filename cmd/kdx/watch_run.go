package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
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
}

// runWatch lists and watches targets until the timeout (exit 0) or an
// interrupt (kubectl's exit code, after the output is flushed).
func runWatch(ctx context.Context, f *factory, req watchRequest, targets []discovery.Target) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	restCfg := rest.CopyConfig(cfg.REST)
	if req.allTypes {
		restCfg = quietUnnamed(restCfg)
	}
	timeout := req.timeout
	if timeout == 0 {
		timeout = restCfg.Timeout
	}
	// The HTTP client's timeout would cut every watch; the context ends it instead.
	restCfg.Timeout = 0
	client, err := dynamicclient.New(restCfg)
	if err != nil {
		return err
	}
	wctx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		wctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	err = watchTargets(wctx, client, req, targets)
	if err == nil && ctx.Err() != nil {
		return &cliutil.ExitError{Code: interruptedExitCode}
	}
	return err
}

// errNothingWatched ends a watch of every type when no type could be watched.
var errNothingWatched = errors.New("no resource type could be watched")

// watchTargets runs the watch and prints its events.
func watchTargets(ctx context.Context, client *dynamicclient.Client, req watchRequest, targets []discovery.Target) error {
	sources := watchSources(req, targets)
	if len(sources) == 0 {
		return fmt.Errorf("no resource type to watch")
	}
	multi := len(targets) > 1
	wp := render.NewWatchPrinter(req.printer, req.out, render.WatchOptions{
		Events: req.flags.events, MultiKind: multi, WithNamespace: req.allNamespaces && anyNamespaced(targets),
		ShowManagedFields: req.showManagedFields,
	})
	warn := newWarner(req, len(sources) > 1)
	opts := dynamicclient.WatchOptions{
		Table: wp.IsTable(), WatchOnly: req.flags.watchOnly && !req.flags.watch,
		Concurrency: req.concurrency, Notify: warn.notice, Idle: wp.Flush, Synced: warn.synced,
	}
	if tp, ok := req.printer.(*render.TablePrinter); ok && tp.NeedsObjects() {
		opts.IncludeObject = "Object"
	}
	var mu sync.Mutex // serializes the printer between the watches
	opts.Idle = func() error {
		mu.Lock()
		defer mu.Unlock()
		return wp.Flush()
	}
	handle := func(ev dynamicclient.WatchEvent) error {
		mu.Lock()
		defer mu.Unlock()
		return wp.Print(printable(ev))
	}
	err := watchFollowing(ctx, client, req, targets, sources, opts, handle)
	if ferr := opts.Idle(); err == nil {
		err = ferr
	}
	return warn.result(err)
}

// watchFollowing watches sources; with req.types, it also watches each type
// that appears while it runs, from its first object, until the main watch
// ends.
func watchFollowing(ctx context.Context, client *dynamicclient.Client, req watchRequest, targets []discovery.Target,
	sources []dynamicclient.WatchSource, opts dynamicclient.WatchOptions, handle func(dynamicclient.WatchEvent) error) error {
	if req.types == nil {
		return client.Watch(ctx, sources, opts, handle)
	}
	fctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	later := opts
	later.WatchOnly = false // a new type's objects are all new
	later.Synced = nil
	wg.Add(1)
	go func() {
		defer wg.Done()
		query.FollowTypes(fctx, query.FollowInterval, targets, req.types, func(added []discovery.Target) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Their failures are reported through Notify.
				_ = client.Watch(fctx, watchSources(req, added), later, handle)
			}()
		})
	}()
	return client.Watch(ctx, sources, opts, handle)
}

// printable is a dynamicclient event as render prints it.
func printable(ev dynamicclient.WatchEvent) render.WatchEvent {
	out := render.WatchEvent{Type: string(ev.Type), Object: ev.Object}
	if ev.Row != nil {
		out.Columns, out.Cells = ev.Row.Columns, ev.Row.Cells
	}
	return out
}

// watchSources turns targets into watch sources: one per named object (a
// metadata.name field selector, as kubectl watches one object), else one
// per type.
func watchSources(req watchRequest, targets []discovery.Target) []dynamicclient.WatchSource {
	var out []dynamicclient.WatchSource
	for _, t := range targets {
		src := dynamicclient.WatchSource{
			Mapping:       t.Mapping,
			LabelSelector: req.selector, FieldSelector: req.fieldSelector,
		}
		if t.Namespaced {
			src.Namespace = req.namespace
		}
		if len(t.Names) == 0 {
			out = append(out, src)
			continue
		}
		for _, name := range t.Names {
			named := src
			named.FieldSelector = joinSelectors("metadata.name="+name, req.fieldSelector)
			out = append(out, named)
		}
	}
	return out
}

func joinSelectors(a, b string) string {
	if b == "" {
		return a
	}
	return a + "," + b
}

func anyNamespaced(targets []discovery.Target) bool {
	for _, t := range targets {
		if t.Namespaced {
			return true
		}
	}
	return false
}

// warner prints notices as kubectl prints warnings, one line each, and
// collects the sources that stopped: with --all-types they are reported
// grouped by cause (query.Report) once every type started, then one line
// each as they come.
type warner struct {
	// mu serializes writes to w and guards pending, started and failed.
	mu  sync.Mutex
	w   io.Writer
	req watchRequest
	// stops says whether to print that a source stopped (with one source,
	// its error is the command's error instead).
	stops bool
	// pending are the stops not yet reported, until every type started.
	pending []dynamicclient.Notice
	started bool
	// failed counts the sources that could not be watched (exit 1).
	failed int
}

func newWarner(req watchRequest, stops bool) *warner {
	return &warner{w: req.errOut, req: req, stops: stops}
}

func (w *warner) notice(n dynamicclient.Notice) {
	if n.Kind == dynamicclient.NoticeStopped {
		w.stopped(n)
		return
	}
	msg := n.String()
	if n.Kind == dynamicclient.NoticeDisconnected {
		msg = fmt.Sprintf("lost the watch of %s, retrying: %s", n.Resource, cliutil.Message(n.Err))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Fprintf(w.w, "Warning: %s\n", msg)
}

// stopped records a source that could not be watched.
func (w *warner) stopped(n dynamicclient.Notice) {
	c := query.Classify(n.Err)
	switch {
	case w.req.allTypes && c == query.NotFound:
		return // the type went away: nothing to watch
	case w.req.ignoreForbidden && c == query.Forbidden:
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	w.failed++
	switch {
	case !w.stops:
	case !w.req.allTypes:
		fmt.Fprintf(w.w, "Warning: stopped watching %s: %s\n", n.Resource, cliutil.Message(n.Err))
	case w.started:
		rep := query.NewReport("watch", "type")
		rep.Add(n.Resource, n.Err)
		rep.Write(w.w)
	default:
		w.pending = append(w.pending, n)
	}
}

// synced reports the types that could not be watched from the start.
func (w *warner) synced() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.started = true
	// In the order of the types, as get --all-types reports them.
	sort.SliceStable(w.pending, func(i, j int) bool { return w.pending[i].Source < w.pending[j].Source })
	rep := query.NewReport("watch", "type")
	for _, n := range w.pending {
		rep.Add(n.Resource, n.Err)
	}
	rep.Write(w.w)
	w.pending = nil
}

// result is the watch's outcome: err, else exit 1 when a type could not
// be watched (its reason was printed).
func (w *warner) result(err error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch {
	case errors.Is(err, dynamicclient.ErrNothingWatched) && w.req.allTypes && w.failed > 0:
		return &cliutil.ExitError{Code: 1} // the report said why
	case errors.Is(err, dynamicclient.ErrNothingWatched) && w.req.allTypes:
		return errNothingWatched
	case err != nil:
		return err
	case w.failed > 0:
		return &cliutil.ExitError{Code: 1}
	}
	return nil
}
