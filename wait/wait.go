package wait

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/watch"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/render"
)

// Watcher lists and watches objects: *dynamicclient.Client.
type Watcher interface {
	Watch(ctx context.Context, sources []dynamicclient.WatchSource, opts dynamicclient.WatchOptions, handle func(dynamicclient.WatchEvent) error) error
}

// Request is one wait on one cluster.
type Request struct {
	// Targets are the types waited on, each with the names given, or none
	// for every object its list finds.
	Targets []discovery.Target
	// Namespace is the namespace of namespaced targets; "" for all.
	Namespace string
	// LabelSelector and FieldSelector select the objects of targets
	// without names.
	LabelSelector, FieldSelector string
	// Condition is what each object must meet.
	Condition *Condition
	// Once checks the objects as they are and does not wait (kubectl's
	// --timeout=0): those that do not meet the condition are failures.
	Once bool
	// Out receives a line per object as it meets the condition,
	// "deployment.apps/web condition met", as kubectl prints it: one for
	// each --for (kubectl checks them in turn and prints each).
	Out io.Writer
	// Print, when set, prints an object that met the condition instead of
	// the "condition met" line (-o name), as often as the line would be.
	Print func(obj *unstructured.Unstructured) error
	// Notify receives the watch's notices: a reconnection, a relist.
	Notify func(dynamicclient.Notice)
}

// Object is one object waited on.
type Object struct {
	// Resource is its type's plural (kubectl's messages name objects
	// "deployments/web").
	Resource  string
	Namespace string
	Name      string
}

// String is resource/name, as kubectl's messages name an object.
func (o Object) String() string { return o.Resource + "/" + o.Name }

// Pending is an object that had not met the condition when the wait ended.
type Pending struct {
	Object
	// Why is what was seen: its condition, the value of the jsonpath or of
	// the fields the expression reads, "not found".
	Why string
}

// Failure is an object that cannot meet the condition: a named object
// that is not there, a check that failed on it, its type's watch stopped.
type Failure struct {
	Object
	Err error
}

// Result is what a wait came to.
type Result struct {
	// Met is how many objects met the condition (a line each).
	Met int
	// Failures are the objects that cannot meet it, in the order found.
	Failures []Failure
	// Pending are the objects that had not met it when the context ended
	// (the timeout), sorted by namespace, then type, then name.
	Pending []Pending
	// NoMatch says that no object was found to wait on (kubectl's "no
	// matching resources found"; not a failure with --for=delete).
	NoMatch bool
}

// ErrNoMatch is kubectl's error when nothing matched.
var ErrNoMatch = errors.New("no matching resources found")

// OK reports whether every object met the condition.
func (r *Result) OK(c *Condition) bool {
	return len(r.Failures) == 0 && len(r.Pending) == 0 && (!r.NoMatch || c.Delete)
}

// errDone ends the watch once nothing is left to wait for.
var errDone = errors.New("done")

// source is what one WatchSource watches: a target, and the name when the
// target names objects.
type source struct {
	target    discovery.Target
	namespace string
	name      string // "" for every object the list finds
}

// item is one object waited on.
type item struct {
	obj     Object
	gk      string // kind.group/name line prefix, from the object's kind
	last    *unstructured.Unstructured
	present bool
	done    bool
	why     string
}

// Run waits until every object of req meets req.Condition, or ctx ends.
// It returns when nothing is left to wait for, or when ctx ends (then the
// objects still waited on are Pending; the caller tells a timeout from an
// interruption by ctx.Err()). The error is for a wait that could not be
// made at all (every type's watch failed, a write to Out failed).
func Run(ctx context.Context, w Watcher, req Request) (*Result, error) {
	r := &run{req: req, res: &Result{}, items: map[key]*item{}}
	var srcs []dynamicclient.WatchSource
	for _, t := range req.Targets {
		ns := req.Namespace
		if !t.Namespaced {
			ns = ""
		}
		if len(t.Names) == 0 {
			r.sources = append(r.sources, source{target: t})
			srcs = append(srcs, dynamicclient.WatchSource{Mapping: t.Mapping, Namespace: ns,
				LabelSelector: req.LabelSelector, FieldSelector: req.FieldSelector})
			continue
		}
		for _, name := range t.Names {
			i := len(r.sources)
			r.sources = append(r.sources, source{target: t, namespace: ns, name: name})
			srcs = append(srcs, dynamicclient.WatchSource{Mapping: t.Mapping, Namespace: ns,
				FieldSelector: fields.OneTermEqualSelector("metadata.name", name).String()})
			r.items[key{i, ns, name}] = &item{obj: Object{Resource: t.GVR.Resource, Namespace: ns, Name: name}}
			r.order = append(r.order, key{i, ns, name})
		}
	}
	if len(srcs) == 0 {
		r.res.NoMatch = true
		return r.res, nil
	}
	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	r.cancel = cancel
	opts := dynamicclient.WatchOptions{SyncedEvent: true, Notify: func(n dynamicclient.Notice) {
		if n.Kind == dynamicclient.NoticeStopped {
			r.stopped(n)
		}
		if req.Notify != nil {
			req.Notify(n)
		}
	}}
	err := w.Watch(ctx, srcs, opts, r.handle)
	r.finish()
	switch {
	case r.outErr != nil:
		return r.res, r.outErr
	case !r.synced && len(r.items) == 0 && errors.Is(parent.Err(), context.DeadlineExceeded):
		// the time ran out before the selectors' objects were even listed:
		// nothing can be named, and nothing was met
		return r.res, errors.New("timed out waiting for the condition: the objects to wait for were not listed within the timeout")
	case errors.Is(err, errDone):
		return r.res, nil
	case err != nil && !r.synced:
		return r.res, err
	case err != nil:
		// every watch stopped after the start: each has its failure
		return r.res, nil
	}
	return r.res, nil
}

