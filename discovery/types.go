package discovery

import (
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// APIResource is one resource the server serves.
type APIResource struct {
	// Group is the API group, "" for the core group.
	Group string `json:"group"`
	// Version is the group's preferred version, or the version this entry
	// was seen in when the preferred version does not serve it.
	Version string `json:"version"`
	// Versions are all served versions of the group that serve this
	// resource, Version first, then in discovery order.
	Versions []string `json:"versions"`
	// Resource is the plural name used in URLs.
	Resource string `json:"resource"`
	// Singular is the singular name ("" on old servers that do not say).
	Singular string `json:"singular,omitempty"`
	// Kind is the kind of the objects of this resource.
	Kind string `json:"kind"`
	// ShortNames are the abbreviations the server declares (cm, deploy).
	ShortNames []string `json:"shortNames,omitempty"`
	// Categories are the categories the resource belongs to (all, kdxdemo).
	Categories []string `json:"categories,omitempty"`
	// Verbs are the verbs the resource supports (get, list, watch, ...).
	Verbs []string `json:"verbs"`
	// Subresources are the names of its subresources (status, scale, ...).
	Subresources []string `json:"subresources,omitempty"`
	// Namespaced says whether objects live in a namespace.
	Namespaced bool `json:"namespaced"`
}

// GroupVersionResource is the resource in its Version.
func (r APIResource) GroupVersionResource() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: r.Group, Version: r.Version, Resource: r.Resource}
}

// GroupVersionKind is the kind in its Version.
func (r APIResource) GroupVersionKind() schema.GroupVersionKind {
	return schema.GroupVersionKind{Group: r.Group, Version: r.Version, Kind: r.Kind}
}

// GroupResource is the resource without a version.
func (r APIResource) GroupResource() schema.GroupResource {
	return schema.GroupResource{Group: r.Group, Resource: r.Resource}
}

// GroupVersion is Group/Version as an apiVersion string ("v1", "apps/v1").
func (r APIResource) GroupVersion() string {
	return schema.GroupVersion{Group: r.Group, Version: r.Version}.String()
}

// Supports reports whether the resource supports verb.
func (r APIResource) Supports(verb string) bool { return slices.Contains(r.Verbs, verb) }

// QualifiedName is "plural.group", or "plural" for the core group.
func (r APIResource) QualifiedName() string {
	if r.Group == "" {
		return r.Resource
	}
	return r.Resource + "." + r.Group
}

// Failure is a group/version discovery could not read: a stale aggregated
// API, a forbidden group, an error.
type Failure struct {
	// GroupVersion is "group/version" ("metrics.k8s.io/v1beta1").
	GroupVersion string `json:"groupVersion"`
	// Reason says why, in words a user can act on.
	Reason string `json:"reason"`
}

// Snapshot is what the server served at one moment.
type Snapshot struct {
	// Resources are the server's resources, one per group and resource (no
	// subresources), in discovery order: groups by priority, built-in first.
	Resources []APIResource
	// Failures are the group/versions that could not be read.
	Failures []Failure
	// FetchedAt is when the server last confirmed this data.
	FetchedAt time.Time
	// FromCache says that the data was read from the disk cache and not
	// confirmed by the server in this process.
	FromCache bool
	// Aggregated says whether the server answered with aggregated discovery.
	Aggregated bool

	groups []metav1.APIGroup         // discovery order: core first, then /apis order
	lists  []*metav1.APIResourceList // group/version order; includes subresources
}

// NewSnapshot builds a Snapshot from legacy-shaped discovery data: groups in
// priority order (core first) and one resource list per served group/version
// (subresources as "plural/sub" entries, as /apis/<group>/<version> serves
// them). Tests use it to build fake servers.
func NewSnapshot(groups []metav1.APIGroup, lists []*metav1.APIResourceList, failures []Failure) *Snapshot {
	s := &Snapshot{groups: groups, Failures: failures}
	s.lists = orderLists(groups, lists)
	s.Resources = preferredResources(s.groups, s.lists)
	return s
}

