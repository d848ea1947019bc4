package discovery

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	metadatafake "k8s.io/client-go/metadata/fake"
	clienttesting "k8s.io/client-go/testing"
)

// list is what the fake metadata client expects from a reactor: a
// metav1.List of n PartialObjectMetadata.
func metaList(meta metav1.ListMeta, n int) *metav1.List {
	l := &metav1.List{ListMeta: meta}
	for range n {
		l.Items = append(l.Items, runtime.RawExtension{Object: &metav1.PartialObjectMetadata{}})
	}
	return l
}

func TestCountObjects(t *testing.T) {
	client := metadatafake.NewSimpleMetadataClient(metadatafake.NewTestScheme())
	remaining := int64(41)
	var podPages atomic.Int32
	client.PrependReactor("list", "*", func(a clienttesting.Action) (bool, runtime.Object, error) {
		switch a.GetResource().Resource {
		case "configmaps": // remainingItemCount given
			return true, metaList(metav1.ListMeta{Continue: "c", RemainingItemCount: &remaining}, 1), nil
		case "pods": // no remainingItemCount: paged through
			if podPages.Add(1) == 1 {
				return true, metaList(metav1.ListMeta{Continue: "c"}, 1), nil
			}
			return true, metaList(metav1.ListMeta{}, 2), nil
		case "secrets":
			return true, nil, apierrors.NewForbidden(a.GetResource().GroupResource(), "", errors.New("no"))
		case "services":
			return true, nil, errors.New("boom")
		case "nodes":
			if a.GetNamespace() != "" {
				t.Errorf("cluster-scoped nodes counted in namespace %q", a.GetNamespace())
			}
			return true, metaList(metav1.ListMeta{}, 5), nil
		}
		return true, metaList(metav1.ListMeta{}, 0), nil
	})
	snap := fakeSnapshot()
	var resources []APIResource
	for _, gr := range []string{"configmaps", "pods", "secrets", "services", "nodes"} {
		r, _ := snap.Lookup(schemaGR("", gr))
		resources = append(resources, r)
	}
	resources = append(resources, APIResource{Resource: "bindings", Verbs: []string{"create"}})
	counts := CountObjects(context.Background(), client, resources, "demo", 2)
	var got []string
	for _, c := range counts {
		got = append(got, c.String())
		if c.Err != nil {
			t.Logf("%v", c.Err)
		}
	}
	want := []string{"42", "3", "forbidden", "error", "5", ""}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("count of %s = %q, want %q", resources[i].Resource, got[i], want[i])
		}
	}
}
