package render

import "k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

// LazyStream starts the stream start makes on the first item, so that an
// empty result may print nothing at all (kubectl prints no empty List after
// --ignore-not-found, or when the named objects could not be read).
// skipEmpty is asked at Close, when nothing was added: true prints nothing.
func LazyStream(start func() Stream, skipEmpty func() bool) Stream {
	return &lazyStream{start: start, skipEmpty: skipEmpty}
}

type lazyStream struct {
	start     func() Stream
	skipEmpty func() bool
	s         Stream
}

func (l *lazyStream) Add(items []unstructured.Unstructured) error {
	if len(items) == 0 {
		return nil
	}
	if l.s == nil {
		l.s = l.start()
	}
	return l.s.Add(items)
}

func (l *lazyStream) Close() error {
	if l.s == nil {
		if l.skipEmpty() {
			return nil
		}
		l.s = l.start()
	}
	return l.s.Close()
}
