package search

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/kdxproject/kdx/query"
	"github.com/kdxproject/kdx/render"
)

// Sink searches the pages of one type as the engine reads them (a
// query.Sink), keeping nothing of them: Match is called for each match of
// an object, then Matched once for an object that had any, both on the
// goroutine that reads the type. A Secret's data is searched decoded too.
type Sink struct {
	Matcher *Matcher
	// Match, if set, is called for each match in item.
	Match func(item *unstructured.Unstructured, secret bool, m Match)
	// Matched, if set, is called after the matches of an item that had any.
	Matched func(item *unstructured.Unstructured, secret bool)
}

var _ query.Sink = (*Sink)(nil)

// Page searches the objects of a page.
func (s *Sink) Page(obj runtime.Object) error {
	for _, item := range render.Items(obj) {
		secret := render.IsSecret(item.Object)
		found := false
		s.Matcher.Object(item.Object, secret, func(m Match) {
			found = true
			if s.Match != nil {
				s.Match(&item, secret, m)
			}
		})
		if found && s.Matched != nil {
			s.Matched(&item, secret)
		}
	}
	return nil
}
