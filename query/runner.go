package query

import (
	"context"
	"sync"
)

// Runner runs work concurrently, at most limit pieces at once, and hands
// each result to emit in the order the work was submitted, on one goroutine,
// as soon as that result and all before it are done. At most window results
// wait (running or done, not yet emitted): Go blocks past that, so memory
// stays bounded whatever the number of pieces.
//
// The first error of emit, or the context's end, stops the runner: work not
// yet started never starts, running work sees its context cancelled, and no
// further result is emitted. Wait returns that error once every goroutine
// has finished.
type Runner[T any] struct {
	ctx    context.Context
	cancel context.CancelFunc
	emit   func(T) error

	sem   chan struct{}  // one token per running piece of work
	queue chan chan T    // results in submission order, at most window
	done  chan struct{}  // closed when the emitting goroutine returns
	work  sync.WaitGroup // running pieces of work
	once  sync.Once      // guards closing queue
	mu    sync.Mutex     // guards err
	err   error          // the first error: emit's or the context's
}

// NewRunner starts a Runner. limit and window below 1 are taken as 1; a
// window below limit is raised to limit.
func NewRunner[T any](ctx context.Context, limit, window int, emit func(T) error) *Runner[T] {
	limit = max(limit, 1)
	window = max(window, limit)
	ctx, cancel := context.WithCancel(ctx)
	r := &Runner[T]{
		ctx: ctx, cancel: cancel, emit: emit,
		sem:   make(chan struct{}, limit),
		queue: make(chan chan T, window),
		done:  make(chan struct{}),
	}
	go r.emitAll()
	return r
}

// Go submits one piece of work. It blocks while window results wait or
// limit pieces run, and returns the runner's error once it has stopped.
func (r *Runner[T]) Go(work func(ctx context.Context) T) error {
	if err := r.Err(); err != nil {
		return err
	}
	out := make(chan T, 1)
	select {
	case r.queue <- out:
	case <-r.ctx.Done():
		return r.stop(r.ctx.Err())
	}
	select {
	case r.sem <- struct{}{}:
	case <-r.ctx.Done():
		return r.stop(r.ctx.Err())
	}
	// select picks at random among ready cases: a free slot may have won
	// over an ended context, and work must not start after the end.
	if err := r.ctx.Err(); err != nil {
		<-r.sem
		return r.stop(err)
	}
	r.work.Add(1)
	go func() {
		defer r.work.Done()
		defer func() { <-r.sem }()
		out <- work(r.ctx)
	}()
	return nil
}

// Wait waits for every submitted piece and its emission, and returns the
// runner's error. Call it once, after the last Go.
func (r *Runner[T]) Wait() error {
	r.once.Do(func() { close(r.queue) })
	<-r.done
	r.work.Wait()
	r.cancel()
	return r.Err()
}

// Err is the error that stopped the runner, if any.
func (r *Runner[T]) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// emitAll hands results on in order until the queue is closed; once the
// runner has stopped it only drains the queue.
func (r *Runner[T]) emitAll() {
	defer close(r.done)
	for out := range r.queue {
		if r.Err() != nil {
			continue
		}
		select {
		case v := <-out:
			if err := r.emit(v); err != nil {
				r.stop(err)
			}
		case <-r.ctx.Done():
			r.stop(r.ctx.Err())
		}
	}
}

// stop records err as the runner's error unless one is recorded, cancels
// the remaining work and returns the recorded error.
func (r *Runner[T]) stop(err error) error {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	err = r.err
	r.mu.Unlock()
	r.cancel()
	return err
}

// Ordered runs work(i) for i in [0, n), at most limit at once, and calls
// emit(i, result) in index order, as a Runner does; it returns once every
// goroutine has finished.
func Ordered[T any](ctx context.Context, n, limit int, work func(ctx context.Context, i int) T, emit func(i int, v T) error) error {
	next := 0
	r := NewRunner(ctx, limit, n, func(v T) error {
		i := next
		next++
		return emit(i, v)
	})
	for i := range n {
		if r.Go(func(ctx context.Context) T { return work(ctx, i) }) != nil {
			break
		}
	}
	return r.Wait()
}
