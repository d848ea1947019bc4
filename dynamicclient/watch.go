package dynamicclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
	"k8s.io/klog/v2"

	"github.com/kdxproject/kdx/discovery"
)

// WatchSource is one resource to list and watch, in one namespace or all.
type WatchSource struct {
	// Mapping is the resource as discovery names it (GVR, GVK, Namespaced).
	discovery.Mapping
	// Namespace is the namespace to watch; "" for all (or cluster-scoped).
	Namespace string
	// LabelSelector and FieldSelector filter the objects, as in a list.
	LabelSelector, FieldSelector string
}

// Name is the resource's qualified name (pods, deployments.apps) for messages.
func (s WatchSource) Name() string { return s.QualifiedName() }

// WatchOptions configure Watch.
type WatchOptions struct {
	// Table asks for server-side table rows with every event.
	Table bool
	// IncludeObject is what table rows carry: Metadata ("" means Metadata) or Object.
	IncludeObject metav1.IncludeObjectPolicy
	// WatchOnly leaves out the objects of the first list (kubectl's --watch-only).
	WatchOnly bool
	// Concurrency bounds the sources listing at the same time; 0 means 8.
	Concurrency int
	// Queue is how many events may wait for the handler; 0 means 1024.
	Queue int
	// Notify receives warnings: a reconnection, a relist, a source that
	// stopped. It is called from the watching goroutines and must be quick.
	Notify func(Notice)
	// Idle is called when no event is waiting, to flush buffered output.
	Idle func() error
	// Synced, when set, is called once every source has shown its first
	// list or stopped (before Watch returns, if it returns because every
	// source stopped); what failed to start can then be reported at once.
	Synced func()
	// StreamingList lets the reflector use streaming lists (sendInitialEvents)
	// where the server offers them, instead of paginated lists.
	StreamingList bool
	// ListPages hands out each page of a source's first list as it arrives
	// (ADDED events), instead of the whole list at once, so that a front
	// end shows the first rows of a long list while the rest loads. The
	// first list is then asked in pages at the latest resourceVersion (the
	// reflector's list at resourceVersion 0 is served by the server's watch
	// cache in one piece, whatever its limit); the watch still starts from
	// the list's resourceVersion, and Synced still comes after the last
	// page. A source listed while the sources before it are still listing
	// shows its list at once when they are done, as without ListPages.
	ListPages bool
	// SyncedEvent hands the handler one event of type Synced once every
	// source has shown its first list or stopped: every event of the first
	// lists comes before it, so that the handler knows what existed when
	// the watch began (kdx wait: a named object that is not there).
	SyncedEvent bool
}

// Synced is the type of the event SyncedEvent asks for; its Source is -1
// and its Object nil.
const Synced watch.EventType = "SYNCED"

// WatchEvent is one change, or one object of the initial list (ADDED).
type WatchEvent struct {
	// Type is ADDED, MODIFIED or DELETED.
	Type watch.EventType
	// Source is the index of the WatchSource the event is about.
	Source int
	// Object is the object: complete, or its metadata only in table mode
	// (unless IncludeObject is Object). For an object found gone by a
	// relist, only apiVersion, kind, name, namespace and resourceVersion.
	Object *unstructured.Unstructured
	// Row is the object's table row in table mode, else nil.
	Row *TableRow
	// Relist says that the event was found by comparing a relist with what
	// was shown before, rather than received from a watch.
	Relist bool
}

// TableRow is one object's row of a server-side table.
type TableRow struct {
	// Columns are the columns of the source's table.
	Columns []metav1.TableColumnDefinition
	// Cells are the row's cells, one per column.
	Cells []any
}

// NoticeKind says what a Notice reports.
type NoticeKind int

// The kinds of notices.
const (
	// NoticeDisconnected: the connection to the server was lost; kdx retries.
	NoticeDisconnected NoticeKind = iota
	// NoticeReconnected: the watch resumed from the last resourceVersion seen.
	NoticeReconnected
	// NoticeRelisted: the watch started over from a list; the difference
	// against what was shown was emitted.
	NoticeRelisted
	// NoticeStopped: the source failed for good (forbidden, gone) and stopped.
	NoticeStopped
)

// Notice is a warning about one source.
type Notice struct {
	Kind NoticeKind
	// Source is the index of the WatchSource.
	Source int
	// Resource is the source's qualified resource name.
	Resource string
	// ResourceVersion is where the watch resumed or relisted.
	ResourceVersion string
	// Added, Modified and Deleted count the events of a relist difference.
	Added, Modified, Deleted int
	// Err is the cause of a disconnection or a stop.
	Err error
}

