package query

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

// guard is how long a test waits for something that must happen before
// it calls it a failure; it never paces a test.
const guard = 5 * time.Second

// behaviour is how the fake server answers for one resource.
type behaviour struct {
	pages   int           // pages a list sends before it returns err
	err     error         // what a list returns after its pages
	gate    chan struct{} // when set, a list waits for it (or ctx) first
	started chan struct{} // when set, closed as a list starts
	done    chan struct{} // when set, closed as a list returns
	objects map[string]error
}

// call is one call of the fake, as recorded.
type call struct {
	Method      string
	Resource    string
	Namespace   string
	Name        string
	Subresource string
	Opts        metav1.ListOptions
	Include     metav1.IncludeObjectPolicy
}

// fakeLister is a Lister whose answers are set per resource (GVR.Resource).
type fakeLister struct {
	by map[string]*behaviour

	running, maxRunning atomic.Int32

	mu    sync.Mutex // guards calls
	calls []call
}

var _ Lister = (*fakeLister)(nil)

func newFakeLister(by map[string]*behaviour) *fakeLister {
	if by == nil {
		by = map[string]*behaviour{}
	}
	return &fakeLister{by: by}
}

func (f *fakeLister) record(c call) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
}

// Calls are the calls so far, in the order made.
func (f *fakeLister) Calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.calls...)
}

// called reports whether any call was made for resource.
func (f *fakeLister) called(resource string) bool {
	for _, c := range f.Calls() {
		if c.Resource == resource {
			return true
		}
	}
	return false
}

func (f *fakeLister) behaviour(resource string) *behaviour {
	if b, ok := f.by[resource]; ok {
		return b
	}
	return &behaviour{pages: 1}
}

// list plays one list: counts it as running, waits for its gate, sends
// its pages through page and returns its error.
func (f *fakeLister) list(ctx context.Context, c call, page func(i int) error) error {
	f.record(c)
	n := f.running.Add(1)
	defer f.running.Add(-1)
	for {
		m := f.maxRunning.Load()
		if n <= m || f.maxRunning.CompareAndSwap(m, n) {
			break
		}
	}
	b := f.behaviour(c.Resource)
	if b.done != nil {
		defer close(b.done)
	}
	if b.started != nil {
		close(b.started)
	}
	if b.gate != nil {
		select {
		case <-b.gate:
		case <-ctx.Done():
			return &url.Error{Op: "Get", URL: "https://127.0.0.1:6443/api/v1/" + c.Resource, Err: ctx.Err()}
		}
	}
	for i := range b.pages {
		if err := page(i); err != nil {
			return err
		}
	}
	return b.err
}

func (f *fakeLister) ListPages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, fn func(*unstructured.UnstructuredList) error) error {
	c := call{Method: "ListPages", Resource: m.GVR.Resource, Namespace: namespace, Opts: opts}
	return f.list(ctx, c, func(i int) error {
		l := &unstructured.UnstructuredList{}
		l.Items = []unstructured.Unstructured{*object(m, fmt.Sprintf("%s-%d", m.GVR.Resource, i))}
		return fn(l)
	})
}

