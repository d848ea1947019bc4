package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cliutil"
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
	out, errOut       io.Writer
	// unnamedTypes says that the user did not name the types (--all-types).
	unnamedTypes bool
}

// runWatch lists and watches targets until the timeout (exit 0) or an
// interrupt (kubectl's exit code, after the output is flushed).
func runWatch(ctx context.Context, f *factory, req watchRequest, targets []discovery.Target) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	restCfg := rest.CopyConfig(cfg.REST)
	if req.unnamedTypes {
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
	warn := newWarner(req.errOut, len(sources) > 1)
	opts := dynamicclient.WatchOptions{
		Table: wp.IsTable(), WatchOnly: req.flags.watchOnly && !req.flags.watch,
		Concurrency: req.concurrency, Notify: warn.notice, Idle: wp.Flush,
	}
	if tp, ok := req.printer.(*render.TablePrinter); ok && tp.NeedsObjects() {
		opts.IncludeObject = "Object"
	}
	err := client.Watch(ctx, sources, opts, func(ev dynamicclient.WatchEvent) error {
		return wp.Print(printable(ev))
	})
	if ferr := wp.Flush(); err == nil {
		err = ferr
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

// warner prints notices as kubectl prints warnings, one line each.
type warner struct {
	// mu serializes writes to w.
	mu sync.Mutex
	w  io.Writer
	// stops says whether to print that a source stopped (with one source,
	// its error is the command's error instead).
	stops bool
}

func newWarner(w io.Writer, stops bool) *warner { return &warner{w: w, stops: stops} }

func (w *warner) notice(n dynamicclient.Notice) {
	if n.Kind == dynamicclient.NoticeStopped && !w.stops {
		return
	}
	msg := n.String()
	switch n.Kind {
	case dynamicclient.NoticeStopped:
		msg = fmt.Sprintf("stopped watching %s: %s", n.Resource, cliutil.Message(n.Err))
	case dynamicclient.NoticeDisconnected:
		msg = fmt.Sprintf("lost the watch of %s, retrying: %s", n.Resource, cliutil.Message(n.Err))
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	fmt.Fprintf(w.w, "Warning: %s\n", msg)
}