// String is the warning, as printed after "Warning: ".
func (n Notice) String() string {
	switch n.Kind {
	case NoticeDisconnected:
		return fmt.Sprintf("lost the watch of %s, retrying: %v", n.Resource, n.Err)
	case NoticeReconnected:
		return fmt.Sprintf("reconnected the watch of %s, resumed from resourceVersion %s", n.Resource, n.ResourceVersion)
	case NoticeRelisted:
		return fmt.Sprintf("the watch of %s expired and was started over from a list at resourceVersion %s: %d added, %d modified, %d deleted since",
			n.Resource, n.ResourceVersion, n.Added, n.Modified, n.Deleted)
	}
	return fmt.Sprintf("stopped watching %s: %v", n.Resource, n.Err)
}

// ErrNothingWatched is returned when every source stopped with an error.
var ErrNothingWatched = errors.New("no resource could be watched")

// Watch lists and watches every source with client-go's Reflector until ctx
// ends, handing each event to handle, one at a time, in arrival order. The
// initial lists come first, in the order of sources. A dropped connection
// resumes from the last resourceVersion; an expired one relists and emits
// the difference. It returns nil when ctx ends, handle's first error, or an
// error wrapping ErrNothingWatched when every source stopped (the error
// itself for a single source).
func (c *Client) Watch(ctx context.Context, sources []WatchSource, opts WatchOptions, handle func(WatchEvent) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := newWatchRun(c, sources, opts)
	go w.runAll(ctx)
	return w.consume(ctx, handle)
}

// watchRun is one call of Watch.
type watchRun struct {
	client  *Client
	sources []WatchSource
	opts    WatchOptions
	// events carries the events from the stores to the handler.
	events chan WatchEvent
	// emitMu keeps a store's batch (a list, a relist difference) together.
	emitMu sync.Mutex
	// done is closed when every source's reflector has returned.
	done chan struct{}
	// synced is closed once Synced was called (or ctx ended).
	synced chan struct{}

	// mu guards stopped and errs.
	mu      sync.Mutex
	stopped int
	errs    []error
}

func newWatchRun(c *Client, sources []WatchSource, opts WatchOptions) *watchRun {
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.Queue <= 0 {
		opts.Queue = 1024
	}
	if opts.Notify == nil {
		opts.Notify = func(Notice) {}
	}
	if opts.IncludeObject == "" {
		opts.IncludeObject = metav1.IncludeMetadata
	}
	return &watchRun{client: c, sources: sources, opts: opts,
		events: make(chan WatchEvent, opts.Queue), done: make(chan struct{}), synced: make(chan struct{})}
}

// runAll starts a reflector per source, at most Concurrency of them listing
// at a time, and closes done when all have returned.
func (w *watchRun) runAll(ctx context.Context) {
	defer close(w.done)
	if !klog.V(6).Enabled() {
		// The reflector logs every retry; kdx reports them as notices.
		ctx = klog.NewContext(ctx, logr.Discard())
	}
	slots := make(chan struct{}, w.opts.Concurrency)
	shown := make([]chan struct{}, len(w.sources))
	for i := range shown {
		shown[i] = make(chan struct{})
	}
	go w.whenSynced(ctx, shown)
	prev := closedChan()
	var wg sync.WaitGroup
	for i := range w.sources {
		s := w.newSource(i, prev, shown[i])
		prev = shown[i]
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.run(ctx, func() { <-slots })
		}()
	}
	wg.Wait()
}

