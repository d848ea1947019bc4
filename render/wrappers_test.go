package render

import (
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
)

// recordStream records what reaches it.
type recordStream struct {
	names  []string
	closed bool
}

func (r *recordStream) Add(items []unstructured.Unstructured) error {
	for _, it := range items {
		r.names = append(r.names, it.GetName())
	}
	return nil
}

func (r *recordStream) Close() error { r.closed = true; return nil }

func named(names ...string) []unstructured.Unstructured {
	var out []unstructured.Unstructured
	for _, n := range names {
		u := unstructured.Unstructured{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap"}}
		u.SetName(n)
		out = append(out, u)
	}
	return out
}

func TestLazyStream(t *testing.T) {
	for _, tt := range []struct {
		name        string
		add         [][]unstructured.Unstructured
		skipEmpty   bool
		wantStarted bool
	}{
		{"empty, skipped", [][]unstructured.Unstructured{nil, {}}, true, false},
		{"empty, not skipped: an empty List", nil, false, true},
		{"items", [][]unstructured.Unstructured{nil, named("a")}, true, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var rec *recordStream
			s := LazyStream(func() Stream { rec = &recordStream{}; return rec }, func() bool { return tt.skipEmpty })
			for _, items := range tt.add {
				if err := s.Add(items); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if got := rec != nil; got != tt.wantStarted {
				t.Fatalf("started %v, want %v", got, tt.wantStarted)
			}
			if rec != nil && !rec.closed {
				t.Error("the started stream was not closed")
			}
		})
	}
}

func TestSortedStream(t *testing.T) {
	rec := &recordStream{}
	s := SortedStream(rec, "{.metadata.name}")
	for _, page := range [][]unstructured.Unstructured{named("c", "a"), named("b")} {
		if err := s.Add(page); err != nil {
			t.Fatal(err)
		}
	}
	if len(rec.names) != 0 {
		t.Fatalf("items reached the stream before Close: %v", rec.names)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "b", "c"}; !slices.Equal(rec.names, want) || !rec.closed {
		t.Errorf("got %v (closed %v), want %v closed", rec.names, rec.closed, want)
	}
}

func TestCollectorItems(t *testing.T) {
	var c Collector
	list := &unstructured.UnstructuredList{Items: named("a", "b")}
	meta := &metav1.PartialObjectMetadataList{Items: []metav1.PartialObjectMetadata{{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}, ObjectMeta: metav1.ObjectMeta{Name: "s", Namespace: "ns"}}}}
	one := &named("o")[0]
	for _, obj := range []runtime.Object{list, meta, one} {
		if err := c.Page(obj); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for _, it := range c.Items {
		got = append(got, it.GetKind()+"/"+it.GetNamespace()+"/"+it.GetName())
	}
	if want := []string{"ConfigMap//a", "ConfigMap//b", "Secret/ns/s", "ConfigMap//o"}; !slices.Equal(got, want) {
		t.Errorf("items %v, want %v", got, want)
	}
}
