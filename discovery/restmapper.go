package discovery

import (
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// newDiscoveryMapper maps kinds and resources over a snapshot as client-go's
// discovery RESTMapper (restmapper.NewDiscoveryRESTMapper) does, which is
// what kubectl uses: one meta.DefaultRESTMapper per served group/version,
// asked in priority order: core v1 first, then each group in discovery
// order at its preferred version and then its other versions, then each
// group at any version.
func newDiscoveryMapper(s *Snapshot) meta.RESTMapperWithContext {
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
