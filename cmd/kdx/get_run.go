package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/render"
)

// getRun is the state of one run of get, after Complete and Validate.
type getRun struct {
	o         *getOptions
	client    *dynamicclient.Client
	namespace string // "" with -A
	// defaultNamespace is the namespace named in "No resources found in ...".
	defaultNamespace string
	errOut           io.Writer
	// errs are the per-object errors, printed at the end.
	errs []error
}

// Run gets and prints what was asked.
func (o *getOptions) Run(ctx context.Context) error {
	cfg, err := o.f.Config()
	if err != nil {
		return err
	}
	client, err := dynamicclient.New(cfg.REST, dynamicclient.WithWarnings(o.f.streams.ErrOut))
	if err != nil {
		return err
	}
	out := bufio.NewWriterSize(o.f.streams.Out, 64<<10)
	defer out.Flush()
	if o.raw != "" {
		return client.Raw(ctx, o.raw, out)
	}
	resolver, err := o.f.Resolver(ctx)
	if err != nil {
		return err
	}
	r := &getRun{o: o, client: client, namespace: cfg.Namespace, defaultNamespace: cfg.Namespace, errOut: o.f.streams.ErrOut}
	if o.allNamespaces {
		r.namespace = ""
	}
	if o.watch.on() {
		return r.watch(ctx, resolver) // watch_get.go
	}
	if o.allTypes {
		return r.allTypes(ctx, resolver.Snapshot(), out)
	}
	targets, err := resolver.ResolveArgs(ctx, o.args)
	if err != nil {
		return err
	}
	if err := r.checkTargets(targets); err != nil {
		return err
	}
	if o.human() {
		err = r.tables(ctx, targets, out)
	} else {
		err = r.objects(ctx, targets, out)
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	return r.finish(err)
}

// checkTargets rejects what kubectl rejects before any request.
func (r *getRun) checkTargets(targets []discovery.Target) error {
	for _, t := range targets {
		if len(t.Names) > 0 && r.o.allNamespaces && t.Namespaced {
			return errors.New("a resource cannot be retrieved by name across all namespaces")
		}
		if len(t.Names) > 0 && (r.o.selector != "" || r.o.fieldSelector != "") {
			return errors.New("name cannot be provided when a selector is specified")
		}
		if r.o.subresource != "" && len(t.Names) == 0 {
			return fmt.Errorf("--subresource needs object names: kdx get %s NAME --subresource %s", t.Resource.Resource, r.o.subresource)
		}
	}
	return nil
}

// finish reports the per-object errors: all but the last are printed, the
// last one is returned (so exactly one non-zero exit).
func (r *getRun) finish(err error) error {
	if len(r.errs) == 0 {
		return err
	}
	if err != nil {
		r.errs = append(r.errs, err)
	}
	for _, e := range r.errs[:len(r.errs)-1] {
		fmt.Fprintf(r.errOut, "error: %s\n", cliutil.Message(e))
	}
	return r.errs[len(r.errs)-1]
}

// objectError records the error of one named object, unless it is a
// NotFound and --ignore-not-found is set.
func (r *getRun) objectError(err error) {
	if r.o.ignoreNotFound && apierrors.IsNotFound(err) {
		return
	}
	r.errs = append(r.errs, err)
}

// listOptions are the options of list requests: selectors and the chunk size
// (one request when sorting, which needs everything anyway).
func (r *getRun) listOptions() metav1.ListOptions {
	limit := r.o.chunkSize
	if r.o.sortBy != "" {
		limit = 0
	}
	return metav1.ListOptions{LabelSelector: r.o.selector, FieldSelector: r.o.fieldSelector, Limit: limit}
}

// tables prints the targets as tables, one per type, as kubectl does.
func (r *getRun) tables(ctx context.Context, targets []discovery.Target, out *bufio.Writer) error {
	tw := render.NewTableWriter(out)
	tp, ok := r.o.printer.(*render.TablePrinter)
	if !ok {
		return fmt.Errorf("internal error: table output without a table printer")
	}
	allNamespaced := !r.o.allNamespaces
	for _, t := range targets {
		allNamespaced = allNamespaced && t.Namespaced
		if err := r.typeTable(ctx, t, tp, tw, len(targets) > 1, out); err != nil {
			return err
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if !tw.Written() && !r.o.ignoreNotFound && len(r.errs) == 0 {
		if allNamespaced {
			fmt.Fprintf(r.errOut, "No resources found in %s namespace.\n", r.defaultNamespace)
		} else {
			fmt.Fprintln(r.errOut, "No resources found")
		}
	}
	return nil
}

// typeTable prints the table of one type, page by page.
func (r *getRun) typeTable(ctx context.Context, t discovery.Target, tp *render.TablePrinter, tw *render.TableWriter, withKind bool, out *bufio.Writer) error {
	if err := tw.StartType(r.o.noHeaders); err != nil {
		return err
	}
	p := tp.ForType(t.GVK.GroupKind(), r.o.allNamespaces && t.Namespaced, withKind)
	page := func(obj runtime.Object) error {
		if err := p.PrintObj(obj, tw.Writer()); err != nil {
			return err
		}
		return out.Flush()
	}
	return r.printables(ctx, t, tp.NeedsObjects(), page)
}

// printables fetches what table printers print for t: server-side tables
// (or, with --server-print=false, the objects), by name or page by page.
func (r *getRun) printables(ctx context.Context, t discovery.Target, objects bool, fn func(runtime.Object) error) error {
	include := metav1.IncludeObjectPolicy("")
	if objects {
		include = metav1.IncludeObject
	}
	if len(t.Names) > 0 {
		for _, name := range t.Names {
			obj, err := r.getPrintable(ctx, t, name, include)
			if err != nil {
				r.objectError(err)
				continue
			}
			if err := fn(obj); err != nil {
				return err
			}
		}
		return nil
	}
	if !r.o.serverPrint {
		return r.client.ListPages(ctx, t.Mapping, r.namespace, r.listOptions(), func(l *unstructured.UnstructuredList) error { return fn(l) })
	}
	return r.client.PrintablePages(ctx, t.Mapping, r.namespace, r.listOptions(), include, fn)
}

func (r *getRun) getPrintable(ctx context.Context, t discovery.Target, name string, include metav1.IncludeObjectPolicy) (runtime.Object, error) {
	if !r.o.serverPrint {
		return r.client.Get(ctx, t.Mapping, r.namespace, name, r.o.subresource)
	}
	return r.client.GetPrintable(ctx, t.Mapping, r.namespace, name, r.o.subresource, include)
}

// objects prints the targets' objects with a streaming printer: one List
// (or one object) for everything, as kubectl does.
func (r *getRun) objects(ctx context.Context, targets []discovery.Target, out *bufio.Writer) error {
	// Objects stream through page by page: about 10 MB live for pages of
	// 500. The default GC target lets the heap double that before it
	// collects; half of it costs a little CPU and keeps the peak RSS of
	// `get configmaps -A -o yaml` near 40 MB instead of 47.
	defer debug.SetGCPercent(debug.SetGCPercent(objectsGCPercent))
	single := len(targets) == 1 && len(targets[0].Names) == 1
	s := r.newStream(out, single)
	for _, t := range targets {
		if err := r.typeObjects(ctx, t, s, out); err != nil {
			return err
		}
	}
	return s.Close()
}

// objectsGCPercent is the GC target while objects are printed (see objects).
const objectsGCPercent = 50

// newStream is the output stream of object formats: sorted first when
// --sort-by is set; nothing at all when --ignore-not-found found nothing.
func (r *getRun) newStream(out io.Writer, single bool) render.Stream {
	s := &lazyStream{start: func() render.Stream { return render.NewStream(r.o.printer, out, single) }, skipEmpty: r.o.ignoreNotFound}
	if r.o.sortBy != "" {
		return &sortedStream{next: s, field: r.o.sortBy}
	}
	return s
}

// typeObjects adds the objects of one type to s, by name or page by page.
func (r *getRun) typeObjects(ctx context.Context, t discovery.Target, s render.Stream, out *bufio.Writer) error {
	if len(t.Names) > 0 {
		for _, name := range t.Names {
			obj, err := r.client.Get(ctx, t.Mapping, r.namespace, name, r.o.subresource)
			if err != nil {
				r.objectError(err)
				continue
			}
			if err := s.Add([]unstructured.Unstructured{*obj}); err != nil {
				return err
			}
		}
		return nil
	}
	if r.o.format == render.FormatName && r.o.sortBy == "" {
		return r.client.MetadataPages(ctx, t.Mapping, r.namespace, r.listOptions(), func(l *metav1.PartialObjectMetadataList) error {
			return s.Add(metadataItems(l))
		})
	}
	return r.client.ListPages(ctx, t.Mapping, r.namespace, r.listOptions(), func(l *unstructured.UnstructuredList) error {
		return s.Add(l.Items)
	})
}

// metadataItems turns metadata-only items into the unstructured objects the
// name printer needs: apiVersion, kind and name.
func metadataItems(l *metav1.PartialObjectMetadataList) []unstructured.Unstructured {
	items := make([]unstructured.Unstructured, len(l.Items))
	for i := range l.Items {
		it := &l.Items[i]
		items[i].Object = map[string]any{
			"apiVersion": it.APIVersion,
			"kind":       it.Kind,
			"metadata":   map[string]any{"name": it.Name, "namespace": it.Namespace},
		}
	}
	return items
}

// lazyStream starts its stream on the first item, so that an empty result
// with --ignore-not-found prints nothing, as kubectl does.
type lazyStream struct {
	start     func() render.Stream
	skipEmpty bool
	s         render.Stream
}

func (l *lazyStream) Add(items []unstructured.Unstructured) error {
	if len(items) == 0 {
		return nil
	}
	if l.s == nil {
		l.s = l.start()
	}
	return l.s.Add(items)
}

func (l *lazyStream) Close() error {
	if l.s == nil {
		if l.skipEmpty {
			return nil
		}
		l.s = l.start()
	}
	return l.s.Close()
}

// sortedStream collects every item, sorts them and hands them on at Close.
type sortedStream struct {
	next  render.Stream
	field string
	items []unstructured.Unstructured
}

func (s *sortedStream) Add(items []unstructured.Unstructured) error {
	s.items = append(s.items, items...)
	return nil
}

func (s *sortedStream) Close() error {
	if err := render.SortItems(s.items, s.field); err != nil {
		return err
	}
	if len(s.items) > 0 {
		if err := s.next.Add(s.items); err != nil {
			return err
		}
	}
	return s.next.Close()
}