func (f *fakeLister) MetadataPages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, fn func(*metav1.PartialObjectMetadataList) error) error {
	c := call{Method: "MetadataPages", Resource: m.GVR.Resource, Namespace: namespace, Opts: opts}
	return f.list(ctx, c, func(i int) error {
		l := &metav1.PartialObjectMetadataList{Items: []metav1.PartialObjectMetadata{{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", m.GVR.Resource, i)}}}}
		return fn(l)
	})
}

// MetadataPage plays a list of one page: its first.
func (f *fakeLister) MetadataPage(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions) (*metav1.PartialObjectMetadataList, error) {
	c := call{Method: "MetadataPage", Resource: m.GVR.Resource, Namespace: namespace, Opts: opts}
	var first *metav1.PartialObjectMetadataList
	err := f.list(ctx, c, func(i int) error {
		if i == 0 {
			first = &metav1.PartialObjectMetadataList{Items: []metav1.PartialObjectMetadata{{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", m.GVR.Resource, i)}}}}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return first, nil
}

func (f *fakeLister) PrintablePages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, include metav1.IncludeObjectPolicy, fn func(runtime.Object) error) error {
	c := call{Method: "PrintablePages", Resource: m.GVR.Resource, Namespace: namespace, Opts: opts, Include: include}
	return f.list(ctx, c, func(i int) error {
		name := fmt.Sprintf("%s-%d", m.GVR.Resource, i)
		return fn(&metav1.Table{Rows: []metav1.TableRow{{Cells: []any{name}, Object: runtime.RawExtension{Object: object(m, name)}}}})
	})
}

func (f *fakeLister) Get(ctx context.Context, m discovery.Mapping, namespace, name, subresource string) (*unstructured.Unstructured, error) {
	f.record(call{Method: "Get", Resource: m.GVR.Resource, Namespace: namespace, Name: name, Subresource: subresource})
	if err := f.behaviour(m.GVR.Resource).objects[name]; err != nil {
		return nil, err
	}
	return object(m, name), nil
}

func (f *fakeLister) GetPrintable(ctx context.Context, m discovery.Mapping, namespace, name, subresource string, include metav1.IncludeObjectPolicy) (runtime.Object, error) {
	f.record(call{Method: "GetPrintable", Resource: m.GVR.Resource, Namespace: namespace, Name: name, Subresource: subresource, Include: include})
	if err := f.behaviour(m.GVR.Resource).objects[name]; err != nil {
		return nil, err
	}
	return &metav1.Table{Rows: []metav1.TableRow{{Cells: []any{name}, Object: runtime.RawExtension{Object: object(m, name)}}}}, nil
}

func object(m discovery.Mapping, name string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{}
	u.SetGroupVersionKind(m.GVK)
	u.SetName(name)
	return u
}

// target is a namespaced core target of resource, with names.
func target(resource string, names ...string) discovery.Target {
	r := discovery.APIResource{Version: "v1", Versions: []string{"v1"}, Resource: resource, Kind: resource + "Kind",
		Verbs: []string{"get", "list"}, Namespaced: true}
	return discovery.Target{Mapping: discovery.Mapping{
		Resource: r, GVR: r.GroupVersionResource(), GVK: r.GroupVersionKind(), Namespaced: true,
	}, Names: names}
}

// names are the resource names of targets, for got/want.
func names(targets []discovery.Target) []string {
	var out []string
	for _, t := range targets {
		out = append(out, t.QualifiedName())
	}
	return out
}

// refused is the error client-go returns when nothing listens.
func refused(resource string) error {
	return &url.Error{Op: "Get", URL: "https://127.0.0.1:6443/api/v1/" + resource,
		Err: &netOpError{syscall.ECONNREFUSED}}
}

// netOpError stands for *net.OpError: "dial tcp ...: connect: connection refused".
type netOpError struct{ err error }

func (e *netOpError) Error() string {
	return "dial tcp 127.0.0.1:6443: connect: " + e.err.Error()
}
func (e *netOpError) Unwrap() error { return e.err }

// noLeak fails t when goroutines started during the test are still there
// at its end. Call it first: defer noLeak(t)().
func noLeak(t *testing.T) func() {
	t.Helper()
	before := goruntime.NumGoroutine()
	return func() {
		t.Helper()
		deadline := time.Now().Add(guard)
		for {
			n := goruntime.NumGoroutine()
			if n <= before {
				return
			}
			if time.Now().After(deadline) {
				buf := make([]byte, 1<<16)
				t.Errorf("%d goroutines left (before: %d):\n%s", n-before, before, buf[:goruntime.Stack(buf, true)])
				return
			}
			goruntime.Gosched()
			time.Sleep(time.Millisecond)
		}
	}
}

// wait fails t unless ch is closed (or sends) within guard.
func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(guard):
		t.Fatalf("timed out waiting for %s", what)
	}
}

var errBoom = errors.New("boom")

// gr is a GroupResource, for Exclude.
func gr(group, resource string) schema.GroupResource {
	return schema.GroupResource{Group: group, Resource: resource}
}
