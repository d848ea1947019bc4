package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	"golang.org/x/term"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/render"
)

// typeResult is what listing one type produced, kept until its turn to be printed.
type typeResult struct {
	target discovery.Target
	// text is the rendered table of the type (table output).
	text bytes.Buffer
	// items are the objects of the type (other outputs).
	items []unstructured.Unstructured
	err   error
	done  chan struct{}
}

// allTypes lists every listable type, --concurrency at a time, and prints
// them in a fixed order (group, then resource); failures are summed up in
// one warning at the end.
func (r *getRun) allTypes(ctx context.Context, snap *discovery.Snapshot, out *bufio.Writer) error {
	targets, err := r.allTypeTargets(ctx, snap)
	if err != nil {
		return err
	}
	results := make([]*typeResult, len(targets))
	for i, t := range targets {
		results[i] = &typeResult{target: t, done: make(chan struct{})}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	progress := newProgress(r.errOut, len(targets))
	defer progress.stop()
	go r.listAll(ctx, results, progress)
	err = r.printInOrder(results, out)
	progress.stop()
	r.warnFailures(results, len(targets))
	return err
}

// allTypeTargets are the listable types, minus events and --exclude, sorted
// by group then resource. Without -A only namespaced types are listed.
func (r *getRun) allTypeTargets(ctx context.Context, snap *discovery.Snapshot) ([]discovery.Target, error) {
	excluded, err := r.excluded(ctx)
	if err != nil {
		return nil, err
	}
	var out []discovery.Target
	for _, res := range snap.Resources {
		gr := res.GroupResource()
		switch {
		case !res.Supports("list"), excluded[gr]:
			continue
		case res.Resource == "events" && !r.o.includeEvents:
			continue
		case !res.Namespaced && !r.o.allNamespaces:
			continue
		}
		out = append(out, discovery.Target{Mapping: discovery.Mapping{
			Resource: res, GVR: res.GroupVersionResource(), GVK: res.GroupVersionKind(), Namespaced: res.Namespaced,
		}})
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].GVR, out[j].GVR
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Resource < b.Resource
	})
	return out, nil
}

// excluded resolves --exclude into group/resources.
func (r *getRun) excluded(ctx context.Context) (map[schema.GroupResource]bool, error) {
	out := map[schema.GroupResource]bool{}
	if len(r.o.exclude) == 0 {
		return out, nil
	}
	resolver, err := r.o.f.Resolver(ctx)
	if err != nil {
		return nil, err
	}
	for _, typ := range r.o.exclude {
		ms, err := resolver.Resolve(ctx, typ)
		if err != nil {
			return nil, fmt.Errorf("invalid --exclude: %w", err)
		}
		for _, m := range ms {
			out[m.GVR.GroupResource()] = true
		}
	}
	return out, nil
}

// listAll lists every type with bounded concurrency.
func (r *getRun) listAll(ctx context.Context, results []*typeResult, p *progress) {
	g := errgroup.Group{}
	g.SetLimit(r.o.concurrency)
	for _, res := range results {
		g.Go(func() error {
			defer close(res.done)
			defer p.add()
			if ctx.Err() != nil {
				res.err = ctx.Err()
				return nil
			}
			res.err = r.listType(ctx, res)
			return nil
		})
	}
	_ = g.Wait()
}

// listType renders (tables) or collects (other outputs) one type.
func (r *getRun) listType(ctx context.Context, res *typeResult) error {
	t := res.target
	if !r.o.human() {
		s := &collectStream{}
		err := r.typeObjects(ctx, t, s, nil)
		res.items = s.items
		return err
	}
	tp := r.o.printer.(*render.TablePrinter)
	tw := render.NewTableWriter(&res.text)
	if err := tw.StartType(r.o.noHeaders); err != nil {
		return err
	}
	p := tp.ForType(t.GVK.GroupKind(), r.o.allNamespaces && t.Namespaced, true)
	err := r.printables(ctx, t, tp.NeedsObjects(), func(obj runtime.Object) error { return p.PrintObj(obj, tw.Writer()) })
	if ferr := tw.Flush(); err == nil {
		err = ferr
	}
	return err
}

