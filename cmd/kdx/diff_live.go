package main

import (
	"context"
	"sync"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/dynamicclient"
	"github.com/kdxproject/kdx/manifest"
	"github.com/kdxproject/kdx/write"
)

// listAtLeast is how many objects of one kind and namespace a command must
// read in full (diff -f, tree's second read) for it to list their
// collection once instead of getting each.
const listAtLeast = 20

// liveObjects reads the live objects diff -f compares with: one list of a
// kind's collection in a namespace when the input has many of its objects,
// else one get per object. Each listed object is handed out once and
// forgotten, so the lists held shrink as the diff goes.
type liveObjects struct {
	client *dynamicclient.Client
	writer *write.Writer
	// many are the kinds and namespaces with listAtLeast objects or more.
	many map[liveKey]bool

	mu    sync.Mutex // guards lists
	lists map[liveKey]*liveList
}

type liveKey struct {
	gk        schema.GroupKind
	namespace string
}

// liveList is one collection, listed once.
type liveList struct {
	once sync.Once
	objs map[string]*unstructured.Unstructured
	err  error
}

// newLiveObjects counts the input's objects by kind and namespace (an
// object without one is in namespace).
func newLiveObjects(client *dynamicclient.Client, w *write.Writer, objs []manifest.Object, namespace string) *liveObjects {
	counts := map[liveKey]int{}
	for _, o := range objs {
		ns := o.Object.GetNamespace()
		if ns == "" {
			ns = namespace
		}
		counts[liveKey{o.Object.GroupVersionKind().GroupKind(), ns}]++
	}
	l := &liveObjects{client: client, writer: w, many: map[liveKey]bool{}, lists: map[liveKey]*liveList{}}
	for k, n := range counts {
		l.many[k] = n >= listAtLeast
	}
	return l
}

// get is the live object of ref; nil when it does not exist.
func (l *liveObjects) get(ctx context.Context, ref write.Ref) (*unstructured.Unstructured, error) {
	key := liveKey{ref.GVK.GroupKind(), ref.Namespace}
	if !l.many[key] {
		resp, err := l.writer.Client.Get(ctx, ref, "")
		if resp.Code == 404 {
			return nil, nil
		}
		return resp.Object, err
	}
	l.mu.Lock()
	list, ok := l.lists[key]
	if !ok {
		list = &liveList{}
		l.lists[key] = list
	}
	l.mu.Unlock()
	list.once.Do(func() {
		list.objs = map[string]*unstructured.Unstructured{}
		list.err = l.client.ListPages(ctx, ref.Mapping, ref.Namespace, metav1.ListOptions{Limit: 500}, func(page *unstructured.UnstructuredList) error {
			for i := range page.Items {
				list.objs[page.Items[i].GetName()] = &page.Items[i]
			}
			return nil
		})
	})
	if list.err != nil {
		return nil, list.err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	obj := list.objs[ref.Name]
	delete(list.objs, ref.Name)
	return obj, nil
}
