package dynamicclient

import (
	"context"
	"fmt"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
)

// sourceListWatch lists and watches one source for a Reflector: objects
// through the dynamic client, or table rows (rowObject) through the REST
// client with the Table Accept header, as kubectl's get --watch asks. It
// also tells permanent failures (the source stops) from lost connections
// (notices), since the Reflector retries both alike.
type sourceListWatch struct {
	client      *Client
	src         WatchSource
	table       bool
	include     metav1.IncludeObjectPolicy
	noStreaming bool
	// pages hands out the pages of the first list (WatchOptions.ListPages).
	pages  bool
	source *watchSource

	// mu guards the fields below.
	mu sync.Mutex
	// failing says that the last watch request failed to connect.
	failing bool
	// dropped says that the last watch stream ended before its timeout.
	dropped bool
	// resumedAt is the resourceVersion a reconnected watch resumed from,
	// until its first event.
	resumedAt string
}

var _ cache.ListerWatcherWithContext = (*sourceListWatch)(nil)

// IsWatchListSemanticsUnSupported turns streaming lists off unless asked for.
func (l *sourceListWatch) IsWatchListSemanticsUnSupported() bool { return l.noStreaming }

// List implements cache.Lister.
func (l *sourceListWatch) List(opts metav1.ListOptions) (runtime.Object, error) {
	return l.ListWithContext(context.Background(), opts)
}

// Watch implements cache.Watcher.
func (l *sourceListWatch) Watch(opts metav1.ListOptions) (watch.Interface, error) {
	return l.WatchWithContext(context.Background(), opts)
}

// ListWithContext lists one page of the source. As for the watch, no
// retry inside the request: a server that is starting answers 503 with
// Retry-After: 5 until it has installed the handlers of every CRD, and the
// REST client would sleep those 5 s before the list that shows what changed
// meanwhile; the reflector retries after its own short back-off
// (retryBackoff).
func (l *sourceListWatch) ListWithContext(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
	l.client.gate.wait(ctx)
	l.filter(&opts)
	if l.pages && opts.ResourceVersion == "0" && opts.Continue == "" && opts.Limit > 0 {
		// the reflector's first list: at resourceVersion 0 the watch cache
		// ignores the limit and sends the whole list in one response; at
		// the latest resourceVersion it is sent in pages (the watch starts
		// from the list's resourceVersion either way)
		opts.ResourceVersion, opts.ResourceVersionMatch = "", ""
	}
	var obj runtime.Object
	var err error
	if l.table {
		obj, err = l.listTable(ctx, opts)
	} else {
		obj, err = l.listObjects(ctx, opts)
	}
	if err != nil {
		l.check(ctx, err)
		return nil, err
	}
	if l.pages {
		keys, err := l.source.store.page(obj)
		if err != nil {
			return nil, err
		}
		if keys != nil {
			// the reflector keeps every page until the end of the list
			// (Replace): of a page handed out, only its keys
			return keysPage(obj, keys)
		}
	}
	return obj, nil
}

// WatchWithContext starts a watch of the source.
func (l *sourceListWatch) WatchWithContext(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
	l.client.gate.wait(ctx)
	l.filter(&opts)
	var w watch.Interface
	var err error
	// No retry inside the request: a server that is starting answers 503
	// with Retry-After: 5 (a CRD's handler before its informer synced), and
	// the REST client would sleep those 5 s; the reflector retries sooner.
	if l.table {
		w, err = l.tableRequest(opts).Param("watch", "true").MaxRetries(0).Watch(ctx)
	} else {
		w, err = l.objectRequest(opts).Param("watch", "true").MaxRetries(0).Watch(ctx)
	}
	if err != nil {
		l.check(ctx, err)
		return nil, err
	}
	l.connected(opts.ResourceVersion)
	return newProxyWatch(ctx, w, l, opts), nil
}

// filter adds the source's selectors to opts.
func (l *sourceListWatch) filter(opts *metav1.ListOptions) {
	opts.LabelSelector = l.src.LabelSelector
	opts.FieldSelector = l.src.FieldSelector
}

// tableRequest is a GET of the source's collection as a Table.
func (l *sourceListWatch) tableRequest(opts metav1.ListOptions) *rest.Request {
	path := l.src.Path(l.src.Namespace, "", "")
	return l.client.rest.Get().AbsPath(path).SetHeader("Accept", TableAccept).
		SpecificallyVersionedParams(&opts, metav1.ParameterCodec, metav1.SchemeGroupVersion).
		Param("includeObject", string(l.include))
}

// objectRequest is a GET of the source's collection as objects, as the
// dynamic client sends it.
func (l *sourceListWatch) objectRequest(opts metav1.ListOptions) *rest.Request {
	path := l.src.Path(l.src.Namespace, "", "")
	return l.client.rest.Get().AbsPath(path).
		SpecificallyVersionedParams(&opts, metav1.ParameterCodec, metav1.SchemeGroupVersion)
}

