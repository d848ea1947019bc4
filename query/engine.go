package query

import (
	"context"
	"errors"
	"sync/atomic"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
)

// Lister is what the engine needs of a server: lists page by page and
// single objects, as whole objects, metadata or server-side tables.
// dynamicclient.Client implements it; tests use fakes.
type Lister interface {
	ListPages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, fn func(*unstructured.UnstructuredList) error) error
	MetadataPages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, fn func(*metav1.PartialObjectMetadataList) error) error
	// MetadataPage reads the first page of a list alone, with no request
	// for the page after it (which MetadataPages may send while the first
	// is read): a count of limit=1 reads so.
	MetadataPage(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions) (*metav1.PartialObjectMetadataList, error)
	PrintablePages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, include metav1.IncludeObjectPolicy, fn func(runtime.Object) error) error
	Get(ctx context.Context, m discovery.Mapping, namespace, name, subresource string) (*unstructured.Unstructured, error)
	GetPrintable(ctx context.Context, m discovery.Mapping, namespace, name, subresource string, include metav1.IncludeObjectPolicy) (runtime.Object, error)
}

// Sink receives what the engine read of one target: each page of a list
// (*unstructured.UnstructuredList, *metav1.PartialObjectMetadataList or a
// table), or each named object.
type Sink interface {
	Page(obj runtime.Object) error
}

// SinkFunc is a Sink of one function.
type SinkFunc func(runtime.Object) error

// Page calls f.
func (f SinkFunc) Page(obj runtime.Object) error { return f(obj) }

// Engine reads requests through a Lister.
type Engine struct {
	Lister Lister
}

// Each reads every target of req, req.Concurrency at a time. open(t) makes
// the sink of target t, which receives its pages on the goroutine reading
// it; done(t, sink) is then called in target order, on one goroutine, once
// t and every target before it are read (also when t failed). What could
// not be read goes to rep, in target order: a target's list failure under
// the target's name, a named object's failure as an object error. Once the server cannot be
// reached, or refuses the credentials, the targets not yet read are not
// tried. Each returns the first error of a sink or of done, which stops it,
// or the context's error.
func (e *Engine) Each(ctx context.Context, req Request, rep *Report, open func(discovery.Target) Sink, done func(discovery.Target, Sink) error) error {
	if err := req.Where.check(ctx, req.Targets); err != nil {
		return err
	}
	type result struct {
		t    discovery.Target
		sink Sink
		got  outcome
	}
	var fatal atomic.Bool // the server cannot be reached: read nothing more
	r := NewRunner(ctx, req.Concurrency, len(req.Targets), func(res result) error {
		if res.got.sinkErr != nil {
			return res.got.sinkErr
		}
		for _, err := range res.got.objects {
			rep.AddObject(err)
		}
		if res.got.err != nil {
			rep.Add(res.t.QualifiedName(), res.got.err)
		}
		return done(res.t, res.sink)
	})
	for _, t := range req.Targets {
		err := r.Go(func(ctx context.Context) result {
			sink := open(t)
			if fatal.Load() {
				return result{t: t, sink: sink}
			}
			got := e.read(ctx, req, t, sink)
			if c := Classify(got.err); got.err != nil && (c == Unreachable || c == Unauthorized) {
				fatal.Store(true)
			}
			return result{t: t, sink: sink, got: got}
		})
		if err != nil {
			break
		}
	}
	return r.Wait()
}

// outcome is what reading one target came to.
type outcome struct {
	err     error   // the target's list failed
	objects []error // named objects that could not be read
	sinkErr error   // the sink failed, or the context ended: stops everything
}

// sinkError marks an error of the sink, as opposed to one of the server.
type sinkError struct{ err error }

func (s *sinkError) Error() string { return s.err.Error() }
func (s *sinkError) Unwrap() error { return s.err }

