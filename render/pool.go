package render

import (
	"sync"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// orderedQueue bounds the items encoded or waiting to be written.
const orderedQueue = 256

// orderedPool encodes items on several goroutines and hands the results to
// one writer in submission order. Submit blocks when orderedQueue results
// are pending, so memory stays bounded whatever the list's length.
type orderedPool struct {
	encode func(*unstructured.Unstructured) ([]byte, error)
	write  func([]byte) error

	jobs  chan poolJob
	queue chan chan poolResult
	// workers and writer finish when jobs and queue are closed.
	workers sync.WaitGroup
	done    chan struct{}

	// mu guards err.
	mu  sync.Mutex
	err error
	// closed says whether close was called (by the submitting goroutine only).
	closed bool
}

type poolJob struct {
	item *unstructured.Unstructured
	out  chan poolResult
}

type poolResult struct {
	b   []byte
	err error
}

func newOrderedPool(workers int, encode func(*unstructured.Unstructured) ([]byte, error), write func([]byte) error) *orderedPool {
	p := &orderedPool{
		encode: encode, write: write,
		jobs:  make(chan poolJob, orderedQueue),
		queue: make(chan chan poolResult, orderedQueue),
		done:  make(chan struct{}),
	}
	for range workers {
		p.workers.Add(1)
		go p.work()
	}
	go p.writeAll()
	return p
}

func (p *orderedPool) work() {
	defer p.workers.Done()
	for j := range p.jobs {
		b, err := p.encode(j.item)
		j.out <- poolResult{b: b, err: err}
	}
}

// writeAll writes results in order; after an error it drains the rest.
func (p *orderedPool) writeAll() {
	defer close(p.done)
	for out := range p.queue {
		r := <-out
		if p.failed() {
			continue
		}
		if r.err == nil {
			r.err = p.write(r.b)
		}
		if r.err != nil {
			p.setErr(r.err)
		}
	}
}

func (p *orderedPool) failed() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err != nil
}

func (p *orderedPool) setErr(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err == nil {
		p.err = err
	}
}

// submit queues item; it returns the first error met so far.
func (p *orderedPool) submit(item *unstructured.Unstructured) error {
	p.mu.Lock()
	err := p.err
	p.mu.Unlock()
	if err != nil {
		return err
	}
	out := make(chan poolResult, 1)
	p.queue <- out
	p.jobs <- poolJob{item: item, out: out}
	return nil
}

// close waits for every submitted item to be written and returns the first error.
func (p *orderedPool) close() error {
	if !p.closed {
		p.closed = true
		close(p.jobs)
		close(p.queue)
	}
	<-p.done
	p.workers.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}