// listObjects lists one page of objects, as the dynamic client does.
func (l *sourceListWatch) listObjects(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
	body, err := rawBody(l.objectRequest(opts).MaxRetries(0).Do(ctx))
	if err != nil {
		return nil, err
	}
	obj, err := runtime.Decode(unstructured.UnstructuredJSONScheme, body)
	if err != nil {
		return nil, err
	}
	switch o := obj.(type) {
	case *unstructured.UnstructuredList:
		return o, nil
	case *unstructured.Unstructured:
		return o.ToList()
	}
	return nil, fmt.Errorf("failed to list %s: unexpected %T", l.src.Name(), obj)
}

// listTable lists one page as a Table and turns it into a rowList.
func (l *sourceListWatch) listTable(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
	body, err := rawBody(l.tableRequest(opts).MaxRetries(0).Do(ctx))
	if err != nil {
		return nil, err
	}
	obj, err := DecodePrintable(body)
	if err != nil {
		return nil, err
	}
	if list, ok := obj.(*unstructured.UnstructuredList); ok {
		return list, nil // a server without tables: plain objects
	}
	t, ok := obj.(*metav1.Table)
	if !ok {
		return nil, fmt.Errorf("failed to list %s: unexpected %T", l.src.Name(), obj)
	}
	return l.rows(t)
}

// rows turns a table into a list of rowObjects.
func (l *sourceListWatch) rows(t *metav1.Table) (*rowList, error) {
	cols := l.source.setColumns(t.ColumnDefinitions)
	if err := decodeRowObjects(t); err != nil {
		return nil, err
	}
	list := &rowList{ListMeta: t.ListMeta, Items: make([]runtime.Object, 0, len(t.Rows))}
	for i := range t.Rows {
		list.Items = append(list.Items, l.rowObject(cols, &t.Rows[i]))
	}
	return list, nil
}

// decodeRowObjects decodes the raw row objects of a table.
func decodeRowObjects(t *metav1.Table) error {
	for i := range t.Rows {
		row := &t.Rows[i]
		if row.Object.Object != nil || row.Object.Raw == nil {
			continue
		}
		obj, err := runtime.Decode(unstructured.UnstructuredJSONScheme, row.Object.Raw)
		if err != nil {
			return fmt.Errorf("failed to decode table row: %w", err)
		}
		row.Object.Object = obj
	}
	return nil
}

// rowObject is a table row with its object's metadata, for the Reflector.
func (l *sourceListWatch) rowObject(cols []metav1.TableColumnDefinition, row *metav1.TableRow) *rowObject {
	u, _ := row.Object.Object.(*unstructured.Unstructured)
	if u == nil {
		u = &unstructured.Unstructured{Object: map[string]any{}}
	}
	if u.GetKind() == "PartialObjectMetadata" || u.GetKind() == "" {
		u.SetGroupVersionKind(l.src.GVK)
	}
	return &rowObject{Unstructured: u, row: &TableRow{Columns: cols, Cells: row.Cells}}
}

// check stops the source on an error that retrying cannot cure, and
// reports the first of a run of connection failures.
func (l *sourceListWatch) check(ctx context.Context, err error) {
	switch {
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err), apierrors.IsNotFound(err),
		apierrors.IsMethodNotSupported(err), apierrors.IsBadRequest(err), apierrors.IsNotAcceptable(err):
		l.source.stop(err)
	case isCapError(err):
		l.source.stop(capError(err))
	case ctx.Err() != nil:
	default:
		if unreachable(err) {
			l.client.gate.markDown(l.source.store.ctx)
		}
		l.mu.Lock()
		first := !l.failing
		l.failing = true
		l.mu.Unlock()
		if first {
			l.notify(Notice{Kind: NoticeDisconnected, Err: err})
		}
	}
}

// connected reports a watch that resumed after a failure or a drop.
func (l *sourceListWatch) connected(rv string) {
	l.mu.Lock()
	resumed := l.failing || l.dropped
	l.failing, l.dropped = false, false
	l.mu.Unlock()
	if resumed && rv != "" && rv != "0" {
		l.mu.Lock()
		l.resumedAt = rv
		l.mu.Unlock()
	}
}

// received reports a resumed watch once it delivered an event other than an
// error (an expired resourceVersion is reported as a relist instead).
func (l *sourceListWatch) received(ev watch.Event) {
	l.mu.Lock()
	rv := l.resumedAt
	l.resumedAt = ""
	l.mu.Unlock()
	if rv != "" && ev.Type != watch.Error {
		l.notify(Notice{Kind: NoticeReconnected, ResourceVersion: rv})
	}
}

// ended records how a watch stream ended: early (dropped) or not.
func (l *sourceListWatch) ended(dropped bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dropped = dropped
}

