package dynamicclient

import (
	"context"
	"fmt"
	"sort"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
)

// rvStore is the cache.Store a Reflector feeds for one source. It keeps only
// key -> resourceVersion, hands each change on as it comes, and turns a list
// (Replace) into events: the first list's objects as ADDED (unless
// skipInitial), a relist's difference against what was shown as ADDED,
// MODIFIED and DELETED. An event whose key and resourceVersion were already
// shown is dropped, so nothing is printed twice.
type rvStore struct {
	source      int
	gvk         schema.GroupVersionKind
	resource    string
	skipInitial bool
	emit        func(context.Context, WatchEvent) error
	notify      func(Notice)
	// columns returns the source's table columns, for relist deletions.
	columns func() []metav1.TableColumnDefinition
	// batch is held while a list's events are queued, so that they stay together.
	batch *sync.Mutex
	// prev is closed when the sources before this one showed their first
	// list; shown is closed when this one did (or gave up).
	prev   <-chan struct{}
	shown  chan struct{}
	listed chan struct{}
	// ctx ends the waits of emit; set before the reflector starts.
	ctx context.Context

	// mu guards the fields below; it is held while events are queued, so
	// that the store and the output agree.
	mu     sync.Mutex
	rvs    map[string]string
	synced bool
	lastRV string
	// closedShown says whether shown and listed are closed.
	closedShown bool
	// heldBack says that a page of the first list was not handed out (the
	// sources before this one were still listing): the rest of the list
	// waits for Replace too, to keep it in order.
	heldBack bool
}

var _ cache.Store = (*rvStore)(nil)

// Add handles an ADDED event.
func (s *rvStore) Add(obj any) error { return s.change(watch.Added, obj) }

// Update handles a MODIFIED event.
func (s *rvStore) Update(obj any) error { return s.change(watch.Modified, obj) }

// Delete handles a DELETED event.
func (s *rvStore) Delete(obj any) error { return s.change(watch.Deleted, obj) }

// change records and emits one watch event.
func (s *rvStore) change(typ watch.EventType, obj any) error {
	ev, key, rv, err := s.event(typ, obj)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, known := s.rvs[key]
	switch {
	case typ == watch.Deleted && !known:
		return nil // never shown, or its deletion was already shown
	case typ != watch.Deleted && known && old == rv:
		return nil // already shown
	case typ == watch.Deleted:
		delete(s.rvs, key)
	default:
		s.rvs[key] = rv
	}
	s.lastRV = rv
	s.batch.Lock()
	defer s.batch.Unlock()
	return s.emit(s.ctx, ev)
}

// event builds the WatchEvent of a reflector object; it returns its key and
// resourceVersion too.
func (s *rvStore) event(typ watch.EventType, obj any) (WatchEvent, string, string, error) {
	ev := WatchEvent{Type: typ, Source: s.source}
	switch o := obj.(type) {
	case *rowObject:
		ev.Object, ev.Row = o.Unstructured, o.row
	case *unstructured.Unstructured:
		ev.Object = o
	case *listedKey: // handed out by page, and recorded then: no event
		return ev, o.key, o.rv, nil
	default:
		return ev, "", "", fmt.Errorf("unexpected object %T in the watch of %s", obj, s.resource)
	}
	key, err := cache.MetaNamespaceKeyFunc(ev.Object)
	if err != nil {
		return ev, "", "", err
	}
	return ev, key, ev.Object.GetResourceVersion(), nil
}

// Replace handles a list: the first one, or a relist after the watch expired.
func (s *rvStore) Replace(items []any, rv string) error {
	s.markListed()
	select {
	case <-s.prev:
	case <-s.ctx.Done():
		return s.ctx.Err()
	}
	defer s.markShown()
	s.mu.Lock()
	defer s.mu.Unlock()
	evs, next, err := s.diff(items)
	if err != nil {
		return err
	}
	initial := !s.synced
	s.synced, s.rvs, s.lastRV = true, next, rv
	if !initial {
		s.notify(relistNotice(s.source, s.resource, rv, evs))
	}
	if initial && s.skipInitial {
		return nil
	}
	s.batch.Lock()
	defer s.batch.Unlock()
	for _, ev := range evs {
		if err := s.emit(s.ctx, ev); err != nil {
			return err
		}
	}
	return nil
}

