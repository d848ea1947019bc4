package discovery

import (
	"errors"

	apidiscoveryv2 "k8s.io/api/apidiscovery/v2"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// fromAggregated converts an aggregated document to legacy-shaped data, as
// client-go's SplitGroupsAndResources does: a group's preferred version is
// its first fresh one; stale group/versions become failures (their reasons
// filled in later); subresources become "plural/sub" entries.
func fromAggregated(list apidiscoveryv2.APIGroupDiscoveryList) *document {
	doc := &document{Groups: make([]metav1.APIGroup, 0, len(list.Items))}
	var lists []*metav1.APIResourceList
	for _, ag := range list.Items {
		g := metav1.APIGroup{Name: ag.Name}
		for _, v := range ag.Versions {
			gv := schema.GroupVersion{Group: ag.Name, Version: v.Version}
			if v.Freshness == apidiscoveryv2.DiscoveryFreshnessStale {
				doc.Failures = append(doc.Failures, Failure{GroupVersion: gv.String(), Reason: staleReason})
				continue
			}
			d := metav1.GroupVersionForDiscovery{GroupVersion: gv.String(), Version: v.Version}
			g.Versions = append(g.Versions, d)
			if g.PreferredVersion == (metav1.GroupVersionForDiscovery{}) {
				g.PreferredVersion = d
			}
			lists = append(lists, aggregatedList(gv, v.Resources))
		}
		doc.Groups = append(doc.Groups, g)
	}
	doc.Lists = orderLists(doc.Groups, lists)
	sortFailures(doc.Failures)
	return doc
}

// aggregatedList is the legacy resource list of one fresh group/version.
// A resource without a kind is left out, but its subresources are kept.
func aggregatedList(gv schema.GroupVersion, resources []apidiscoveryv2.APIResourceDiscovery) *metav1.APIResourceList {
	l := &metav1.APIResourceList{GroupVersion: gv.String()}
	for _, r := range resources {
		parent, err := aggregatedResource(r)
		if err == nil {
			l.APIResources = append(l.APIResources, parent)
		}
		for _, s := range r.Subresources {
			if !hasKind(s.ResponseKind) {
				continue
			}
			l.APIResources = append(l.APIResources, metav1.APIResource{
				Name:         parent.Name + "/" + s.Subresource,
				SingularName: parent.SingularName,
				Namespaced:   parent.Namespaced,
				Group:        s.ResponseKind.Group,
				Version:      s.ResponseKind.Version,
				Kind:         s.ResponseKind.Kind,
				Verbs:        s.Verbs,
			})
		}
	}
	return l
}

var errNoKind = errors.New("discovery resource without a kind")

// aggregatedResource converts one resource; without a kind it returns the
// partial entry (the parent of its subresources) and errNoKind.
func aggregatedResource(r apidiscoveryv2.APIResourceDiscovery) (metav1.APIResource, error) {
	out := metav1.APIResource{
		Name:         r.Resource,
		SingularName: r.SingularResource,
		Namespaced:   r.Scope == apidiscoveryv2.ScopeNamespace,
		Verbs:        r.Verbs,
		ShortNames:   r.ShortNames,
		Categories:   r.Categories,
	}
	if !hasKind(r.ResponseKind) {
		return out, errNoKind
	}
	out.Group, out.Version, out.Kind = r.ResponseKind.Group, r.ResponseKind.Version, r.ResponseKind.Kind
	return out, nil
}

func hasKind(k *metav1.GroupVersionKind) bool {
	return k != nil && *k != (metav1.GroupVersionKind{})
}
