package render

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/kdxproject/kdx/query"
)

// orderedQueue bounds the items encoded or waiting to be written.
const orderedQueue = 256

// orderedPool encodes items on several goroutines and hands the results to
// one writer in submission order: the read engine's Runner, with a window
// of orderedQueue results, so memory stays bounded whatever the list's
// length. submit blocks while the window is full.
type orderedPool struct {
	encode func(*unstructured.Unstructured) ([]byte, error)
	run    *query.Runner[poolResult]
	closed bool // close was called (by the submitting goroutine only)
}

type poolResult struct {
	b   []byte
	err error
}

func newOrderedPool(workers int, encode func(*unstructured.Unstructured) ([]byte, error), write func([]byte) error) *orderedPool {
	emit := func(r poolResult) error {
		if r.err != nil {
			return r.err
		}
		return write(r.b)
	}
	return &orderedPool{encode: encode, run: query.NewRunner(context.Background(), workers, orderedQueue, emit)}
}

// submit queues item; it returns the first error met so far.
func (p *orderedPool) submit(item *unstructured.Unstructured) error {
	return p.run.Go(func(context.Context) poolResult {
		b, err := p.encode(item)
		return poolResult{b: b, err: err}
	})
}

// close waits for every submitted item to be written and returns the first error.
func (p *orderedPool) close() error {
	if p.closed {
		return p.run.Err()
	}
	p.closed = true
	return p.run.Wait()
}