func (l *sourceListWatch) notify(n Notice) {
	n.Source, n.Resource = l.source.index, l.src.Name()
	l.source.parent.opts.Notify(n)
}

// proxyWatch forwards a watch's events, turning tables into rowObjects, and
// notes whether the stream ended before the timeout it was asked for.
type proxyWatch struct {
	inner  watch.Interface
	result chan watch.Event
	stop   chan struct{}
	once   sync.Once
}

func newProxyWatch(ctx context.Context, inner watch.Interface, l *sourceListWatch, opts metav1.ListOptions) *proxyWatch {
	p := &proxyWatch{inner: inner, result: make(chan watch.Event), stop: make(chan struct{})}
	deadline := time.Time{}
	if opts.TimeoutSeconds != nil {
		deadline = time.Now().Add(time.Duration(*opts.TimeoutSeconds)*time.Second - 5*time.Second)
	}
	go p.forward(ctx, l, deadline)
	return p
}

// forward runs until the inner watch ends or Stop is called.
func (p *proxyWatch) forward(ctx context.Context, l *sourceListWatch, deadline time.Time) {
	defer close(p.result)
	expired := false
	for ev := range p.inner.ResultChan() {
		l.received(ev)
		if err := undecodableStream(l.src.Name(), ev); err != nil {
			l.source.stop(err) // see undecodableStream (caps.go)
			return
		}
		if ev.Type == watch.Error {
			expired = true // the reflector relists and says so
		} else if l.table {
			ev = l.tableEvent(ev)
		}
		select {
		case p.result <- ev:
		case <-p.stop:
			return
		}
	}
	l.ended(!expired && ctx.Err() == nil && time.Now().Before(deadline))
}

// ResultChan implements watch.Interface.
func (p *proxyWatch) ResultChan() <-chan watch.Event { return p.result }

// Stop implements watch.Interface.
func (p *proxyWatch) Stop() {
	p.once.Do(func() {
		close(p.stop)
		p.inner.Stop()
	})
}

// tableEvent turns the Table of a watch event into the rowObject of its
// (single) row; the first event of a stream carries the columns.
func (l *sourceListWatch) tableEvent(ev watch.Event) watch.Event {
	u, ok := ev.Object.(*unstructured.Unstructured)
	if !ok || u.GetKind() != "Table" {
		return ev
	}
	t := &metav1.Table{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, t); err != nil {
		return watch.Event{Type: watch.Error, Object: &metav1.Status{Status: metav1.StatusFailure,
			Message: fmt.Sprintf("failed to decode table event: %v", err)}}
	}
	list, err := l.rows(t)
	if err != nil || len(list.Items) == 0 {
		stub := &unstructured.Unstructured{Object: map[string]any{}}
		stub.SetGroupVersionKind(l.src.GVK)
		stub.SetResourceVersion(t.ResourceVersion)
		return watch.Event{Type: ev.Type, Object: &rowObject{Unstructured: stub}}
	}
	return watch.Event{Type: ev.Type, Object: list.Items[0]}
}

// rowObject is a table row as the Reflector sees it: its object's metadata
// (for key and resourceVersion) and the row for printing.
type rowObject struct {
	*unstructured.Unstructured
	row *TableRow
}

// listedKey is an object of a page of the first list that was already
// handed out (ListPages): its key and resourceVersion, all that Replace
// reads of it at the end of the list (it was recorded as shown), instead
// of its row and metadata, which the reflector's pager would otherwise
// hold for every page until the last arrives.
type listedKey struct {
	key, rv string
}

var _ runtime.Object = (*listedKey)(nil)

// GetObjectKind implements runtime.Object.
func (k *listedKey) GetObjectKind() schema.ObjectKind { return schema.EmptyObjectKind }

// DeepCopyObject implements runtime.Object.
func (k *listedKey) DeepCopyObject() runtime.Object { c := *k; return &c }

// keysPage is a page as the reflector keeps it once handed out: its list
// metadata and its objects' keys.
func keysPage(page runtime.Object, keys []runtime.Object) (runtime.Object, error) {
	m, err := meta.ListAccessor(page)
	if err != nil {
		return nil, err
	}
	list := &rowList{Items: keys}
	list.ResourceVersion, list.Continue, list.RemainingItemCount = m.GetResourceVersion(), m.GetContinue(), m.GetRemainingItemCount()
	return list, nil
}

// rowList is a page of rowObjects, for the Reflector's pager.
type rowList struct {
	metav1.TypeMeta
	metav1.ListMeta
	Items []runtime.Object
}

// DeepCopyObject implements runtime.Object (shallowly: nothing mutates rows).
func (l *rowList) DeepCopyObject() runtime.Object {
	c := *l
	c.Items = append([]runtime.Object(nil), l.Items...)
	return &c
}
