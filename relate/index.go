package relate

import (
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// Object is what the graph keeps of one object: its identity, age and
// owners, nothing more, so that an index of a whole cluster stays small.
type Object struct {
	GVK       schema.GroupVersionKind
	Namespace string
	Name      string
	UID       types.UID
	Created   time.Time
	Owners    []metav1.OwnerReference
}

// Index is the objects of the types listed, by uid, and the objects each
// one owns. It is not safe for concurrent use: fill it from one goroutine.
type Index struct {
	objects  map[types.UID]*Object
	owned    map[types.UID][]types.UID
	listed   map[schema.GroupKind]bool // types whose objects are all in the index: namespaced or not
	unlisted map[schema.GroupKind]bool // types that could not be listed
}

// NewIndex is an empty index.
func NewIndex() *Index {
	return &Index{
		objects: map[types.UID]*Object{}, owned: map[types.UID][]types.UID{},
		listed: map[schema.GroupKind]bool{}, unlisted: map[schema.GroupKind]bool{},
	}
}

// FromPage are the objects of one metadata page of the type gvk (list
// items often carry no kind of their own), keeping only what the graph
// needs: call it where the page is read, so that the page can go.
func FromPage(gvk schema.GroupVersionKind, page *metav1.PartialObjectMetadataList) []*Object {
	out := make([]*Object, 0, len(page.Items))
	for i := range page.Items {
		m := &page.Items[i].ObjectMeta
		out = append(out, &Object{GVK: gvk, Namespace: m.Namespace, Name: m.Name, UID: m.UID,
			Created: m.CreationTimestamp.Time, Owners: m.OwnerReferences})
	}
	return out
}

// Add adds one object.
func (ix *Index) Add(o *Object) {
	if _, dup := ix.objects[o.UID]; dup {
		return // the same object served under two names (a group moved)
	}
	ix.objects[o.UID] = o
	for _, ref := range o.Owners {
		ix.owned[ref.UID] = append(ix.owned[ref.UID], o.UID)
	}
}

// Listed records that every object of gk, a namespaced type or not, was
// added.
func (ix *Index) Listed(gk schema.GroupKind, namespaced bool) { ix.listed[gk] = namespaced }

// Unlisted records that gk could not be listed (forbidden): an owner of
// that type is unknown, not missing.
func (ix *Index) Unlisted(gk schema.GroupKind) { ix.unlisted[gk] = true }

// Object is the object of uid, or nil.
func (ix *Index) Object(uid types.UID) *Object { return ix.objects[uid] }

// Len is the number of objects.
func (ix *Index) Len() int { return len(ix.objects) }
