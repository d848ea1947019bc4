package discovery

import "strings"

// Path is the URL path of the resource's collection in namespace ("" for
// all namespaces, or a cluster-scoped resource), of one object when name is
// set, and of that object's subresource when subresource is set too:
// /api/v1/namespaces/ns/configmaps/name, /apis/group/version/plural.
// It is the one place kdx builds a resource URL.
func (m Mapping) Path(namespace, name, subresource string) string {
	parts := []string{"/api", m.GVR.Version}
	if m.GVR.Group != "" {
		parts = []string{"/apis", m.GVR.Group, m.GVR.Version}
	}
	if m.Namespaced && namespace != "" {
		parts = append(parts, "namespaces", namespace)
	}
	parts = append(parts, m.GVR.Resource)
	if name != "" {
		parts = append(parts, name)
		if subresource != "" {
			parts = append(parts, subresource)
		}
	}
	return strings.Join(parts, "/")
}
