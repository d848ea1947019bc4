package discovery

import (
	"context"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// refreshingMapper is the resolver's RESTMapper: on a NoMatch it refreshes
// the resolver's snapshot once and asks again.
type refreshingMapper struct {
	r   *Resolver
	ctx context.Context // of the command that asked for the mapper: bounds its refreshes
}

var _ meta.ResettableRESTMapper = refreshingMapper{}

// RESTMapper maps kinds to resources (apiVersion/kind from files, for
// writes) over the snapshot, with short names expanded as kubectl does.
// On a miss in cached data it refreshes once, like Resolve. ctx bounds the
// refreshes (the RESTMapper interface takes no context): a command passes
// its own, so that Ctrl-C stops them.
func (r *Resolver) RESTMapper(ctx context.Context) meta.ResettableRESTMapper {
	return refreshingMapper{r: r, ctx: ctx}
}

func retry[T any](m refreshingMapper, f func(meta.RESTMapperWithContext) (T, error)) (T, error) {
	m.r.refreshIfReset(m.ctx)
	_, mapper, _ := m.r.state()
	v, err := f(mapper)
	if meta.IsNoMatchError(err) && m.r.refresh(m.ctx) {
		_, mapper, _ = m.r.state()
		v, err = f(mapper)
	}
	return v, err
}

// KindFor implements meta.RESTMapper.
func (m refreshingMapper) KindFor(gvr schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	return retry(m, func(x meta.RESTMapperWithContext) (schema.GroupVersionKind, error) {
		return x.KindForWithContext(m.ctx, gvr)
	})
}

// KindsFor implements meta.RESTMapper.
func (m refreshingMapper) KindsFor(gvr schema.GroupVersionResource) ([]schema.GroupVersionKind, error) {
	return retry(m, func(x meta.RESTMapperWithContext) ([]schema.GroupVersionKind, error) {
		return x.KindsForWithContext(m.ctx, gvr)
	})
}

// ResourceFor implements meta.RESTMapper.
func (m refreshingMapper) ResourceFor(gvr schema.GroupVersionResource) (schema.GroupVersionResource, error) {
	return retry(m, func(x meta.RESTMapperWithContext) (schema.GroupVersionResource, error) {
		return x.ResourceForWithContext(m.ctx, gvr)
	})
}

// ResourcesFor implements meta.RESTMapper.
func (m refreshingMapper) ResourcesFor(gvr schema.GroupVersionResource) ([]schema.GroupVersionResource, error) {
	return retry(m, func(x meta.RESTMapperWithContext) ([]schema.GroupVersionResource, error) {
		return x.ResourcesForWithContext(m.ctx, gvr)
	})
}

// RESTMapping implements meta.RESTMapper.
func (m refreshingMapper) RESTMapping(gk schema.GroupKind, versions ...string) (*meta.RESTMapping, error) {
	return retry(m, func(x meta.RESTMapperWithContext) (*meta.RESTMapping, error) {
		return x.RESTMappingWithContext(m.ctx, gk, versions...)
	})
}

// RESTMappings implements meta.RESTMapper.
func (m refreshingMapper) RESTMappings(gk schema.GroupKind, versions ...string) ([]*meta.RESTMapping, error) {
	return retry(m, func(x meta.RESTMapperWithContext) ([]*meta.RESTMapping, error) {
		return x.RESTMappingsWithContext(m.ctx, gk, versions...)
	})
}

// ResourceSingularizer implements meta.RESTMapper.
func (m refreshingMapper) ResourceSingularizer(resource string) (string, error) {
	return retry(m, func(x meta.RESTMapperWithContext) (string, error) {
		return x.ResourceSingularizerWithContext(m.ctx, resource)
	})
}

// Reset implements meta.ResettableRESTMapper: the resolver forgets that it
// has refreshed; its next lookup (through any of its mappers, or Resolve)
// asks the server first, revalidating with the ETags.
func (m refreshingMapper) Reset() { m.r.Reset() }
