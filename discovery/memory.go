package discovery

import (
	"context"
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/restmapper"
)

// snapshotDiscovery serves a Snapshot through client-go's discovery
// interface, so that client-go's shortcut expander, category expander and
// discovery RESTMapper resolve names over it exactly as they do in kubectl.
// Only the methods those use are implemented; the embedded nil interface
// makes any other call panic, which a test would catch.
type snapshotDiscovery struct {
	discovery.DiscoveryInterfaceWithContext
	snap *Snapshot
}

var _ discovery.DiscoveryInterfaceWithContext = (*snapshotDiscovery)(nil)

// ServerGroupsWithContext returns the snapshot's groups.
func (d *snapshotDiscovery) ServerGroupsWithContext(context.Context) (*metav1.APIGroupList, error) {
	return &metav1.APIGroupList{Groups: d.snap.groups}, nil
}

// ServerResourcesForGroupVersionWithContext returns one group/version's resources.
func (d *snapshotDiscovery) ServerResourcesForGroupVersionWithContext(_ context.Context, gv string) (*metav1.APIResourceList, error) {
	for _, l := range d.snap.lists {
		if l.GroupVersion == gv {
			return l, nil
		}
	}
	return nil, fmt.Errorf("the server does not serve %s", gv)
}

// ServerGroupsAndResourcesWithContext returns groups and lists in discovery
// order, as client-go's legacy path (and so kubectl's disk cache) does.
func (d *snapshotDiscovery) ServerGroupsAndResourcesWithContext(context.Context) ([]*metav1.APIGroup, []*metav1.APIResourceList, error) {
	groups := make([]*metav1.APIGroup, len(d.snap.groups))
	for i := range d.snap.groups {
		groups[i] = &d.snap.groups[i]
	}
	return groups, d.snap.lists, nil
}

// groupResources is the input of client-go's discovery RESTMapper.
func (s *Snapshot) groupResources() []*restmapper.APIGroupResources {
	byGV := make(map[string]*metav1.APIResourceList, len(s.lists))
	for _, l := range s.lists {
		byGV[l.GroupVersion] = l
	}
	out := make([]*restmapper.APIGroupResources, 0, len(s.groups))
	for _, g := range s.groups {
		gr := &restmapper.APIGroupResources{Group: g, VersionedResources: map[string][]metav1.APIResource{}}
		for _, v := range g.Versions {
			if l, ok := byGV[v.GroupVersion]; ok {
				gr.VersionedResources[v.Version] = l.APIResources
			}
		}
		out = append(out, gr)
	}
	return out
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
