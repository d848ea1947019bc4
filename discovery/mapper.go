package discovery

import (
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// refreshingMapper is the resolver's RESTMapper: on a NoMatch it refreshes
// the resolver's snapshot once and asks again.
type refreshingMapper struct {
	r *Resolver
}

var _ meta.ResettableRESTMapper = refreshingMapper{}

// RESTMapper maps kinds to resources (apiVersion/kind from files, for
// writes) over the snapshot, with short names expanded as kubectl does.
// On a miss in cached data it refreshes once, like Resolve.
func (r *Resolver) RESTMapper() meta.RESTMapper { return refreshingMapper{r: r} }

func retry[T any](m refreshingMapper, f func(meta.RESTMapperWithContext) (T, error)) (T, error) {
	_, mapper, _ := m.r.state()
	v, err := f(mapper)
	if meta.IsNoMatchError(err) && m.r.refresh(m.r.ctx) {
		_, mapper, _ = m.r.state()
		v, err = f(mapper)
	}
	return v, err
}

// KindFor implements meta.RESTMapper.
func (m refreshingMapper) KindFor(gvr schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	return retry(m, func(x meta.RESTMapperWithContext) (schema.GroupVersionKind, error) {
		return x.KindForWithContext(m.r.ctx, gvr)
	})
}

// KindsFor implements meta.RESTMapper.
func (m refreshingMapper) KindsFor(gvr schema.GroupVersionResource) ([]schema.GroupVersionKind, error) {
	return retry(m, func(x meta.RESTMapperWithContext) ([]schema.GroupVersionKind, error) {
		return x.KindsForWithContext(m.r.ctx, gvr)
	})
}

// ResourceFor implements meta.RESTMapper.
func (m refreshingMapper) ResourceFor(gvr schema.GroupVersionResource) (schema.GroupVersionResource, error) {
	return retry(m, func(x meta.RESTMapperWithContext) (schema.GroupVersionResource, error) {
		return x.ResourceForWithContext(m.r.ctx, gvr)
	})
}

// ResourcesFor implements meta.RESTMapper.
func (m refreshingMapper) ResourcesFor(gvr schema.GroupVersionResource) ([]schema.GroupVersionResource, error) {
	return retry(m, func(x meta.RESTMapperWithContext) ([]schema.GroupVersionResource, error) {
		return x.ResourcesForWithContext(m.r.ctx, gvr)
	})
}

// RESTMapping implements meta.RESTMapper.
func (m refreshingMapper) RESTMapping(gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error) {
	return retry(m, func(x meta.RESTMapperWithContext) (*meta.RESTMapping, error) {
		return x.RESTMappingWithContext(m.r.ctx, gk, versions...)
	})
}

// RESTMappings implements meta.RESTMapper.
func (m refreshingMapper) RESTMappings(gk schema.GroupKind, versions ...string) ([]*meta.RESTMapping, error) {
	return retry(m, func(x meta.RESTMapperWithContext) ([]*meta.RESTMapping, error) {
		return x.RESTMappingsWithContext(m.r.ctx, gk, versions...)
	})
}

// ResourceSingularizer implements meta.RESTMapper.
func (m refreshingMapper) ResourceSingularizer(resource string) (string, error) {
	return retry(m, func(x meta.RESTMapperWithContext) (string, error) {
		return x.ResourceSingularizerWithContext(m.r.ctx, resource)
	})
}

// Reset implements meta.ResettableRESTMapper: nothing is cached beyond the
// snapshot, which refreshes itself on a miss.
func (m refreshingMapper) Reset() {}