// GroupVersions are the served group/versions ("v1", "apps/v1"), in
// discovery order.
func (s *Snapshot) GroupVersions() []string {
	var out []string
	for _, g := range s.groups {
		for _, v := range g.Versions {
			out = append(out, v.GroupVersion)
		}
	}
	return out
}

// Groups are the served API groups with their versions, in discovery order.
func (s *Snapshot) Groups() []metav1.APIGroup { return s.groups }

// ResourceLists are the resource lists per served group/version, in
// discovery order, subresources included.
func (s *Snapshot) ResourceLists() []*metav1.APIResourceList { return s.lists }

// Lookup returns the resource of a group and plural name.
func (s *Snapshot) Lookup(gr schema.GroupResource) (APIResource, bool) {
	for _, r := range s.Resources {
		if r.Group == gr.Group && r.Resource == gr.Resource {
			return r, true
		}
	}
	return APIResource{}, false
}

// lookupVersion returns the resource of gvr with Version set to gvr's version.
func (s *Snapshot) lookupVersion(gvr schema.GroupVersionResource) (APIResource, bool) {
	r, ok := s.Lookup(gvr.GroupResource())
	if !ok {
		return r, false
	}
	r.Version = gvr.Version
	return r, true
}

// orderLists keeps the lists of the served group/versions, in group/version order.
func orderLists(groups []metav1.APIGroup, lists []*metav1.APIResourceList) []*metav1.APIResourceList {
	byGV := make(map[string]*metav1.APIResourceList, len(lists))
	for _, l := range lists {
		byGV[l.GroupVersion] = l
	}
	out := make([]*metav1.APIResourceList, 0, len(lists))
	for _, g := range groups {
		for _, v := range g.Versions {
			if l, ok := byGV[v.GroupVersion]; ok {
				out = append(out, l)
			}
		}
	}
	return out
}

// preferredResources flattens lists into one APIResource per group and
// resource, choosing versions as client-go's ServerPreferredResources does:
// the preferred version when it serves the resource, else the first seen.
func preferredResources(groups []metav1.APIGroup, lists []*metav1.APIResourceList) []APIResource {
	byGV := make(map[string]*metav1.APIResourceList, len(lists))
	for _, l := range lists {
		byGV[l.GroupVersion] = l
	}
	var out []APIResource
	index := map[string]int{} // plural -> position in out, for the group at hand
	for _, g := range groups {
		out = appendGroupResources(out, g, byGV, index)
		clear(index)
	}
	return slices.Clip(out)
}

// appendGroupResources appends the resources of one group to out, its
// versions flattened; index is empty scratch space.
func appendGroupResources(out []APIResource, g metav1.APIGroup, byGV map[string]*metav1.APIResourceList, index map[string]int) []APIResource {
	for _, v := range g.Versions {
		l, ok := byGV[v.GroupVersion]
		if !ok {
			continue
		}
		preferred := v.Version == g.PreferredVersion.Version
		for _, res := range l.APIResources {
			if parent, sub, ok := strings.Cut(res.Name, "/"); ok {
				if i, seen := index[parent]; seen && !slices.Contains(out[i].Subresources, sub) {
					out[i].Subresources = append(out[i].Subresources, sub)
				}
				continue
			}
			r := fromMeta(g.Name, v.Version, res)
			i, seen := index[res.Name]
			switch {
			case !seen:
				index[res.Name] = len(out)
				out = append(out, r)
			case preferred:
				r.Versions = append([]string{v.Version}, out[i].Versions...)
				r.Subresources = out[i].Subresources
				out[i] = r
			default:
				out[i].Versions = append(out[i].Versions, v.Version)
			}
		}
	}
	return out
}

func fromMeta(group, version string, r metav1.APIResource) APIResource {
	return APIResource{
		Group:      group,
		Version:    version,
		Versions:   []string{version},
		Resource:   r.Name,
		Singular:   r.SingularName,
		Kind:       r.Kind,
		ShortNames: r.ShortNames,
		Categories: r.Categories,
		Verbs:      r.Verbs,
		Namespaced: r.Namespaced,
	}
}
