package discovery

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// categories maps each category ("all") to its resources, in discovery
// order, once per served version, as client-go's discovery category
// expander does for kubectl.
type categories map[string][]schema.GroupResource

// newCategories collects the categories of the resource lists.
func newCategories(lists []*metav1.APIResourceList) categories {
	out := categories{}
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil {
			continue
		}
		for _, r := range l.APIResources {
			for _, c := range r.Categories {
				out[c] = append(out[c], schema.GroupResource{Group: gv.Group, Resource: r.Name})
			}
		}
	}
	return out
}

// expand returns the resources of a category, and whether it is one.
func (c categories) expand(category string) ([]schema.GroupResource, bool) {
	grs, ok := c[category]
	return grs, ok
}