// collectStream keeps the items of one type.
type collectStream struct{ items []unstructured.Unstructured }

func (c *collectStream) Add(items []unstructured.Unstructured) error {
	c.items = append(c.items, items...)
	return nil
}

func (c *collectStream) Close() error { return nil }

// printInOrder prints each type's output once it and all before it are done.
func (r *getRun) printInOrder(results []*typeResult, out *bufio.Writer) error {
	if r.o.human() {
		return r.printTablesInOrder(results, out)
	}
	s := r.newStream(out, false)
	for _, res := range results {
		<-res.done
		if res.err == nil {
			if err := s.Add(res.items); err != nil {
				return err
			}
		}
		res.items = nil
	}
	return s.Close()
}

// printTablesInOrder writes the tables with a blank line between types, as
// kubectl separates them.
func (r *getRun) printTablesInOrder(results []*typeResult, out *bufio.Writer) error {
	written := false
	for _, res := range results {
		<-res.done
		if res.err != nil || res.text.Len() == 0 {
			continue
		}
		if written && !r.o.noHeaders {
			out.WriteByte('\n')
		}
		if _, err := res.text.WriteTo(out); err != nil {
			return err
		}
		written = true
		if err := out.Flush(); err != nil {
			return err
		}
	}
	if !written && !r.o.ignoreNotFound {
		if r.o.allNamespaces {
			fmt.Fprintln(r.errOut, "No resources found")
		} else {
			fmt.Fprintf(r.errOut, "No resources found in %s namespace.\n", r.defaultNamespace)
		}
	}
	return nil
}

// warnFailures sums up the types that could not be listed in one warning.
func (r *getRun) warnFailures(results []*typeResult, total int) {
	var forbidden, down, failed []string
	for _, res := range results {
		name := res.target.Resource.QualifiedName()
		switch err := res.err; {
		case err == nil:
		case apierrors.IsForbidden(err):
			forbidden = append(forbidden, name)
		case isUnavailable(err):
			down = append(down, name)
		default:
			failed = append(failed, fmt.Sprintf("%s (%s)", name, cliutil.Message(err)))
		}
	}
	n := len(forbidden) + len(down) + len(failed)
	if n == 0 {
		return
	}
	var parts []string
	if len(forbidden) > 0 {
		parts = append(parts, "forbidden: "+strings.Join(forbidden, ", "))
	}
	if len(down) > 0 {
		parts = append(parts, "API unavailable: "+strings.Join(down, ", "))
	}
	if len(failed) > 0 {
		parts = append(parts, "failed: "+strings.Join(failed, ", "))
	}
	fmt.Fprintf(r.errOut, "Warning: %d of %d types could not be listed; %s\n", n, total, strings.Join(parts, "; "))
}

// isUnavailable reports errors of an API that is down: an aggregated server
// that does not answer, or a group that went away.
func isUnavailable(err error) bool {
	return apierrors.IsServiceUnavailable(err) || apierrors.IsNotFound(err) || apierrors.IsTimeout(err) ||
		apierrors.IsServerTimeout(err) || apierrors.IsInternalError(err) || apierrors.IsUnexpectedServerError(err)
}

// progress shows "listed N/M types" on a terminal's stderr once the work
// has taken more than a second.
type progress struct {
	w        io.Writer
	total    int
	done     atomic.Int64
	stopOnce sync.Once
	quit     chan struct{}
	wg       sync.WaitGroup
}

func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total, quit: make(chan struct{})}
	if f, ok := w.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		return p
	}
	p.wg.Add(1)
	go p.run()
	return p
}

func (p *progress) add() { p.done.Add(1) }

func (p *progress) run() {
	defer p.wg.Done()
	select {
	case <-time.After(time.Second):
	case <-p.quit:
		return
	}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		fmt.Fprintf(p.w, "\rlisting types: %d/%d", p.done.Load(), p.total)
		select {
		case <-tick.C:
		case <-p.quit:
			fmt.Fprint(p.w, "\r\033[K")
			return
		}
	}
}

func (p *progress) stop() {
	p.stopOnce.Do(func() { close(p.quit) })
	p.wg.Wait()
}