// page hands out one page of the first list as it arrives (ListPages):
// its objects not shown yet as ADDED (one shown by an earlier attempt of
// the list and changed since as MODIFIED), recorded as shown, so that
// Replace, at the end of the list, emits only what the pages did not: the
// objects of pages held back, and the deletion of objects shown by an
// attempt of the list that failed and gone since. Of a page handed out,
// it returns its objects' keys and resourceVersions, all that Replace
// needs of them (nil for a page not handed out).
func (s *rvStore) page(list runtime.Object) ([]runtime.Object, error) {
	var items []any
	switch l := list.(type) {
	case *rowList:
		for _, item := range l.Items {
			items = append(items, item)
		}
	case *unstructured.UnstructuredList:
		for i := range l.Items {
			items = append(items, &l.Items[i])
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.synced || s.skipInitial || s.heldBack {
		return nil, nil // a relist shows its difference at its end
	}
	select {
	case <-s.prev:
	default:
		s.heldBack = true
		return nil, nil
	}
	s.batch.Lock()
	defer s.batch.Unlock()
	keys := make([]runtime.Object, 0, len(items))
	for _, item := range items {
		ev, key, rv, err := s.event(watch.Added, item)
		if err != nil {
			return nil, err
		}
		keys = append(keys, &listedKey{key: key, rv: rv})
		if old, known := s.rvs[key]; known {
			if old == rv {
				continue
			}
			ev.Type = watch.Modified
		}
		s.rvs[key] = rv
		if err := s.emit(s.ctx, ev); err != nil {
			return nil, err
		}
	}
	return keys, nil
}

// diff compares a list with what was shown: the events to emit, in key
// order (deletions last), and the new key -> resourceVersion map.
func (s *rvStore) diff(items []any) ([]WatchEvent, map[string]string, error) {
	type keyed struct {
		key string
		ev  WatchEvent
	}
	listed := make([]keyed, 0, len(items))
	next := make(map[string]string, len(items))
	for _, item := range items {
		ev, key, rv, err := s.event(watch.Added, item)
		if err != nil {
			return nil, nil, err
		}
		next[key] = rv
		if old, known := s.rvs[key]; known {
			if old == rv {
				continue
			}
			ev.Type = watch.Modified
		}
		if ev.Object == nil { // a listedKey not shown: not expected
			ev.Object = s.stub(key, rv)
		}
		ev.Relist = s.synced
		listed = append(listed, keyed{key, ev})
	}
	sort.Slice(listed, func(i, j int) bool { return listed[i].key < listed[j].key })
	evs := make([]WatchEvent, 0, len(listed))
	for _, k := range listed {
		evs = append(evs, k.ev)
	}
	return append(evs, s.gone(next)...), next, nil
}

// gone are the DELETED events of the shown objects a relist no longer has.
func (s *rvStore) gone(next map[string]string) []WatchEvent {
	var keys []string
	for key := range s.rvs {
		if _, ok := next[key]; !ok {
			keys = append(keys, key)
		}
	}
	sort.Strings(keys)
	evs := make([]WatchEvent, 0, len(keys))
	for _, key := range keys {
		obj := s.stub(key, s.rvs[key])
		ev := WatchEvent{Type: watch.Deleted, Source: s.source, Object: obj, Relist: true}
		if cols := s.columns(); len(cols) > 0 {
			ev.Row = stubRow(cols, obj.GetName())
		}
		evs = append(evs, ev)
	}
	return evs
}

// stub is what is known of an object found gone: its kind, key and the
// last resourceVersion shown.
func (s *rvStore) stub(key, rv string) *unstructured.Unstructured {
	ns, name, _ := cache.SplitMetaNamespaceKey(key)
	u := &unstructured.Unstructured{Object: map[string]any{}}
	u.SetGroupVersionKind(s.gvk)
	u.SetNamespace(ns)
	u.SetName(name)
	u.SetResourceVersion(rv)
	return u
}

// stubRow is a table row with only the name known.
func stubRow(cols []metav1.TableColumnDefinition, name string) *TableRow {
	cells := make([]any, len(cols))
	for i := range cells {
		cells[i] = ""
	}
	cells[NameColumn(cols)] = name
	return &TableRow{Columns: cols, Cells: cells}
}

// relistNotice counts the events of a relist difference.
func relistNotice(source int, resource, rv string, evs []WatchEvent) Notice {
	n := Notice{Kind: NoticeRelisted, Source: source, Resource: resource, ResourceVersion: rv}
	for _, ev := range evs {
		switch ev.Type {
		case watch.Added:
			n.Added++
		case watch.Modified:
			n.Modified++
		case watch.Deleted:
			n.Deleted++
		}
	}
	return n
}

// markListed frees the source's listing slot.
func (s *rvStore) markListed() {
	s.mu.Lock()
	defer s.mu.Unlock()
	select {
	case <-s.listed:
	default:
		close(s.listed)
	}
}

// markShown lets the next source show its first list.
func (s *rvStore) markShown() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closedShown {
		s.closedShown = true
		close(s.shown)
	}
}

// giveUp unblocks the next sources when this one ends without a list.
func (s *rvStore) giveUp() {
	s.markListed()
	s.markShown()
}

// Bookmark records the resourceVersion of a bookmark.
func (s *rvStore) Bookmark(rv string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lastRV = rv
}

// LastStoreSyncResourceVersion is the last resourceVersion seen.
func (s *rvStore) LastStoreSyncResourceVersion() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastRV
}

// List returns the keys shown, with their resourceVersions, as stubs.
func (s *rvStore) List() []any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]any, 0, len(s.rvs))
	for key, rv := range s.rvs {
		out = append(out, s.stub(key, rv))
	}
	return out
}

// ListKeys returns the keys shown.
func (s *rvStore) ListKeys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.rvs))
	for key := range s.rvs {
		out = append(out, key)
	}
	return out
}

// Get returns the stub of obj's key.
func (s *rvStore) Get(obj any) (any, bool, error) {
	key, err := cache.MetaNamespaceKeyFunc(obj)
	if err != nil {
		return nil, false, err
	}
	return s.GetByKey(key)
}

// GetByKey returns the stub of key.
func (s *rvStore) GetByKey(key string) (any, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rv, ok := s.rvs[key]
	if !ok {
		return nil, false, nil
	}
	return s.stub(key, rv), true, nil
}

// Resync does nothing: kdx never resyncs.
func (s *rvStore) Resync() error { return nil }

var _ runtime.Object = (*rowObject)(nil)