// whenSynced calls Synced once every source's shown channel is closed.
func (w *watchRun) whenSynced(ctx context.Context, shown []chan struct{}) {
	defer close(w.synced)
	for _, ch := range shown {
		select {
		case <-ch:
		case <-ctx.Done():
			return
		}
	}
	if w.opts.Synced != nil {
		w.opts.Synced()
	}
	if w.opts.SyncedEvent {
		_ = w.emit(ctx, WatchEvent{Type: Synced, Source: -1})
	}
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

// newSource builds the store and lister-watcher of source i; prev is closed
// once the sources before it printed their first list, shown once it did.
func (w *watchRun) newSource(i int, prev <-chan struct{}, shown chan struct{}) *watchSource {
	src := w.sources[i]
	s := &watchSource{parent: w, index: i, src: src, listed: make(chan struct{})}
	s.store = &rvStore{
		source: i, gvk: src.GVK, skipInitial: w.opts.WatchOnly,
		emit: w.emit, batch: &w.emitMu, notify: w.opts.Notify, resource: src.Name(),
		prev: prev, shown: shown, listed: s.listed, rvs: map[string]string{},
		columns: s.currentColumns,
	}
	s.lw = &sourceListWatch{client: w.client, src: src, table: w.opts.Table,
		include: w.opts.IncludeObject, noStreaming: !w.opts.StreamingList, pages: w.opts.ListPages, source: s}
	return s
}

// emit queues ev for the handler, giving up when ctx ends.
func (w *watchRun) emit(ctx context.Context, ev WatchEvent) error {
	select {
	case w.events <- ev:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// sourceStopped records that a source gave up with err.
func (w *watchRun) sourceStopped(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped++
	w.errs = append(w.errs, err)
}

// allStopped reports whether every source gave up, and why.
func (w *watchRun) allStopped() (bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.stopped < len(w.sources) {
		return false, nil
	}
	if len(w.errs) == 1 {
		return true, w.errs[0]
	}
	return true, fmt.Errorf("%w: %w", ErrNothingWatched, errors.Join(w.errs...))
}

// consume hands events to handle until ctx ends or every source stopped,
// calling Idle whenever the queue is empty.
func (w *watchRun) consume(ctx context.Context, handle func(WatchEvent) error) error {
	for {
		if len(w.events) == 0 && w.opts.Idle != nil {
			if err := w.opts.Idle(); err != nil {
				return err
			}
		}
		select {
		case ev := <-w.events:
			if err := handle(ev); err != nil {
				return err
			}
		case <-w.done:
			return w.drain(ctx, handle)
		}
	}
}

// drain handles what is queued once every reflector returned.
func (w *watchRun) drain(ctx context.Context, handle func(WatchEvent) error) error {
	for len(w.events) > 0 {
		if err := handle(<-w.events); err != nil {
			return err
		}
	}
	if w.opts.Idle != nil {
		if err := w.opts.Idle(); err != nil {
			return err
		}
	}
	if ctx.Err() != nil {
		return nil
	}
	stopped, err := w.allStopped()
	if stopped {
		<-w.synced
	}
	return err
}

// watchSource is one source's reflector, store and lister-watcher.
type watchSource struct {
	parent *watchRun
	index  int
	src    WatchSource
	store  *rvStore
	lw     *sourceListWatch
	// listed is closed by the store when the first list arrived.
	listed chan struct{}
	// cancel stops the reflector; set by run.
	cancel context.CancelFunc

	// mu guards columns and stopped.
	mu      sync.Mutex
	columns []metav1.TableColumnDefinition
	stopped bool
}

// run runs the reflector until ctx ends or the source stops; release frees
// the listing slot once the first list arrived (or the source stopped).
func (s *watchSource) run(ctx context.Context, release func()) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.cancel = cancel
	s.store.ctx = ctx
	go func() {
		select {
		case <-s.listed:
		case <-ctx.Done():
		}
		release()
	}()
	r := cache.NewReflectorWithOptions(s.lw, nil, s.store, cache.ReflectorOptions{
		Name:            "kdx watch " + s.src.Name(),
		TypeDescription: s.src.Name(),
		Backoff:         retryBackoff(),
	})
	r.RunWithContext(ctx)
	s.store.giveUp()
}

// retryBackoff is the reflector's wait between attempts while the server
// cannot be reached: client-go's default grows to 30 s, so a watched type
// came back seconds after the server did; kdx retries every 100-300 ms.
func retryBackoff() *wait.Backoff {
	return &wait.Backoff{Duration: 100 * time.Millisecond, Factor: 1.5, Jitter: 0.2, Cap: 250 * time.Millisecond, Steps: 1 << 20}
}

// stop stops the source for good after a permanent error.
func (s *watchSource) stop(err error) {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	s.mu.Unlock()
	s.parent.sourceStopped(err)
	s.parent.opts.Notify(Notice{Kind: NoticeStopped, Source: s.index, Resource: s.src.Name(), Err: err})
	s.cancel()
}

// setColumns records the columns of the source's table.
func (s *watchSource) setColumns(cols []metav1.TableColumnDefinition) []metav1.TableColumnDefinition {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cols) > 0 {
		s.columns = cols
	}
	return s.columns
}

// currentColumns returns the columns of the source's table.
func (s *watchSource) currentColumns() []metav1.TableColumnDefinition { return s.setColumns(nil) }

// NameColumn is the index of a table's name column (format name, or
// named Name), or 0.
func NameColumn(cols []metav1.TableColumnDefinition) int {
	for i, c := range cols {
		if c.Format == "name" || strings.EqualFold(c.Name, "name") {
			return i
		}
	}
	return 0
}
