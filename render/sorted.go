package render

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// SortedStream collects every item, sorts them by the --sort-by field and
// hands them on to next at Close.
func SortedStream(next Stream, field string) Stream {
	return &sortedStream{next: next, field: field}
}

type sortedStream struct {
	next  Stream
	field string
	items []unstructured.Unstructured
}

func (s *sortedStream) Add(items []unstructured.Unstructured) error {
	s.items = append(s.items, items...)
	return nil
}

func (s *sortedStream) Close() error {
	if err := SortItems(s.items, s.field); err != nil {
		return err
	}
	if len(s.items) > 0 {
		if err := s.next.Add(s.items); err != nil {
			return err
		}
	}
	return s.next.Close()
}
