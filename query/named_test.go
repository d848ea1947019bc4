package query

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
)

// TestNamedReader: a type and namespace wanted ListAtLeast times is listed
// once (however many goroutines read it), each object handed out once;
// below that each object is one get; a missing object is nil.
func TestNamedReader(t *testing.T) {
	cm := discovery.Mapping{GVK: schema.GroupVersionKind{Version: "v1", Kind: "ConfigMap"}, Namespaced: true}
	var gets, lists atomic.Int32
	obj := func(name string) *unstructured.Unstructured {
		u := &unstructured.Unstructured{}
		u.SetName(name)
		return u
	}
	r := &NamedReader{
		Get: func(_ context.Context, _ discovery.Mapping, _, name string) (*unstructured.Unstructured, error) {
			gets.Add(1)
			if name == "missing" {
				return nil, nil
			}
			return obj(name), nil
		},
		List: func(_ context.Context, _ discovery.Mapping, _ string, _ metav1.ListOptions, fn func(*unstructured.UnstructuredList) error) error {
			lists.Add(1)
			l := &unstructured.UnstructuredList{}
			for i := range ListAtLeast {
				l.Items = append(l.Items, *obj(fmt.Sprint("cm-", i)))
			}
			return fn(l)
		},
	}
	r.Want(map[NamedKey]int{{cm.GVK.GroupKind(), "many"}: ListAtLeast, {cm.GVK.GroupKind(), "few"}: ListAtLeast - 1})
	if !r.Listed(NamedKey{cm.GVK.GroupKind(), "many"}) || r.Listed(NamedKey{cm.GVK.GroupKind(), "few"}) {
		t.Fatal("Listed is wrong")
	}
	var wg sync.WaitGroup
	for i := range ListAtLeast {
		wg.Go(func() {
			got, err := r.Read(context.Background(), cm, "many", fmt.Sprint("cm-", i))
			if err != nil || got == nil || got.GetName() != fmt.Sprint("cm-", i) {
				t.Errorf("cm-%d: %v, %v", i, got, err)
			}
		})
	}
	wg.Wait()
	if got, err := r.Read(context.Background(), cm, "many", "cm-0"); got != nil || err != nil {
		t.Errorf("an object was handed out twice: %v %v", got, err)
	}
	if got, _ := r.Read(context.Background(), cm, "few", "a"); got == nil || got.GetName() != "a" {
		t.Errorf("few: %v", got)
	}
	if got, err := r.Read(context.Background(), cm, "few", "missing"); got != nil || err != nil {
		t.Errorf("missing: %v %v", got, err)
	}
	if lists.Load() != 1 || gets.Load() != 2 {
		t.Errorf("%d lists and %d gets, want 1 and 2", lists.Load(), gets.Load())
	}
}
