package relate

import (
	"context"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// Reader reads the tree of one object through the engine, as `kdx tree`
// and the explorer show it: the metadata of every listable type at once
// into an Index, a walk down (what it owns) or up (its owners), then each
// shown object read in full for its Ready or Available condition.
type Reader struct {
	// Lister reads the lists and objects (a dynamicclient.Client).
	Lister query.Lister
	// Snapshot is discovery as the server confirmed it now (every type
	// served is listed).
	Snapshot *discovery.Snapshot
	// Vanished is the engine's Request.Vanished: a type gone since
	// discovery was read is left out quietly.
	Vanished func(context.Context, discovery.Target) bool
	// Namespace is where namespaced objects are listed ("" for every
	// namespace): a namespaced root's own; for a cluster-scoped root, -n's
	// (or the current one), or "" with -A.
	Namespace string
	// Up walks to the owners instead of what the root owns; Depth bounds
	// the walk (0: none).
	Up    bool
	Depth int
	// Concurrency is how many types (then objects) are read at once.
	Concurrency int

	// Lists are the types that could not be listed (but forbidden ones),
	// Reads the shown objects that could not be read in full, Forbidden
	// the types the user may not list: set by Tree.
	Lists, Reads *query.Report
	Forbidden    []string

	// types are the types listed, by group/kind (to read the shown objects).
	types map[schema.GroupKind]discovery.Target
}

// Tree reads the graph around root, of mapping m, walks it and reads the
// objects shown. The error is one that ended the reads (the context); what
// could not be read is in Lists, Reads and Forbidden.
func (r *Reader) Tree(ctx context.Context, root *unstructured.Unstructured, m discovery.Mapping) (*Node, error) {
	r.Lists, r.Reads, r.Forbidden = query.NewReport("list", "type"), query.NewReport("read", "object"), nil
	if r.Concurrency < 1 {
		r.Concurrency = query.DefaultConcurrency
	}
	ix, err := r.index(ctx, m)
	if err != nil {
		return nil, err
	}
	obj := ObjectOf(root, m.GVK)
	var tree *Node
	if r.Up {
		tree = ix.Up(obj, r.Depth)
	} else {
		tree = ix.Down(obj, r.Depth)
	}
	return tree, r.readShown(ctx, tree, root)
}

// listing is which types are listed for a root of mapping: what it owns
// shares its namespace (a cluster-scoped root's: in Namespace); its owners
// share its namespace or are cluster-scoped.
func (r *Reader) listing(root discovery.Mapping) []discovery.Target {
	var out []discovery.Target
	for _, t := range query.SelectTypes(r.Snapshot, query.AllTypes{ClusterScoped: true}) {
		switch {
		case r.Up && !root.Namespaced && t.Namespaced: // a cluster-scoped object has cluster-scoped owners
		case !r.Up && root.Namespaced && !t.Namespaced: // a namespaced object owns only namespaced ones
		default:
			out = append(out, t)
		}
	}
	return out
}

// index lists the metadata of the types, concurrently, into an index.
func (r *Reader) index(ctx context.Context, root discovery.Mapping) (*Index, error) {
	req := query.Request{Targets: r.listing(root), Namespace: r.Namespace, Read: query.Metadata, ChunkSize: 500,
		Concurrency: r.Concurrency, Vanished: r.Vanished}
	ix := NewIndex()
	r.types = map[schema.GroupKind]discovery.Target{}
	byName := map[string]discovery.Target{}
	eng := &query.Engine{Lister: r.Lister}
	err := eng.Each(ctx, req, r.Lists, func(t discovery.Target) query.Sink { return &indexSink{gvk: t.GVK} },
		func(t discovery.Target, s query.Sink) error {
			for _, o := range s.(*indexSink).objects {
				ix.Add(o)
			}
			r.types[t.GVK.GroupKind()] = t
			byName[t.QualifiedName()] = t
			ix.Listed(t.GVK.GroupKind(), t.Namespaced)
			return nil
		})
	r.splitFailures(ix, byName)
	return ix, err
}

// indexSink keeps what the graph needs of one type's metadata pages, on
// the goroutine that reads them.
type indexSink struct {
	gvk     schema.GroupVersionKind
	objects []*Object
}

// Page keeps the objects of a metadata page.
func (s *indexSink) Page(obj runtime.Object) error {
	if l, ok := obj.(*metav1.PartialObjectMetadataList); ok {
		s.objects = append(s.objects, FromPage(s.gvk, l)...)
	}
	return nil
}

var _ query.Sink = (*indexSink)(nil)

// splitFailures marks the types that could not be listed as such in ix,
// and keeps the forbidden ones apart for one warning.
func (r *Reader) splitFailures(ix *Index, byName map[string]discovery.Target) {
	rest := query.NewReport("list", "type")
	for _, f := range r.Lists.Failures() {
		if t, ok := byName[f.What]; ok {
			ix.Unlisted(t.GVK.GroupKind())
		}
		if f.Class == query.Forbidden {
			r.Forbidden = append(r.Forbidden, f.What)
			continue
		}
		rest.Add(f.What, f.Err)
	}
	r.Lists = rest
}

// ObjectOf is the graph's view of obj, of the kind gvk.
func ObjectOf(obj *unstructured.Unstructured, gvk schema.GroupVersionKind) *Object {
	return &Object{GVK: gvk, Namespace: obj.GetNamespace(), Name: obj.GetName(), UID: obj.GetUID(),
		Created: obj.GetCreationTimestamp().Time, Owners: obj.GetOwnerReferences()}
}

// Target is the type a node of a tree read is of (for the node's object),
// if it was listed.
func (r *Reader) Target(n *Node) (discovery.Target, bool) {
	t, ok := r.types[n.GVK.GroupKind()]
	return t, ok
}

// readShown reads in full the objects of the tree, concurrently, for their
// Ready or Available condition; root is read already. The objects of a
// type and namespace shown query.ListAtLeast times or more are read with one
// list of that collection, the others one by one. An object deleted since
// it was listed keeps no condition; other failures are reported.
func (r *Reader) readShown(ctx context.Context, tree *Node, root *unstructured.Unstructured) error {
	type group struct {
		t     discovery.Target
		ns    string
		nodes map[string]*Node // by name
	}
	groups := map[query.NamedKey]*group{}
	var order []query.NamedKey
	tree.Walk(func(n *Node) {
		t, listed := r.types[n.GVK.GroupKind()]
		switch {
		case n.Mark != "":
		case n.UID == root.GetUID():
			n.Ready, n.Reason = Ready(root.Object)
		case listed:
			k := query.NamedKey{GroupKind: n.GVK.GroupKind(), Namespace: n.Namespace}
			g, ok := groups[k]
			if !ok {
				g = &group{t: t, ns: n.Namespace, nodes: map[string]*Node{}}
				groups[k] = g
				order = append(order, k)
			}
			g.nodes[n.Name] = n
		}
	})
	counts := map[query.NamedKey]int{}
	for k, g := range groups {
		counts[k] = len(g.nodes)
	}
	reader := &query.NamedReader{List: r.Lister.ListPages, Get: func(ctx context.Context, m discovery.Mapping, namespace, name string) (*unstructured.Unstructured, error) {
		obj, err := r.Lister.Get(ctx, m, namespace, name, "")
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return obj, err
	}}
	reader.Want(counts)
	var mu sync.Mutex // guards the nodes' conditions: reads run concurrently
	set := func(n *Node, obj *unstructured.Unstructured) {
		mu.Lock()
		defer mu.Unlock()
		n.Ready, n.Reason = Ready(obj.Object)
	}
	runner := query.NewRunner(ctx, r.Concurrency, 4*r.Concurrency, func(struct{}) error { return nil })
	var err error
	for _, k := range order {
		g := groups[k]
		if reader.Listed(k) { // one list, read by one goroutine
			err = runner.Go(func(ctx context.Context) struct{} {
				for _, n := range g.nodes {
					obj, lerr := reader.Read(ctx, g.t.Mapping, g.ns, n.Name)
					if lerr != nil {
						if ctx.Err() == nil {
							r.Reads.Add(g.t.QualifiedName(), lerr)
						}
						break
					}
					if obj != nil {
						set(n, obj)
					}
				}
				return struct{}{}
			})
			continue
		}
		for _, n := range g.nodes {
			if err != nil {
				break
			}
			err = runner.Go(func(ctx context.Context) struct{} {
				obj, gerr := reader.Read(ctx, g.t.Mapping, n.Namespace, n.Name)
				switch {
				case gerr == nil && obj != nil:
					set(n, obj)
				case gerr != nil && ctx.Err() == nil:
					r.Reads.Add(render.QualifiedName(n.GVK.GroupKind(), n.Name), gerr)
				}
				return struct{}{}
			})
		}
		if err != nil {
			break
		}
	}
	if werr := runner.Wait(); err == nil {
		err = werr
	}
	return err
}