// key names an object of a source.
type key struct {
	source          int
	namespace, name string
}

// run is one Run.
type run struct {
	req     Request
	res     *Result
	sources []source
	items   map[key]*item
	order   []key // items in the order found
	synced  bool
	// outErr is the failure to print a line (stdout closed).
	outErr error
	// awaitFirst: --for=create and the selectors found nothing when the
	// wait began; the first object they find is waited on (kubectl waits
	// until its selector finds objects).
	awaitFirst bool

	// cancel ends the watch (every object left is in a stopped watch).
	cancel context.CancelFunc

	// mu guards everything above: events are handled on one goroutine,
	// but a watch that stops is told from another (Notify).
	mu sync.Mutex
	// stops are the sources whose watch stopped for good.
	stops []dynamicclient.Notice
	// finished says that finish ran: the result is the caller's.
	finished bool
}

// handle takes one event.
func (r *run) handle(ev dynamicclient.WatchEvent) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ev.Type == dynamicclient.Synced {
		return r.sync()
	}
	if ev.Source < 0 || ev.Source >= len(r.sources) || ev.Object == nil {
		return nil
	}
	src := r.sources[ev.Source]
	k := key{ev.Source, ev.Object.GetNamespace(), ev.Object.GetName()}
	if src.name != "" {
		// the source watches this name only, in the request's namespace
		k.namespace, k.name = src.namespace, src.name
	}
	it := r.items[k]
	if it == nil {
		if src.name != "" || (r.synced && !r.awaitFirst) || ev.Type == watch.Deleted {
			// a selector's set is what its first list found
			return nil
		}
		it = &item{obj: Object{Resource: src.target.GVR.Resource, Namespace: k.namespace, Name: k.name}}
		r.items[k] = it
		r.order = append(r.order, k)
		r.awaitFirst = false
	}
	if it.done {
		return nil
	}
	it.gk = render.Escape(render.QualifiedName(ev.Object.GroupVersionKind().GroupKind(), it.obj.Name))
	it.last = ev.Object
	if ev.Type == watch.Deleted {
		it.present = false
		if r.req.Condition.Delete {
			return r.met(it)
		}
		it.why = "deleted"
		return nil
	}
	it.present = true
	return r.check(it, ev.Object)
}

// check evaluates the condition on obj, the current state of it.
func (r *run) check(it *item, obj *unstructured.Unstructured) error {
	ok, why, err := r.req.Condition.Check(obj)
	switch {
	case err != nil:
		it.done = true
		r.res.Failures = append(r.res.Failures, Failure{Object: it.obj, Err: err})
	case ok:
		return r.met(it)
	default:
		it.why = why
	}
	return r.left()
}

// met reports it as meeting the condition.
func (r *run) met(it *item) error {
	it.done = true
	r.res.Met++
	for range max(r.req.Condition.fors, 1) {
		var err error
		switch {
		case r.req.Print != nil:
			err = r.req.Print(it.last)
		case r.req.Out != nil:
			_, err = fmt.Fprintf(r.req.Out, "%s condition met\n", it.gk)
		}
		if err != nil {
			r.outErr = err
			return err
		}
	}
	return r.left()
}

