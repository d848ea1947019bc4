package bench

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// CRDType names the resource of one seeded CRD.
type CRDType struct {
	// Group is the API group, shared by crdsPerGroup CRDs.
	Group string
	// Kind, Plural, Singular and ShortName are its names.
	Kind, Plural, Singular, ShortName string
	// Namespaced is false for every clusterScopedEvery-th CRD.
	Namespaced bool
	// Versions are the served versions, the storage version v1 first.
	Versions []string
}

// CRDName returns the metadata.name of the CRD: plural.group.
func (c CRDType) CRDName() string {
	return c.Plural + "." + c.Group
}

// Resource returns the resource of the CRD's storage version.
func (c CRDType) Resource() schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: c.Group, Version: c.Versions[0], Resource: c.Plural}
}

// CRDTypeOf returns the names of CRD i.
func CRDTypeOf(i int) CRDType {
	c := CRDType{
		Group:      fmt.Sprintf("g%02d.bench.kdx.example", i/crdsPerGroup),
		Kind:       fmt.Sprintf("Widget%04d", i),
		Plural:     fmt.Sprintf("widget%04ds", i),
		Singular:   fmt.Sprintf("widget%04d", i),
		ShortName:  fmt.Sprintf("wg%04d", i),
		Namespaced: i%clusterScopedEvery != clusterScopedEvery-1,
		Versions:   []string{"v1"},
	}
	if i%twoVersionsEvery == twoVersionsEvery-1 {
		c.Versions = append(c.Versions, "v1beta1")
	}
	return c
}

// CRD returns CustomResourceDefinition i with printer columns, a short name
// and the category "kdxbench".
func (p Plan) CRD(i int) *unstructured.Unstructured {
	c := CRDTypeOf(i)
	obj := newObject("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", c.CRDName())
	scope := "Namespaced"
	if !c.Namespaced {
		scope = "Cluster"
	}
	versions := make([]any, 0, len(c.Versions))
	for j, v := range c.Versions {
		versions = append(versions, crdVersion(v, j == 0))
	}
	obj.Object["spec"] = map[string]any{
		"group": c.Group,
		"scope": scope,
		"names": map[string]any{
			"kind": c.Kind, "listKind": c.Kind + "List", "plural": c.Plural, "singular": c.Singular,
			"shortNames": []any{c.ShortName}, "categories": []any{"kdxbench"},
		},
		"versions": versions,
	}
	return obj
}

// crdVersion returns one entry of a CRD's spec.versions.
func crdVersion(name string, storage bool) map[string]any {
	return map[string]any{
		"name": name, "served": true, "storage": storage,
		"schema":                   map[string]any{"openAPIV3Schema": crdSchema()},
		"additionalPrinterColumns": printerColumns(),
	}
}

// crdSchema returns the structural schema of the seeded custom objects.
func crdSchema() map[string]any {
	str := map[string]any{"type": "string"}
	num := map[string]any{"type": "integer"}
	return map[string]any{
		"type": "object",
		"properties": map[string]any{
			"spec": map[string]any{"type": "object", "properties": map[string]any{
				"color": str, "size": num, "replicas": num,
				"tags": map[string]any{"type": "array", "items": str},
			}},
			"status": map[string]any{"type": "object", "properties": map[string]any{"phase": str}},
		},
	}
}

// printerColumns returns the additionalPrinterColumns of every version.
func printerColumns() []any {
	column := func(name, typ, path string, priority int64) map[string]any {
		return map[string]any{"name": name, "type": typ, "jsonPath": path, "priority": priority}
	}
	return []any{
		column("Color", "string", ".spec.color", 0),
		column("Size", "integer", ".spec.size", 0),
		column("Phase", "string", ".status.phase", 0),
		column("Replicas", "integer", ".spec.replicas", 1),
		column("Age", "date", ".metadata.creationTimestamp", 0),
	}
}

// CustomObjectType returns the CRD that custom object i belongs to.
func (p Plan) CustomObjectType(i int) CRDType {
	return CRDTypeOf(i % p.CRDs)
}

// CustomObject returns custom object i: of CRD i mod CRDs and, when that CRD
// is namespaced, in namespace (i / CRDs) mod Namespaces, so each CRD's
// objects spread over the namespaces.
func (p Plan) CustomObject(i int) *unstructured.Unstructured {
	c := p.CustomObjectType(i)
	namespace := ""
	if c.Namespaced {
		namespace = NamespaceName((i / p.CRDs) % p.Namespaces)
	}
	obj := newObject(c.Group+"/"+c.Versions[0], c.Kind, namespace, fmt.Sprintf("%sobj-%05d", p.NamePrefix, i))
	obj.Object["spec"] = map[string]any{
		"color":    colors[i%len(colors)],
		"size":     int64(i),
		"replicas": int64(i % 7),
		"tags":     []any{"bench", fmt.Sprintf("t%d", i%13)},
	}
	obj.Object["status"] = map[string]any{"phase": phases[i%len(phases)]}
	return obj
}
