package search

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestSink(t *testing.T) {
	m, err := New(Options{Pattern: "blue"})
	if err != nil {
		t.Fatal(err)
	}
	page := &unstructured.UnstructuredList{Items: []unstructured.Unstructured{
		{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "a"}, "data": map[string]any{"color": "blue", "sky": "blue"}}},
		{Object: map[string]any{"apiVersion": "v1", "kind": "ConfigMap", "metadata": map[string]any{"name": "b"}, "data": map[string]any{"color": "red"}}},
		{Object: map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": "s"}, "data": map[string]any{"color": "Ymx1ZQ=="}}},
	}}
	var matches, matched []string
	s := &Sink{Matcher: m,
		Match: func(item *unstructured.Unstructured, secret bool, m Match) {
			matches = append(matches, item.GetName()+" "+m.Path)
		},
		Matched: func(item *unstructured.Unstructured, secret bool) {
			if secret != (item.GetKind() == "Secret") {
				t.Errorf("%s: secret %v", item.GetName(), secret)
			}
			matched = append(matched, item.GetName())
		}}
	if err := s.Page(page); err != nil {
		t.Fatal(err)
	}
	if got, want := matches, []string{"a data.color", "a data.sky", "s data.color"}; !equal(got, want) {
		t.Errorf("matches %q, want %q", got, want)
	}
	if got, want := matched, []string{"a", "s"}; !equal(got, want) {
		t.Errorf("matched %q, want %q", got, want)
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