// read reads one target into sink.
func (e *Engine) read(ctx context.Context, req Request, t discovery.Target, sink Sink) outcome {
	req.Read = req.Where.read(req.Read)
	req.Where.logRead(t, req.Read)
	page := func(obj runtime.Object) error {
		if req.Where != nil {
			kept, err := req.Where.keep(t, obj)
			if err != nil || kept == nil {
				return err
			}
			obj = kept
		}
		if err := sink.Page(obj); err != nil {
			return &sinkError{err}
		}
		return nil
	}
	if len(t.Names) > 0 {
		return e.readNames(ctx, req, t, page)
	}
	err := e.list(ctx, req, t, page)
	var se *sinkError
	switch {
	case err == nil:
		return outcome{}
	case errors.As(err, &se):
		return outcome{sinkErr: se.err}
	case ctx.Err() != nil:
		return outcome{sinkErr: ctx.Err()}
	case req.IgnoreForbidden && apierrors.IsForbidden(err):
		return outcome{}
	case apierrors.IsNotFound(err) && req.Vanished != nil && req.Vanished(ctx, t):
		if req.ReportVanished {
			return outcome{err: VanishedError(t.Mapping)}
		}
		return outcome{}
	}
	return outcome{err: err}
}

// VanishedError is the failure of a type the server no longer serves,
// worded as kubectl words a type it does not have.
func VanishedError(m discovery.Mapping) error {
	return &discovery.UnknownTypeError{Type: m.QualifiedName(), Resource: m.GVR.Resource, Group: m.GVR.Group}
}

// readNames gets the named objects of t one by one, in the order typed.
func (e *Engine) readNames(ctx context.Context, req Request, t discovery.Target, page func(runtime.Object) error) outcome {
	var got outcome
	for _, name := range t.Names {
		obj, err := e.get(ctx, req, t, name)
		if err != nil {
			if ctx.Err() != nil {
				return outcome{sinkErr: ctx.Err()}
			}
			if c := Classify(err); c == Unreachable || c == Unauthorized {
				// no other name can be read either: the target's failure,
				// which Each makes fatal
				return outcome{err: err, objects: got.objects}
			}
			if apierrors.IsNotFound(err) && req.ReportVanished && req.Vanished != nil && req.Vanished(ctx, t) {
				return outcome{err: VanishedError(t.Mapping), objects: got.objects}
			}
			if !(req.IgnoreNotFound && apierrors.IsNotFound(err)) {
				got.objects = append(got.objects, err)
			}
			continue
		}
		if err := page(obj); err != nil {
			var se *sinkError
			if errors.As(err, &se) {
				return outcome{sinkErr: se.err}
			}
			got.objects = append(got.objects, err) // the filter could not read it
		}
	}
	return got
}

func (e *Engine) get(ctx context.Context, req Request, t discovery.Target, name string) (runtime.Object, error) {
	switch req.Read {
	case Tables:
		return e.Lister.GetPrintable(ctx, t.Mapping, req.Namespace, name, req.Subresource, req.rowObjects())
	case TablesWithObjects:
		return e.Lister.GetPrintable(ctx, t.Mapping, req.Namespace, name, req.Subresource, metav1.IncludeObject)
	}
	return e.Lister.Get(ctx, t.Mapping, req.Namespace, name, req.Subresource)
}

func (e *Engine) list(ctx context.Context, req Request, t discovery.Target, page func(runtime.Object) error) error {
	opts := metav1.ListOptions{LabelSelector: req.LabelSelector, FieldSelector: req.Where.fieldSelector(ctx, t, req.FieldSelector), Limit: req.ChunkSize}
	if req.Where.fetchesMatches(req, t) {
		return e.listThenGet(ctx, req, t, opts, page)
	}
	switch req.Read {
	case Metadata:
		return e.Lister.MetadataPages(ctx, t.Mapping, req.Namespace, opts, func(l *metav1.PartialObjectMetadataList) error { return page(l) })
	case Tables:
		return e.Lister.PrintablePages(ctx, t.Mapping, req.Namespace, opts, req.rowObjects(), page)
	case TablesWithObjects:
		return e.Lister.PrintablePages(ctx, t.Mapping, req.Namespace, opts, metav1.IncludeObject, page)
	}
	return e.Lister.ListPages(ctx, t.Mapping, req.Namespace, opts, func(l *unstructured.UnstructuredList) error { return page(l) })
}

// rowObjects is the include policy of a Tables read: the row objects a
// table printer reads, unless a filter reads the whole metadata.
func (req Request) rowObjects() metav1.IncludeObjectPolicy {
	if req.Where != nil {
		return ""
	}
	return dynamicclient.IncludePrintedMetadata
}
