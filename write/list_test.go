package write

import (
	"context"
	"errors"
	"reflect"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kdxproject/kdx/discovery"
)

// fakeLister hands on its pages and records what it was asked.
type fakeLister struct {
	pages     [][]metav1.ObjectMeta
	err       error
	mapping   discovery.Mapping
	namespace string
	opts      metav1.ListOptions
}

func (f *fakeLister) MetadataPages(_ context.Context, m discovery.Mapping, namespace string, opts metav1.ListOptions, fn func(*metav1.PartialObjectMetadataList) error) error {
	f.mapping, f.namespace, f.opts = m, namespace, opts
	for _, p := range f.pages {
		l := &metav1.PartialObjectMetadataList{}
		for _, om := range p {
			l.Items = append(l.Items, metav1.PartialObjectMetadata{ObjectMeta: om})
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return f.err
}

func TestListNames(t *testing.T) {
	all := cmRef
	all.Namespace = ""
	f := &fakeLister{pages: [][]metav1.ObjectMeta{{{Namespace: "a", Name: "x"}}, {{Namespace: "b", Name: "y"}, {Namespace: "b", Name: "z"}}}}
	got, err := ListNames(context.Background(), f, all, Selector{Label: "app=web", Field: "metadata.name!=q"})
	if err != nil {
		t.Fatal(err)
	}
	var want []Ref
	for _, nn := range [][2]string{{"a", "x"}, {"b", "y"}, {"b", "z"}} {
		r := all
		r.Namespace, r.Name = nn[0], nn[1]
		want = append(want, r)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	wantOpts := metav1.ListOptions{LabelSelector: "app=web", FieldSelector: "metadata.name!=q", Limit: listPageSize}
	if f.opts != wantOpts || f.namespace != "" || !reflect.DeepEqual(f.mapping, cmRef.Mapping) {
		t.Errorf("got a list of %+v in %q with %+v, want configmaps in all namespaces with %+v", f.mapping, f.namespace, f.opts, wantOpts)
	}

	f = &fakeLister{pages: [][]metav1.ObjectMeta{{{Namespace: "ns", Name: "x"}}}, err: errors.New("boom")}
	if got, err := ListNames(context.Background(), f, cmRef, Selector{}); err == nil || got != nil || f.namespace != "ns" {
		t.Errorf("got %v, %v listing in %q, want no refs and the error, in ns", got, err, f.namespace)
	}
}
