package discovery

import (
	"context"
	"strings"

	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// shortcutMapper expands short names before asking the mapper it wraps,
// as client-go's shortcut expander (restmapper.NewShortcutExpander) does
// in kubectl. Kinds pass through unchanged.
type shortcutMapper struct {
	meta.RESTMapperWithContext
	lists  []*metav1.APIResourceList // discovery order, subresources included
	shorts []shortName               // discovery order
}

var _ meta.RESTMapperWithContext = shortcutMapper{}

// shortName is one short name a resource declares.
type shortName struct {
	group, short, plural string
}

// newShortcutMapper wraps m with the short names of s.
func newShortcutMapper(m meta.RESTMapperWithContext, s *Snapshot) shortcutMapper {
	e := shortcutMapper{RESTMapperWithContext: m}
	for _, l := range s.lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			continue
		}
		e.lists = append(e.lists, l)
		for _, r := range l.APIResources {
			for _, sn := range r.ShortNames {
				e.shorts = append(e.shorts, shortName{group: gv.Group, short: sn, plural: r.Name})
			}
		}
	}
	return e
}

// expand turns a short name into its resource. In order: a name that is a
// resource's plural or singular stays as typed; the first short name of
// the group typed (any group if none) becomes its resource, without
// version; then, with a group typed, the first short name of a group that
// starts with it ("hpa.autoscal").
func (e shortcutMapper) expand(in schema.GroupVersionResource) schema.GroupVersionResource {
	if e.isResourceName(in) {
		return in
	}
	for _, s := range e.shorts {
		if (in.Group == "" || in.Group == s.group) && in.Resource == s.short {
			return schema.GroupVersionResource{Group: s.group, Resource: s.plural}
		}
	}
	if in.Group == "" {
		return in
	}
	for _, s := range e.shorts {
		if strings.HasPrefix(s.group, in.Group) && in.Resource == s.short {
			in.Group, in.Resource = s.group, s.plural
			return in
		}
	}
	return in
}

// isResourceName reports whether in's resource is the plural or singular
// of a resource in in's group (any group if none).
func (e shortcutMapper) isResourceName(in schema.GroupVersionResource) bool {
	for _, l := range e.lists {
		gv, _ := schema.ParseGroupVersion(l.GroupVersion) // parsed in newShortcutMapper
		if in.Group != "" && in.Group != gv.Group {
			continue
		}
		for _, r := range l.APIResources {
			if in.Resource == r.Name || in.Resource == r.SingularName {
				return true
			}
		}
	}
	return false
}

// KindForWithContext implements meta.RESTMapperWithContext.
func (e shortcutMapper) KindForWithContext(ctx context.Context, r schema.GroupVersionResource) (schema.GroupVersionKind, error) {
	return e.RESTMapperWithContext.KindForWithContext(ctx, e.expand(r))
}

// KindsForWithContext implements meta.RESTMapperWithContext.
func (e shortcutMapper) KindsForWithContext(ctx context.Context, r schema.GroupVersionResource) ([]schema.GroupVersionKind, error) {
	return e.RESTMapperWithContext.KindsForWithContext(ctx, e.expand(r))
}

// ResourceForWithContext implements meta.RESTMapperWithContext.
func (e shortcutMapper) ResourceForWithContext(ctx context.Context, r schema.GroupVersionResource) (schema.GroupVersionResource, error) {
	return e.RESTMapperWithContext.ResourceForWithContext(ctx, e.expand(r))
}

// ResourcesForWithContext implements meta.RESTMapperWithContext.
func (e shortcutMapper) ResourcesForWithContext(ctx context.Context, r schema.GroupVersionResource) ([]schema.GroupVersionResource, error) {
	return e.RESTMapperWithContext.ResourcesForWithContext(ctx, e.expand(r))
}

// ResourceSingularizerWithContext implements meta.RESTMapperWithContext.
func (e shortcutMapper) ResourceSingularizerWithContext(ctx context.Context, resource string) (string, error) {
	return e.RESTMapperWithContext.ResourceSingularizerWithContext(ctx, e.expand(schema.GroupVersionResource{Resource: resource}).Resource)
}
