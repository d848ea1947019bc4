package write

import (
	"strings"

	"github.com/kdxproject/kdx/discovery"
)

// Ref names one object of one resource: the resource as discovery names it
// (GVR, GVK and Namespaced are its fields), then the object.
type Ref struct {
	discovery.Mapping
	// Namespace is the object's namespace ("" for cluster-scoped objects).
	Namespace string
	// Name is the object's name.
	Name string
}

// KindName is "kind.group/name" in kubectl's lower case, as `-o name` prints.
func (r Ref) KindName() string { return r.Kind() + "/" + r.Name }

// Kind is the lower case kind with its group: "configmap", "deployment.apps".
func (r Ref) Kind() string {
	k := strings.ToLower(r.GVK.Kind)
	if r.GVK.Group != "" {
		k += "." + r.GVK.Group
	}
	return k
}

// path is the URL path of the object, or of its collection when Name is
// empty, with an optional subresource of the object.
func (r Ref) path(subresource string) string {
	return r.Path(r.Namespace, r.Name, subresource)
}
