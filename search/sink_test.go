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

func TestLine(t *testing.T) {
	cm := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": map[string]any{"name": "web", "namespace": "ns"}}}
	for _, tc := range []struct {
		m      Match
		secret bool
		o      LineOptions
		want   string
	}{
		{Match{Path: "spec.x", Value: "a blue\x1b sky", Start: 2, End: 6}, false, LineOptions{Width: 200}, "deployment.apps/web  spec.x: a blue^[ sky"},
		{Match{Path: "spec.x", Value: "blue", End: 4}, false, LineOptions{Prefix: "kind-a", Namespace: true, Width: 200}, "kind-a  ns  deployment.apps/web  spec.x: blue"},
		{Match{Path: "data.blue", Key: true, Value: "blue", End: 4}, false, LineOptions{Width: 200}, "deployment.apps/web  data.blue (key)"},
		{Match{Path: "data.a", Value: "blue", End: 4}, true, LineOptions{Width: 200}, "deployment.apps/web  data.a: (a Secret's value, not shown without --show-secrets)"},
	} {
		if got := Line(cm, tc.m, tc.secret, tc.o); got != tc.want {
			t.Errorf("Line(%+v): %q, want %q", tc.m, got, tc.want)
		}
	}
}
