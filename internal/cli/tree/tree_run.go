package tree

import (
	"context"
	"errors"
	"fmt"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/internal/cli"
	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/relate"
	"github.com/kdxproject/kdx/render"
)

// treeRun is the state of one run of tree.
type treeRun struct {
	o         *treeOptions
	client    *dynamicclient.Client
	resolver  *discovery.Resolver
	namespace string // the namespace of -n, or the current one
	// types are the types listed, by group/kind (to read the shown objects).
	types map[schema.GroupKind]discovery.Target
	// lists are the types that could not be listed; reads the shown
	// objects that could not be read in full.
	lists, reads *query.Report
	// forbidden are the types the user may not list (one warning).
	forbidden []string
}

// tree reads the root, the metadata of every listable type and the shown
// objects, and walks the graph.
func (r *treeRun) tree(ctx context.Context) (*relate.Node, error) {
	root, mapping, err := r.root(ctx)
	if err != nil {
		return nil, err
	}
	ix, err := r.index(ctx, mapping)
	if err != nil {
		return nil, err
	}
	obj := objectOf(root, mapping.GVK)
	var tree *relate.Node
	if r.o.up {
		tree = ix.Up(obj, r.o.depth)
	} else {
		tree = ix.Down(obj, r.o.depth)
	}
	return tree, r.readShown(ctx, tree, root)
}

// root gets the object named by the arguments.
func (r *treeRun) root(ctx context.Context) (*unstructured.Unstructured, discovery.Mapping, error) {
	targets, err := r.resolver.ResolveArgs(ctx, r.o.args)
	if err != nil {
		return nil, discovery.Mapping{}, err
	}
	if len(targets) != 1 || len(targets[0].Names) != 1 {
		return nil, discovery.Mapping{}, errors.New("you must specify one object: TYPE/NAME or TYPE NAME (e.g. 'kdx tree deployment/web')")
	}
	t := targets[0]
	if t.Namespaced && r.o.allNamespaces {
		return nil, discovery.Mapping{}, errors.New("a resource cannot be retrieved by name across all namespaces")
	}
	obj, err := r.client.Get(ctx, t.Mapping, r.namespace, t.Names[0], "")
	return obj, t.Mapping, err
}

// listing is which types are listed, and in which namespace, for a root of
// mapping: what it owns shares its namespace (a cluster-scoped root's, in
// -n or every namespace with -A); its owners share its namespace or are
// cluster-scoped.
func (r *treeRun) listing(snap *discovery.Snapshot, root discovery.Mapping) ([]discovery.Target, string) {
	all := query.SelectTypes(snap, query.AllTypes{ClusterScoped: true})
	namespace := r.namespace
	if r.o.allNamespaces {
		namespace = ""
	}
	var out []discovery.Target
	for _, t := range all {
		switch {
		case r.o.up && !root.Namespaced && t.Namespaced: // a cluster-scoped object has cluster-scoped owners
		case !r.o.up && root.Namespaced && !t.Namespaced: // a namespaced object owns only namespaced ones
		default:
			out = append(out, t)
		}
	}
	return out, namespace
}

