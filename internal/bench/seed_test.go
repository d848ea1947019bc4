package bench_test

import (
	"reflect"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/kdxproject/kdx/internal/bench"
	"github.com/kdxproject/kdx/internal/testenv"
)

// tinyPlan is small enough for the shared control plane and still has a
// cluster-scoped CRD (every 5th) among namespaced ones.
var tinyPlan = bench.Plan{Namespaces: 2, CRDs: 5, CustomObjects: 10, ConfigMaps: 10, ConfigMapSize: 100}

func TestSeedCreatesThePlan(t *testing.T) {
	env := testenv.Require(t)
	client, err := dynamic.NewForConfig(env.Config)
	if err != nil {
		t.Fatalf("failed to create client: %v", err)
	}
	seeder := &bench.Seeder{Client: client, Workers: 4}
	report, err := seeder.Seed(t.Context(), tinyPlan)
	if err != nil {
		t.Fatalf("first seed: %v", err)
	}
	checkTallies(t, "first seed", report, [4]int64{2, 5, 10, 10}, [4]int64{})
	checkCounts(t, client)
	report, err = seeder.Seed(t.Context(), tinyPlan)
	if err != nil {
		t.Fatalf("second seed: %v", err)
	}
	checkTallies(t, "second seed", report, [4]int64{}, [4]int64{2, 5, 10, 10})
}

// checkTallies compares the created and existed counts of namespaces, CRDs,
// custom objects and ConfigMaps.
func checkTallies(t *testing.T, name string, r *bench.Report, wantCreated, wantExisted [4]int64) {
	t.Helper()
	tallies := []*bench.Tally{&r.Namespaces, &r.CRDs, &r.CustomObjects, &r.ConfigMaps}
	var created, existed [4]int64
	for i, tally := range tallies {
		created[i], existed[i] = tally.Created(), tally.Existed()
	}
	if created != wantCreated || existed != wantExisted {
		t.Errorf("%s: got created %v existed %v, want created %v existed %v", name, created, existed, wantCreated, wantExisted)
	}
}

// checkCounts lists what the server holds with the seed label.
func checkCounts(t *testing.T, client dynamic.Interface) {
	t.Helper()
	got := map[string]int{
		"namespaces": countSeeded(t, client, bench.NamespaceResource),
		"CRDs":       countSeeded(t, client, bench.CRDResource),
		"ConfigMaps": countSeeded(t, client, bench.ConfigMapResource),
	}
	for i := range tinyPlan.CRDs {
		got["custom objects"] += countSeeded(t, client, bench.CRDTypeOf(i).Resource())
	}
	want := map[string]int{"namespaces": 2, "CRDs": 5, "ConfigMaps": 10, "custom objects": 10}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("objects with label %s: got %v, want %v", bench.SeedLabel, got, want)
	}
}

// countSeeded returns how many objects of resource carry the seed label.
func countSeeded(t *testing.T, client dynamic.Interface, resource schema.GroupVersionResource) int {
	t.Helper()
	list, err := client.Resource(resource).List(t.Context(), metav1.ListOptions{LabelSelector: bench.SeedLabel + "=true"})
	if err != nil {
		t.Fatalf("failed to list %s: %v", resource, err)
	}
	return len(list.Items)
}
