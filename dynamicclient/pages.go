package dynamicclient

import (
	"context"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// fetchFunc gets one page for opts and returns it with its continue token.
type fetchFunc[T any] func(ctx context.Context, opts metav1.ListOptions) (T, string, error)

// pages fetches pages one after the other, calling fn for each in order
// while the next one is fetched. With opts.Limit 0 there is one request. At
// most two pages are held: the one fn has and the one being fetched.
func pages[T any](ctx context.Context, opts metav1.ListOptions, fetch fetchFunc[T], fn func(T) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type page struct {
		v   T
		err error
	}
	ch := make(chan page)
	go func() {
		defer close(ch)
		o := opts
		for {
			v, next, err := fetch(ctx, o)
			select {
			case ch <- page{v: v, err: err}:
			case <-ctx.Done():
				return
			}
			if err != nil || next == "" || o.Limit == 0 {
				return
			}
			o.Continue = next
		}
	}()
	for p := range ch {
		if p.err != nil {
			return p.err
		}
		if err := fn(p.v); err != nil {
			return err
		}
	}
	return ctx.Err()
}
