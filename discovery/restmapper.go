package discovery

import (
	"context"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// newDiscoveryMapper maps kinds and resources over a snapshot as client-go's
// discovery RESTMapper (restmapper.NewDiscoveryRESTMapper) does, which is
// what kubectl uses: one meta.DefaultRESTMapper per served group/version,
// asked in priority order: core v1 first, then each group in discovery
// order at its preferred version and then its other versions, then each
// group at any version. keep, when not nil, leaves out the group/versions
// whose resource list it rejects.
func newDiscoveryMapper(s *Snapshot, keep func(*metav1.APIResourceList) bool) meta.RESTMapperWithContext {
	byGV := make(map[string]*metav1.APIResourceList, len(s.lists))
	for _, l := range s.lists {
		byGV[l.GroupVersion] = l
	}
	p := &mapperPriority{
		resources: []schema.GroupVersionResource{{Version: "v1", Resource: meta.AnyResource}},
		kinds:     []schema.GroupVersionKind{{Version: "v1", Kind: meta.AnyKind}},
	}
	var mappers meta.MultiRESTMapperWithContext
	for _, g := range s.groups {
		served := servedVersions(g, byGV)
		if pv := g.PreferredVersion.Version; pv != "" && served[pv] != nil {
			p.add(g.Name, pv)
		}
		for _, v := range g.Versions {
			l := served[v.Version]
			if l == nil {
				continue
			}
			if v.Version != g.PreferredVersion.Version {
				p.add(g.Name, v.Version)
			}
			if keep != nil && !keep(l) {
				continue
			}
			mappers = append(mappers, versionMapper(schema.GroupVersion{Group: g.Name, Version: v.Version}, l.APIResources))
		}
	}
	for _, g := range s.groups {
		p.add(g.Name, meta.AnyVersion)
	}
	return meta.PriorityRESTMapperWithContext{Delegate: mappers, ResourcePriority: p.resources, KindPriority: p.kinds}
}

// servedVersions are the resource lists of a group's served versions, by
// version.
func servedVersions(g metav1.APIGroup, byGV map[string]*metav1.APIResourceList) map[string]*metav1.APIResourceList {
	out := make(map[string]*metav1.APIResourceList, len(g.Versions))
	for _, v := range g.Versions {
		if l, ok := byGV[v.GroupVersion]; ok {
			out[v.Version] = l
		}
	}
	return out
}

// mapperPriority is the order in which a PriorityRESTMapper prefers
// matches of several group/versions.
type mapperPriority struct {
	resources []schema.GroupVersionResource
	kinds     []schema.GroupVersionKind
}

// add prefers any resource and kind of group at version next.
func (p *mapperPriority) add(group, version string) {
	p.resources = append(p.resources, schema.GroupVersionResource{Group: group, Version: version, Resource: meta.AnyResource})
	p.kinds = append(p.kinds, schema.GroupVersionKind{Group: group, Version: version, Kind: meta.AnyKind})
}

// versionMapper maps the resources of one group/version: each Kind (and
// its lower case) to its plural and singular, "<Kind>List" and "List" as
// kubectl guesses them. Subresources ("pods/log") are left out.
func versionMapper(gv schema.GroupVersion, resources []metav1.APIResource) *meta.DefaultRESTMapper {
	m := meta.NewDefaultRESTMapper([]schema.GroupVersion{gv})
	for _, r := range resources {
		if strings.Contains(r.Name, "/") {
			continue
		}
		scope := meta.RESTScopeRoot
		if r.Namespaced {
			scope = meta.RESTScopeNamespace
		}
		plural, singular := gv.WithResource(r.Name), gv.WithResource(r.SingularName)
		if r.SingularName == "" { // old servers do not say; guess from the kind
			_, singular = meta.UnsafeGuessKindToResource(gv.WithKind(r.Kind))
		}
		m.AddSpecific(gv.WithKind(strings.ToLower(r.Kind)), plural, singular, scope)
		m.AddSpecific(gv.WithKind(r.Kind), plural, singular, scope)
		m.Add(gv.WithKind(r.Kind+"List"), scope)
	}
	m.Add(gv.WithKind("List"), meta.RESTScopeRoot)
	return m
}

// nameMapper is newDiscoveryMapper's mapper, built for one name at a time:
// each question goes to a mapper of only the group/versions that have a
// resource or kind the name can match, built on first use and kept. The
// answers are the full mapper's (the other group/versions would answer "no
// match", which the priority mapper ignores), without mapping every type
// of the cluster to resolve one name (with the bench's 264 types, a
// quarter of what `kdx explain` allocated).
type nameMapper struct {
	snap *Snapshot

	mu     sync.Mutex                            // guards byName
	byName map[string]meta.RESTMapperWithContext // by lower-case name
}

var _ meta.RESTMapperWithContext = (*nameMapper)(nil)

func newNameMapper(s *Snapshot) *nameMapper {
	return &nameMapper{snap: s, byName: map[string]meta.RESTMapperWithContext{}}
}

// forName is the mapper for questions about name, a resource (plural,
// singular, guessed "<kind>lists") or a kind (Kind, "<Kind>List"); "" for
// the mapper of every group/version.
func (m *nameMapper) forName(name string) meta.RESTMapperWithContext {
	name = strings.ToLower(name)
	m.mu.Lock()
	defer m.mu.Unlock()
	if mm, ok := m.byName[name]; ok {
		return mm
	}
	var keep func(*metav1.APIResourceList) bool
	// "List" is mapped in every group/version, and an empty name is an
	// error every mapper gives: both go to all of them.
	if name != "" && name != "list" && name != "lists" {
		keep = func(l *metav1.APIResourceList) bool { return mayMatch(l, name) }
	}
	mm := newDiscoveryMapper(m.snap, keep)
	m.byName[name] = mm
	return mm
}

// mayMatch reports whether versionMapper(l) could match name (lower case):
// as a plural or singular, or as a kind or a name guessed from one (kind,
// "<kind>list", "<kind>lists"), all of which start with the kind.
func mayMatch(l *metav1.APIResourceList, name string) bool {
	for _, r := range l.APIResources {
		if strings.EqualFold(r.Name, name) || strings.EqualFold(r.SingularName, name) ||
			len(name) >= len(r.Kind) && strings.EqualFold(name[:len(r.Kind)], r.Kind) {
			return true
		}
	}
	return false
}

// KindForWithContext implements meta.RESTMapperWithContext.
func (m *nameMapper) KindForWithContext(ctx context.Context, r schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	return m.forName(r.Resource).KindForWithContext(ctx, r)
}

// KindsForWithContext implements meta.RESTMapperWithContext.
func (m *nameMapper) KindsForWithContext(ctx context.Context, r schema.GroupVersionResource) ([]schema.GroupVersionKind, error) {
	return m.forName(r.Resource).KindsForWithContext(ctx, r)
}

// ResourceForWithContext implements meta.RESTMapperWithContext.
func (m *nameMapper) ResourceForWithContext(ctx context.Context, r schema.GroupVersionResource) (schema.GroupVersionResource, error) {
	return m.forName(r.Resource).ResourceForWithContext(ctx, r)
}

// ResourcesForWithContext implements meta.RESTMapperWithContext.
func (m *nameMapper) ResourcesForWithContext(ctx context.Context, r schema.GroupVersionResource) ([]schema.GroupVersionResource, error) {
	return m.forName(r.Resource).ResourcesForWithContext(ctx, r)
}

// RESTMappingWithContext implements meta.RESTMapperWithContext.
func (m *nameMapper) RESTMappingWithContext(ctx context.Context, gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error) {
	return m.forName(gk.Kind).RESTMappingWithContext(ctx, gk, versions...)
}

// RESTMappingsWithContext implements meta.RESTMapperWithContext.
func (m *nameMapper) RESTMappingsWithContext(ctx context.Context, gk schema.GroupKind, versions ...string) ([]*meta.RESTMapping, error) {
	return m.forName(gk.Kind).RESTMappingsWithContext(ctx, gk, versions...)
}

// ResourceSingularizerWithContext implements meta.RESTMapperWithContext.
// It asks every group/version: a multi mapper answers a name none has with
// the last one's error, and with none at all with no error.
func (m *nameMapper) ResourceSingularizerWithContext(ctx context.Context, resource string) (string, error) {
	return m.forName("").ResourceSingularizerWithContext(ctx, resource)
}
