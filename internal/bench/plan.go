package bench

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// SeedLabel is the label every seeded object carries, with the value "true",
// so that tests and cleanups can select them.
const SeedLabel = "bench.kdx.example/seed"

// crdsPerGroup is how many CRDs share one API group.
const crdsPerGroup = 20

// clusterScopedEvery makes every n-th CRD (counting from 0) cluster-scoped.
const clusterScopedEvery = 5

// twoVersionsEvery gives every n-th CRD a second served version, v1beta1.
const twoVersionsEvery = 10

// colors are the values of the custom objects' spec.color.
var colors = []string{"red", "green", "blue", "amber", "violet"}

// phases are the values of the custom objects' status.phase.
var phases = []string{"Pending", "Ready", "Failed"}

// Plan says how much to seed. Every object is a pure function of its index
// and the Plan, so two runs with the same Plan generate the same objects.
type Plan struct {
	// Namespaces is the number of namespaces, kdx-bench-00 and on.
	Namespaces int
	// CRDs is the number of CustomResourceDefinitions.
	CRDs int
	// CustomObjects is the number of custom objects, spread over the CRDs.
	CustomObjects int
	// ConfigMaps is the number of ConfigMaps, spread over the namespaces.
	ConfigMaps int
	// ConfigMapSize is the number of data bytes in each ConfigMap.
	ConfigMapSize int
	// NamePrefix starts the names of the ConfigMaps and custom objects, so
	// that a second set (for an apply bench) does not collide with the seed.
	NamePrefix string
}

// DefaultPlan returns the seed of `make bench`: 20 namespaces, 200 CRDs,
// 10,000 custom objects and 10,000 ConfigMaps of 1 KiB.
func DefaultPlan() Plan {
	return Plan{Namespaces: 20, CRDs: 200, CustomObjects: 10000, ConfigMaps: 10000, ConfigMapSize: 1024}
}

// Validate checks that the counts make sense together.
func (p Plan) Validate() error {
	switch {
	case p.Namespaces < 0, p.CRDs < 0, p.CustomObjects < 0, p.ConfigMaps < 0, p.ConfigMapSize < 0:
		return fmt.Errorf("counts and sizes must not be negative")
	case p.Namespaces == 0 && (p.ConfigMaps > 0 || p.CustomObjects > 0):
		return fmt.Errorf("--namespaces must be at least 1 to hold ConfigMaps and custom objects")
	case p.CRDs == 0 && p.CustomObjects > 0:
		return fmt.Errorf("--crds must be at least 1 to hold custom objects")
	case p.Namespaces > 100:
		return fmt.Errorf("--namespaces must be at most 100")
	case p.CRDs > 10000:
		return fmt.Errorf("--crds must be at most 10000")
	}
	return nil
}

// NamespaceName returns the name of namespace i.
func NamespaceName(i int) string {
	return fmt.Sprintf("kdx-bench-%02d", i)
}

// Namespace returns namespace i.
func (p Plan) Namespace(i int) *unstructured.Unstructured {
	return newObject("v1", "Namespace", "", NamespaceName(i))
}

// ConfigMap returns ConfigMap i, in namespace i mod Namespaces, whose data
// holds exactly ConfigMapSize bytes.
func (p Plan) ConfigMap(i int) *unstructured.Unstructured {
	obj := newObject("v1", "ConfigMap", NamespaceName(i%p.Namespaces), fmt.Sprintf("%scm-%05d", p.NamePrefix, i))
	obj.Object["data"] = map[string]any{"payload": payload(i, p.ConfigMapSize)}
	if i == p.ConfigMaps/2 {
		obj.Object["data"].(map[string]any)["needle"] = GrepNeedle
	}
	return obj
}

// GrepNeedle is the value the seed writes into exactly one object (a
// ConfigMap in the middle), for the grep bench row; no payload holds it.
const GrepNeedle = "kdx-bench-needle-4b1d"

// payload returns size printable bytes that depend on i.
func payload(i, size int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
	var b strings.Builder
	b.Grow(size)
	for j := range size {
		b.WriteByte(alphabet[(i+j)%len(alphabet)])
	}
	return b.String()
}

// newObject returns an object with the seed label.
func newObject(apiVersion, kind, namespace, name string) *unstructured.Unstructured {
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": apiVersion, "kind": kind}}
	obj.SetName(name)
	obj.SetNamespace(namespace)
	obj.SetLabels(map[string]string{SeedLabel: "true"})
	return obj
}

// ConfigMapResource is the resource of ConfigMaps.
var ConfigMapResource = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

// NamespaceResource is the resource of Namespaces.
var NamespaceResource = schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}

// CRDResource is the resource of CustomResourceDefinitions.
var CRDResource = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
