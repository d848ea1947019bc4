package query

import (
	"context"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

// ListAtLeast is how many objects of one type and namespace a command must
// read in full (diff -f, tree's conditions) for a NamedReader to list
// their collection once instead of getting each.
const ListAtLeast = 20

// NamedKey is a type and namespace whose named objects a NamedReader reads.
type NamedKey struct {
	GroupKind schema.GroupKind
	Namespace string
}

// NamedReader reads objects by name: those of a type and namespace wanted
// ListAtLeast times or more come from one list of their collection (listed
// once, on first use, each object handed out once and then forgotten, so
// the lists held shrink as the reads go); the others are read one get each.
// It is safe for concurrent use.
type NamedReader struct {
	// Get reads one object; nil, nil when it does not exist.
	Get func(ctx context.Context, m discovery.Mapping, namespace, name string) (*unstructured.Unstructured, error)
	// List lists a collection page by page (dynamicclient.Client.ListPages).
	List func(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, fn func(*unstructured.UnstructuredList) error) error

	many map[NamedKey]bool

	mu    sync.Mutex // guards lists
	lists map[NamedKey]*namedList
}

// namedList is one collection, listed once.
type namedList struct {
	once sync.Once
	objs map[string]*unstructured.Unstructured
	err  error
}

// Want says how many objects of each type and namespace will be read:
// call it before the reads.
func (r *NamedReader) Want(counts map[NamedKey]int) {
	r.many = map[NamedKey]bool{}
	for k, n := range counts {
		r.many[k] = n >= ListAtLeast
	}
}

// Listed says whether the objects of k are read from one list.
func (r *NamedReader) Listed(k NamedKey) bool { return r.many[k] }

// Read is the object name of m in namespace; nil (and no error) when it
// does not exist. For a listed collection the error is the list's.
func (r *NamedReader) Read(ctx context.Context, m discovery.Mapping, namespace, name string) (*unstructured.Unstructured, error) {
	key := NamedKey{m.GVK.GroupKind(), namespace}
	if !r.many[key] {
		return r.Get(ctx, m, namespace, name)
	}
	r.mu.Lock()
	if r.lists == nil {
		r.lists = map[NamedKey]*namedList{}
	}
	list, ok := r.lists[key]
	if !ok {
		list = &namedList{}
		r.lists[key] = list
	}
	r.mu.Unlock()
	list.once.Do(func() {
		list.objs = map[string]*unstructured.Unstructured{}
		list.err = r.List(ctx, m, namespace, metav1.ListOptions{Limit: 500}, func(page *unstructured.UnstructuredList) error {
			for i := range page.Items {
				list.objs[page.Items[i].GetName()] = &page.Items[i]
			}
			return nil
		})
	})
	if list.err != nil {
		return nil, list.err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	obj := list.objs[name]
	delete(list.objs, name)
	return obj, nil
}
