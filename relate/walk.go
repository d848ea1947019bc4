package relate

import (
	"sort"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

// Mark says what is special about a node of a tree.
type Mark string

const (
	// Cycle: the object is already on the path from the root; it is not
	// walked again.
	Cycle Mark = "cycle"
	// Missing: an ownerReference names an owner that does not exist
	// (dangling), in a type that was listed or that is not served.
	Missing Mark = "missing"
	// Unknown: the owner is of a type that could not be listed; whether it
	// exists is not known.
	Unknown Mark = "unknown"
)

// Node is one line of a tree: an object (or, for a missing or unknown
// owner, what the ownerReference says of it) and its children: the
// objects it owns (Down) or its owners (Up).
type Node struct {
	Object
	Mark Mark
	// Ready and Reason are the object's Ready or Available condition
	// (status and reason); empty when it has none or was not read.
	Ready, Reason string
	Children      []*Node
}

// Down is the tree of what root owns, depth levels deep (0: all).
func (ix *Index) Down(root *Object, depth int) *Node {
	return ix.walk(root, depth, map[types.UID]bool{}, ix.ownedBy)
}

// Up is the tree of root's owners, depth levels up (0: all): each node's
// children are its owners.
func (ix *Index) Up(root *Object, depth int) *Node {
	return ix.walk(root, depth, map[types.UID]bool{}, ix.ownersOf)
}

// walk builds the node of o and, below it, of next(o); onPath are the
// uids from the root to o, which end the walk at a cycle.
func (ix *Index) walk(o *Object, depth int, onPath map[types.UID]bool, next func(*Object) []*Node) *Node {
	n := &Node{Object: *o}
	if onPath[o.UID] {
		n.Mark = Cycle
		return n
	}
	if depth == 1 {
		return n
	}
	onPath[o.UID] = true
	defer delete(onPath, o.UID)
	for _, c := range next(o) {
		if c.Mark == "" {
			c = ix.walk(&c.Object, depth-1, onPath, next)
		}
		n.Children = append(n.Children, c)
	}
	return n
}

// ownedBy are the nodes of the objects o owns, sorted.
func (ix *Index) ownedBy(o *Object) []*Node {
	var out []*Node
	for _, uid := range ix.owned[o.UID] {
		out = append(out, &Node{Object: *ix.objects[uid]})
	}
	sortNodes(out)
	return out
}

// ownersOf are the nodes of o's owners, in the order of its
// ownerReferences: those not in the index are Missing or Unknown.
func (ix *Index) ownersOf(o *Object) []*Node {
	var out []*Node
	for _, ref := range o.Owners {
		if owner := ix.objects[ref.UID]; owner != nil {
			out = append(out, &Node{Object: *owner})
			continue
		}
		out = append(out, ix.absent(o, ref))
	}
	return out
}

// absent is the node of an owner of o that is not in the index.
func (ix *Index) absent(o *Object, ref metav1.OwnerReference) *Node {
	gv, _ := schema.ParseGroupVersion(ref.APIVersion)
	gvk := gv.WithKind(ref.Kind)
	n := &Node{Object: Object{GVK: gvk, Name: ref.Name, UID: ref.UID}, Mark: Missing}
	if ix.unlisted[gvk.GroupKind()] {
		n.Mark = Unknown
	}
	if namespaced, known := ix.listed[gvk.GroupKind()]; namespaced || !known {
		n.Namespace = o.Namespace // an owner shares its object's namespace, or has none
	}
	return n
}

// sortNodes sorts by kind, group, namespace, name.
func sortNodes(ns []*Node) {
	sort.Slice(ns, func(i, j int) bool {
		a, b := ns[i].Object, ns[j].Object
		if a.GVK.Kind != b.GVK.Kind {
			return a.GVK.Kind < b.GVK.Kind
		}
		if a.GVK.Group != b.GVK.Group {
			return a.GVK.Group < b.GVK.Group
		}
		if a.Namespace != b.Namespace {
			return a.Namespace < b.Namespace
		}
		return a.Name < b.Name
	})
}

// Walk calls fn for each node of the tree, depth first, parents first.
func (n *Node) Walk(fn func(*Node)) {
	fn(n)
	for _, c := range n.Children {
		c.Walk(fn)
	}
}
