package refs

import (
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

// Kinds are the kinds a server serves, by group and kind: their mappings,
// scope, and the guess of a kind from a field name.
type Kinds struct {
	byGK   map[schema.GroupKind]discovery.Mapping
	byKind map[string][]schema.GroupKind // in discovery order
}

// NewKinds indexes the resources of snap (their preferred versions).
func NewKinds(snap *discovery.Snapshot) *Kinds {
	k := &Kinds{byGK: map[schema.GroupKind]discovery.Mapping{}, byKind: map[string][]schema.GroupKind{}}
	for _, res := range snap.Resources {
		g := res.GroupVersionKind().GroupKind()
		if _, ok := k.byGK[g]; ok || !res.Supports("get") {
			continue
		}
		k.byGK[g] = discovery.Mapping{Resource: res, GVR: res.GroupVersionResource(), GVK: res.GroupVersionKind(), Namespaced: res.Namespaced}
		k.byKind[g.Kind] = append(k.byKind[g.Kind], g)
	}
	return k
}

// Mapping is the mapping of kind g, if the server serves it.
func (k *Kinds) Mapping(g schema.GroupKind) (discovery.Mapping, bool) {
	m, ok := k.byGK[g]
	return m, ok
}

// Guess is the kind named kind that a field of an object of group own
// means: in own's group first, then the core group, then the first group
// that serves it.
func (k *Kinds) Guess(kind, own string) (schema.GroupKind, bool) {
	for _, g := range []schema.GroupKind{{Group: own, Kind: kind}, {Kind: kind}} {
		if _, ok := k.byGK[g]; ok {
			return g, true
		}
	}
	if gks := k.byKind[kind]; len(gks) > 0 {
		return gks[0], true
	}
	return schema.GroupKind{}, false
}

// GuessWords is Guess of kind, else of its shortest tail of whole words
// that names a served kind: PasswordSecret -> Secret.
func (k *Kinds) GuessWords(kind, own string) (schema.GroupKind, bool) {
	if g, ok := k.Guess(kind, own); ok {
		return g, true
	}
	for i := len(kind) - 1; i > 0; i-- {
		if kind[i] >= 'A' && kind[i] <= 'Z' {
			if g, ok := k.Guess(kind[i:], own); ok {
				return g, true
			}
		}
	}
	return schema.GroupKind{}, false
}

// namespace is the namespace of a target of kind g named from namespace
// ns: none when g is cluster-scoped.
func (k *Kinds) namespace(g schema.GroupKind, ns string) string {
	if m, ok := k.byGK[g]; ok && !m.Namespaced {
		return ""
	}
	return ns
}