// index lists the metadata of the types, concurrently, into an index.
func (r *treeRun) index(ctx context.Context, root discovery.Mapping) (*relate.Index, error) {
	snap, err := r.resolver.Revalidated(ctx)
	if err != nil {
		return nil, err
	}
	targets, namespace := r.listing(snap, root)
	req := query.Request{Targets: targets, Namespace: namespace, Read: query.Metadata, ChunkSize: 500,
		Concurrency: r.o.concurrency, Vanished: cli.Vanished(r.resolver)}
	ix := relate.NewIndex()
	r.types = map[schema.GroupKind]discovery.Target{}
	byName := map[string]discovery.Target{}
	eng := &query.Engine{Lister: r.client}
	err = eng.Each(ctx, req, r.lists, func(t discovery.Target) query.Sink { return &treeSink{gvk: t.GVK} },
		func(t discovery.Target, s query.Sink) error {
			for _, o := range s.(*treeSink).objects {
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

// treeSink keeps what the graph needs of one type's metadata pages, on the
// goroutine that reads them.
type treeSink struct {
	gvk     schema.GroupVersionKind
	objects []*relate.Object
}

// Page keeps the objects of a metadata page.
func (s *treeSink) Page(obj runtime.Object) error {
	if l, ok := obj.(*metav1.PartialObjectMetadataList); ok {
		s.objects = append(s.objects, relate.FromPage(s.gvk, l)...)
	}
	return nil
}

var _ query.Sink = (*treeSink)(nil)

// splitFailures marks the types that could not be listed as such in ix,
// and keeps the forbidden ones apart for one warning.
func (r *treeRun) splitFailures(ix *relate.Index, byName map[string]discovery.Target) {
	rest := query.NewReport("list", "type")
	for _, f := range r.lists.Failures() {
		if t, ok := byName[f.What]; ok {
			ix.Unlisted(t.GVK.GroupKind())
		}
		if f.Class == query.Forbidden {
			r.forbidden = append(r.forbidden, f.What)
			continue
		}
		rest.Add(f.What, f.Err)
	}
	r.lists = rest
}

// objectOf is the graph's view of obj, of the kind gvk.
func objectOf(obj *unstructured.Unstructured, gvk schema.GroupVersionKind) *relate.Object {
	return &relate.Object{GVK: gvk, Namespace: obj.GetNamespace(), Name: obj.GetName(), UID: obj.GetUID(),
		Created: obj.GetCreationTimestamp().Time, Owners: obj.GetOwnerReferences()}
}

// readShown reads in full the objects of the tree, concurrently, for their
// Ready or Available condition; root is read already. The objects of a
// type and namespace shown query.ListAtLeast times or more are read with one
// list of that collection, the others one by one. An object deleted since
// it was listed keeps no condition; other failures are reported.
func (r *treeRun) readShown(ctx context.Context, tree *relate.Node, root *unstructured.Unstructured) error {
	type group struct {
		t     discovery.Target
		ns    string
		nodes map[string]*relate.Node // by name
	}
	groups := map[query.NamedKey]*group{}
	var order []query.NamedKey
	tree.Walk(func(n *relate.Node) {
		t, listed := r.types[n.GVK.GroupKind()]
		switch {
		case n.Mark != "":
		case n.UID == root.GetUID():
			n.Ready, n.Reason = relate.Ready(root.Object)
		case listed:
			k := query.NamedKey{GroupKind: n.GVK.GroupKind(), Namespace: n.Namespace}
			g, ok := groups[k]
			if !ok {
				g = &group{t: t, ns: n.Namespace, nodes: map[string]*relate.Node{}}
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
	reader := &query.NamedReader{List: r.client.ListPages, Get: func(ctx context.Context, m discovery.Mapping, namespace, name string) (*unstructured.Unstructured, error) {
		obj, err := r.client.Get(ctx, m, namespace, name, "")
		if apierrors.IsNotFound(err) {
			return nil, nil
		}
		return obj, err
	}}
	reader.Want(counts)
	var mu sync.Mutex // guards the nodes' conditions: reads run concurrently
	set := func(n *relate.Node, obj *unstructured.Unstructured) {
		mu.Lock()
		defer mu.Unlock()
		n.Ready, n.Reason = relate.Ready(obj.Object)
	}
	runner := query.NewRunner(ctx, r.o.concurrency, 4*r.o.concurrency, func(struct{}) error { return nil })
	var err error
	for _, k := range order {
		g := groups[k]
		if reader.Listed(k) { // one list, read by one goroutine
			err = runner.Go(func(ctx context.Context) struct{} {
				for _, n := range g.nodes {
					obj, lerr := reader.Read(ctx, g.t.Mapping, g.ns, n.Name)
					if lerr != nil {
						if ctx.Err() == nil {
							r.reads.Add(g.t.QualifiedName(), lerr)
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
					r.reads.Add(render.QualifiedName(n.GVK.GroupKind(), n.Name), gerr)
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

// failures, one line per cause.
func (r *treeRun) finish() error {
	errOut := r.o.f.Streams().ErrOut
	if len(r.forbidden) > 0 {
		fmt.Fprintf(errOut, "Warning: you may not list %s (%s): their objects are not in the tree, and owners of those types are shown as [unknown]\n",
			countNoun(len(r.forbidden), "type"), query.Names(r.forbidden, 5))
	}
	r.lists.Write(errOut)
	r.reads.Write(errOut)
	if err := r.lists.Err(); err != nil {
		return err
	}
	if err := r.reads.Err(); err != nil {
		return err
	}
	if len(r.forbidden) > 0 {
		return &cliutil.ExitError{Code: 1} // the tree may lack what those types hold
	}
	return nil
}

// countNoun is "1 type", "3 types".
func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
