package discovery

import (
	"slices"
	"sort"
	"strings"
)

// Filter selects resources as kubectl api-resources' flags do; zero fields
// select everything.
type Filter struct {
	// APIGroup, when set, keeps the resources of that group ("" is core).
	APIGroup *string
	// Namespaced, when set, keeps namespaced (true) or cluster (false) resources.
	Namespaced *bool
	// Verbs keeps the resources that support all of them.
	Verbs []string
	// Categories keeps the resources in all of them.
	Categories []string
}

// Match reports whether r passes the filter.
func (f Filter) Match(r APIResource) bool {
	switch {
	case f.APIGroup != nil && *f.APIGroup != r.Group:
		return false
	case f.Namespaced != nil && *f.Namespaced != r.Namespaced:
		return false
	}
	return containsAll(r.Verbs, f.Verbs) && containsAll(r.Categories, f.Categories)
}

func containsAll(have, want []string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}

// Sort orders for Select.
const (
	SortByGroup = ""     // kubectl's default: by group, then name
	SortByName  = "name" // by name, then discovery order
	SortByKind  = "kind" // by kind, then name
)

// Select returns the resources kubectl api-resources lists, in its order:
// those with verbs that pass f, sorted by group (default), name or kind,
// ties broken by name and then discovery order.
func (s *Snapshot) Select(f Filter, sortBy string) []APIResource {
	var out []APIResource
	for _, r := range s.Resources {
		if len(r.Verbs) > 0 && f.Match(r) {
			out = append(out, r)
		}
	}
	less := orderBy(sortBy)
	sort.SliceStable(out, func(i, j int) bool { return less(out[i], out[j]) })
	return out
}

// orderBy is the order of resources that sortBy names: by group (the
// default), name or kind, then by name.
func orderBy(sortBy string) func(a, b APIResource) bool {
	key := func(r APIResource) string {
		switch sortBy {
		case SortByName:
			return r.Resource
		case SortByKind:
			return r.Kind
		}
		return r.Group
	}
	return func(a, b APIResource) bool {
		if c := strings.Compare(key(a), key(b)); c != 0 {
			return c < 0
		}
		return a.Resource < b.Resource
	}
}