// sync is the end of the first lists: what is not there now was not there
// when the wait began.
func (r *run) sync() error {
	r.synced = true
	c := r.req.Condition
	stopped := r.stoppedSources()
	for _, k := range r.order {
		it := r.items[k]
		if _, ok := stopped[k.source]; ok || it.done || it.present {
			continue // a stopped watch is its objects' failure (finish)
		}
		switch {
		case c.Delete:
			// gone already: kubectl prints nothing for it
			it.done = true
		case c.Create && !r.req.Once:
			it.why = "not found"
		default:
			it.done = true
			gr := r.sources[k.source].target.GVR.GroupResource()
			r.res.Failures = append(r.res.Failures, Failure{Object: it.obj, Err: apierrors.NewNotFound(gr, it.obj.Name)})
		}
	}
	if len(r.order) == 0 {
		if c.Create && !r.req.Once {
			r.awaitFirst = true
			return nil
		}
		r.res.NoMatch = true
		return errDone
	}
	if r.req.Once {
		for _, k := range r.order {
			if it := r.items[k]; !it.done {
				it.done = true
				r.res.Failures = append(r.res.Failures, Failure{Object: it.obj, Err: fmt.Errorf("condition not met for %s", it.obj)})
			}
		}
		return errDone
	}
	return r.left()
}

// left ends the watch once the first lists are in and every object is done.
func (r *run) left() error {
	if !r.synced || r.awaitFirst {
		return nil
	}
	for _, k := range r.order {
		if !r.items[k].done {
			return nil
		}
	}
	return errDone
}

// stopped records that a source's watch stopped for good.
// Once the first lists are in, the objects of its watch fail at once, and
// the wait ends when nothing else is left.
func (r *run) stopped(n dynamicclient.Notice) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stops = append(r.stops, n)
	if !r.synced || r.finished {
		return // sync and finish read stops
	}
	for _, k := range r.order {
		if it := r.items[k]; k.source == n.Source && !it.done {
			it.done = true
			r.res.Failures = append(r.res.Failures, Failure{Object: it.obj, Err: n.Err})
		}
	}
	if r.left() == errDone {
		r.cancel()
	}
}

// stoppedSources are the sources whose watch stopped, with why; r.mu is
// held.
func (r *run) stoppedSources() map[int]error {
	out := map[int]error{}
	for _, n := range r.stops {
		out[n.Source] = n.Err
	}
	return out
}

// finish turns what is left into failures (a stopped watch) or pending
// objects, sorted.
func (r *run) finish() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.finished = true
	if r.awaitFirst {
		r.res.NoMatch = true // nothing was created in time
	}
	stoppedSource := r.stoppedSources()
	for i, s := range r.sources {
		err, ok := stoppedSource[i]
		if !ok {
			continue
		}
		if s.name == "" && !r.synced {
			r.res.Failures = append(r.res.Failures, Failure{Object: Object{Resource: s.target.GVR.Resource, Namespace: r.req.Namespace}, Err: err})
		}
	}
	for _, k := range r.order {
		it := r.items[k]
		if it.done {
			continue
		}
		if err, ok := stoppedSource[k.source]; ok {
			r.res.Failures = append(r.res.Failures, Failure{Object: it.obj, Err: err})
			continue
		}
		why := it.why
		if why == "" && !r.synced {
			why = "not listed yet"
		}
		r.res.Pending = append(r.res.Pending, Pending{Object: it.obj, Why: why})
	}
	sort.SliceStable(r.res.Pending, func(i, j int) bool {
		a, b := r.res.Pending[i], r.res.Pending[j]
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		if a.Resource != b.Resource {
			return a.Resource < b.Resource
		}
		return a.Name < b.Name
	})
}

// maxWhy bounds what a line says of why (what was seen).
const maxWhy = 400

// oneLine is s from the server made safe for a terminal line (see
// render.Escape), cut to n characters.
func oneLine(s string, n int) string {
	s = render.Escape(s)
	if r := []rune(s); len(r) > n {
		s = string(r[:n-3]) + "..."
	}
	return s
}

// maxNames is how many objects one line of TimeoutLines names.
const maxNames = 10

// TimeoutLines are the lines of a timeout, one per cause, each naming up
// to ten of the objects that had it ("and N more"): "timed out waiting for
// the condition on deployments/web: Available=False (MinimumReplicasUnavailable)",
// kubectl's words, then why. allNamespaces names each object's namespace.
func TimeoutLines(pending []Pending, allNamespaces bool) []string {
	var causes []string
	byCause := map[string][]string{}
	for _, p := range pending {
		name := render.Escape(p.String())
		if allNamespaces && p.Namespace != "" {
			name += " -n " + p.Namespace
		}
		if _, ok := byCause[p.Why]; !ok {
			causes = append(causes, p.Why)
		}
		byCause[p.Why] = append(byCause[p.Why], name)
	}
	lines := make([]string, 0, len(causes))
	for _, why := range causes {
		names := byCause[why]
		list := strings.Join(names[:min(len(names), maxNames)], ", ")
		if len(names) > maxNames {
			list += fmt.Sprintf(" and %d more", len(names)-maxNames)
		}
		line := "timed out waiting for the condition on " + list
		if why != "" {
			line += ": " + oneLine(why, maxWhy)
		}
		lines = append(lines, line)
	}
	return lines
}
