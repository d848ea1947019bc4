package query

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/kdxproject/kdx/discovery"
	"github.com/kdxproject/kdx/dynamicclient"
)

// countLister answers metadata lists from a function of the resource and
// the options, recording the namespaces asked for.
type countLister struct {
	Lister // nil: only MetadataPages is used
	mu     sync.Mutex
	asked  map[string][]string // resource -> namespaces paged through
	first  []string            // resources whose first page was read alone
	pages  func(resource string, opts metav1.ListOptions) ([]*metav1.PartialObjectMetadataList, error)
}

func (c *countLister) MetadataPages(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, fn func(*metav1.PartialObjectMetadataList) error) error {
	c.mu.Lock()
	c.asked[m.GVR.Resource] = append(c.asked[m.GVR.Resource], namespace)
	c.mu.Unlock()
	pages, err := c.pages(m.GVR.Resource, opts)
	if err != nil {
		return err
	}
	for _, p := range pages {
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

func metaPage(meta metav1.ListMeta, n int) *metav1.PartialObjectMetadataList {
	return &metav1.PartialObjectMetadataList{ListMeta: meta, Items: make([]metav1.PartialObjectMetadata, n)}
}

func countTarget(resource string, namespaced bool, verbs ...string) discovery.Target {
	r := discovery.APIResource{Version: "v1", Resource: resource, Namespaced: namespaced, Verbs: verbs}
	return discovery.Target{Mapping: discovery.Mapping{Resource: r, GVR: schema.GroupVersionResource{Version: "v1", Resource: resource}, Namespaced: namespaced}}
}

// MetadataPage is the first page of pages, recording the resource.
func (c *countLister) MetadataPage(ctx context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions) (*metav1.PartialObjectMetadataList, error) {
	c.mu.Lock()
	c.first = append(c.first, m.GVR.Resource)
	c.mu.Unlock()
	pages, err := c.pages(m.GVR.Resource, opts)
	if err != nil || len(pages) == 0 {
		return nil, err
	}
	return pages[0], nil
}

// TestCount counts each type from its first page alone, paging through
// a type only when the server gave no remainingItemCount.
func TestCount(t *testing.T) {
	remaining := int64(41)
	l := &countLister{asked: map[string][]string{}, pages: func(resource string, opts metav1.ListOptions) ([]*metav1.PartialObjectMetadataList, error) {
		switch resource {
		case "configmaps": // remainingItemCount given: one page of one
			if opts.Limit != 1 {
				t.Errorf("configmaps counted with limit %d, want 1", opts.Limit)
			}
			return []*metav1.PartialObjectMetadataList{metaPage(metav1.ListMeta{Continue: "c", RemainingItemCount: &remaining}, 1)}, nil
		case "pods": // no remainingItemCount: paged through in pages of countPage
			if opts.Limit == 1 {
				return []*metav1.PartialObjectMetadataList{metaPage(metav1.ListMeta{Continue: "c"}, 1)}, nil
			}
			return []*metav1.PartialObjectMetadataList{metaPage(metav1.ListMeta{Continue: "d"}, 2), metaPage(metav1.ListMeta{}, 3)}, nil
		case "secrets":
			return nil, apierrors.NewForbidden(schema.GroupResource{Resource: resource}, "", errors.New("no"))
		case "services":
			return nil, errors.New("boom")
		case "nodes":
			return []*metav1.PartialObjectMetadataList{metaPage(metav1.ListMeta{}, 5)}, nil
		}
		return []*metav1.PartialObjectMetadataList{metaPage(metav1.ListMeta{}, 0)}, nil
	}}
	req := Request{Namespace: "demo", Concurrency: 2, Targets: []discovery.Target{
		countTarget("configmaps", true, "list"), countTarget("pods", true, "list"), countTarget("secrets", true, "list"),
		countTarget("services", true, "list"), countTarget("nodes", false, "list"), countTarget("bindings", true, "create"),
	}}
	counts, err := (&Engine{Lister: l}).Count(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(l.first)
	if want := []string{"configmaps", "nodes", "pods", "secrets", "services"}; !slices.Equal(l.first, want) {
		t.Errorf("first pages read of %q, want %q", l.first, want)
	}
	if got := l.asked["pods"]; len(got) != 1 || got[0] != "demo" || len(l.asked) != 1 {
		t.Errorf("paged through %v, want pods alone, in demo (no remainingItemCount)", l.asked)
	}
	var got []string
	for _, c := range counts {
		got = append(got, c.String())
	}
	if want := []string{"42", "5", "forbidden", "error", "5", ""}; !slices.Equal(got, want) {
		t.Errorf("counts = %q, want %q", got, want)
	}
	if _, ok := l.asked["bindings"]; ok {
		t.Error("bindings (no list verb) was listed")
	}
}

func TestCountCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	l := &countLister{asked: map[string][]string{}, pages: func(string, metav1.ListOptions) ([]*metav1.PartialObjectMetadataList, error) {
		return nil, context.Canceled
	}}
	_, err := (&Engine{Lister: l}).Count(ctx, Request{Targets: []discovery.Target{countTarget("pods", true, "list")}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Count after cancel: err = %v, want context.Canceled", err)
	}
}

var _ Lister = (*dynamicclient.Client)(nil)
