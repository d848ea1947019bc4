package bench

import (
	"reflect"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"
)

func TestObjectNames(t *testing.T) {
	p := DefaultPlan()
	tests := []struct {
		name          string
		obj           *unstructured.Unstructured
		wantKind      string
		wantNamespace string
		wantName      string
	}{
		{"namespace", p.Namespace(7), "Namespace", "", "kdx-bench-07"},
		{"first configmap", p.ConfigMap(0), "ConfigMap", "kdx-bench-00", "cm-00000"},
		{"configmap wraps namespaces", p.ConfigMap(21), "ConfigMap", "kdx-bench-01", "cm-00021"},
		{"namespaced CRD", p.CRD(0), "CustomResourceDefinition", "", "widget0000s.g00.bench.kdx.example"},
		{"CRD in second group", p.CRD(23), "CustomResourceDefinition", "", "widget0023s.g01.bench.kdx.example"},
		{"custom object", p.CustomObject(3), "Widget0003", "kdx-bench-00", "obj-00003"},
		{"custom object of next round", p.CustomObject(203), "Widget0003", "kdx-bench-01", "obj-00203"},
		{"cluster-scoped custom object", p.CustomObject(204), "Widget0004", "", "obj-00204"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := [3]string{tt.obj.GetKind(), tt.obj.GetNamespace(), tt.obj.GetName()}
			want := [3]string{tt.wantKind, tt.wantNamespace, tt.wantName}
			if got != want {
				t.Errorf("kind, namespace, name: got %q, want %q", got, want)
			}
			if tt.obj.GetLabels()[SeedLabel] != "true" {
				t.Errorf("labels: got %v, want %s=true", tt.obj.GetLabels(), SeedLabel)
			}
		})
	}
}

func TestGeneratorsAreDeterministic(t *testing.T) {
	p, q := DefaultPlan(), DefaultPlan()
	for _, i := range []int{0, 1, 199, 4321, 9999} {
		pairs := map[string][2]*unstructured.Unstructured{
			"configmap":     {p.ConfigMap(i), q.ConfigMap(i)},
			"custom object": {p.CustomObject(i), q.CustomObject(i)},
			"CRD":           {p.CRD(i % p.CRDs), q.CRD(i % q.CRDs)},
		}
		for name, pair := range pairs {
			if !reflect.DeepEqual(pair[0].Object, pair[1].Object) {
				t.Errorf("%s %d: two calls gave different objects", name, i)
			}
		}
	}
}

func TestConfigMapSize(t *testing.T) {
	for _, size := range []int{0, 1, 1024, 100000} {
		p := Plan{Namespaces: 3, ConfigMapSize: size}
		data, _, _ := unstructured.NestedStringMap(p.ConfigMap(5).Object, "data")
		got := 0
		for _, v := range data {
			got += len(v)
		}
		if got != size {
			t.Errorf("size %d: got %d data bytes", size, got)
		}
	}
}

func TestCRDTypes(t *testing.T) {
	p := DefaultPlan()
	clusterScoped, twoVersions, groups := 0, 0, map[string]bool{}
	for i := range p.CRDs {
		c := CRDTypeOf(i)
		groups[c.Group] = true
		if !c.Namespaced {
			clusterScoped++
		}
		if len(c.Versions) == 2 {
			twoVersions++
		}
		crd := p.CRD(i)
		columns, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
		if len(columns) != len(c.Versions) {
			t.Errorf("CRD %d: got %d versions, want %d", i, len(columns), len(c.Versions))
		}
		shortNames, _, _ := unstructured.NestedStringSlice(crd.Object, "spec", "names", "shortNames")
		if !reflect.DeepEqual(shortNames, []string{c.ShortName}) {
			t.Errorf("CRD %d: got short names %v, want [%s]", i, shortNames, c.ShortName)
		}
	}
	got := [3]int{clusterScoped, twoVersions, len(groups)}
	if want := [3]int{40, 20, 10}; got != want {
		t.Errorf("cluster-scoped, two-version CRDs, groups: got %v, want %v", got, want)
	}
}

func TestPrinterColumns(t *testing.T) {
	versions, _, _ := unstructured.NestedSlice(DefaultPlan().CRD(9).Object, "spec", "versions")
	for _, v := range versions {
		columns, _, _ := unstructured.NestedSlice(v.(map[string]any), "additionalPrinterColumns")
		var names []string
		for _, c := range columns {
			names = append(names, c.(map[string]any)["name"].(string))
		}
		if want := []string{"Color", "Size", "Phase", "Replicas", "Age"}; !reflect.DeepEqual(names, want) {
			t.Errorf("printer columns: got %v, want %v", names, want)
		}
	}
}

func TestPlanValidate(t *testing.T) {
	tests := []struct {
		name    string
		plan    Plan
		wantErr string
	}{
		{"default", DefaultPlan(), ""},
		{"empty", Plan{}, ""},
		{"objects without namespaces", Plan{ConfigMaps: 1}, "--namespaces must be at least 1 to hold ConfigMaps and custom objects"},
		{"objects without CRDs", Plan{Namespaces: 1, CustomObjects: 1}, "--crds must be at least 1 to hold custom objects"},
		{"negative", Plan{ConfigMapSize: -1}, "counts and sizes must not be negative"},
		{"too many namespaces", Plan{Namespaces: 101}, "--namespaces must be at most 100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.plan.Validate()
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.wantErr {
				t.Errorf("got error %q, want %q", got, tt.wantErr)
			}
		})
	}
}

func BenchmarkConfigMap(b *testing.B) {
	p := DefaultPlan()
	for i := 0; b.Loop(); i++ {
		_ = p.ConfigMap(i % p.ConfigMaps)
	}
}

func BenchmarkCustomObject(b *testing.B) {
	p := DefaultPlan()
	for i := 0; b.Loop(); i++ {
		_ = p.CustomObject(i % p.CustomObjects)
	}
}

func TestNamePrefix(t *testing.T) {
	p := Plan{Namespaces: 2, CRDs: 3, NamePrefix: "apply-"}
	got := []string{p.ConfigMap(1).GetName(), p.CustomObject(2).GetName(), p.Namespace(1).GetName(), p.CRD(0).GetName()}
	want := []string{"apply-cm-00001", "apply-obj-00002", "kdx-bench-01", "widget0000s.g00.bench.kdx.example"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("names: got %v, want %v", got, want)
	}
}

func TestWriteManifest(t *testing.T) {
	p := Plan{Namespaces: 1, CRDs: 1, CustomObjects: 2, ConfigMaps: 1, ConfigMapSize: 4}
	var b strings.Builder
	if err := WriteManifest(&b, p); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, doc := range strings.Split(b.String(), "---\n")[1:] {
		obj := map[string]any{}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatalf("document %q: %v", doc, err)
		}
		kinds = append(kinds, obj["kind"].(string))
	}
	want := []string{"Namespace", "CustomResourceDefinition", "Widget0000", "ConfigMap", "Widget0000"}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("kinds in order: got %v, want %v", kinds, want)
	}
}

func TestGrepNeedleInOneObject(t *testing.T) {
	p := DefaultPlan()
	n := 0
	for i := range p.ConfigMaps {
		data := p.ConfigMap(i).Object["data"].(map[string]any)
		for _, v := range data {
			if strings.Contains(v.(string), GrepNeedle) {
				n++
			}
		}
	}
	if n != 1 {
		t.Errorf("the needle is in %d ConfigMaps, want 1", n)
	}
}
