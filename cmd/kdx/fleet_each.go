package main

import (
	"context"
	"fmt"
	"io"

	"github.com/kdxproject/kdx/internal/cliutil"
	"github.com/kdxproject/kdx/query"
)

// eachContext runs read for each context with that context's factory,
// --cluster-concurrency at a time, and returns the results and errors in
// context order. A context whose read failed is written to errOut as one
// line naming it; failed says whether any did.
func eachContext[T any](ctx context.Context, f *factory, contexts []string, errOut io.Writer, read func(context.Context, *factory) (T, error)) (results []T, ok []bool, failed bool, err error) {
	results, ok = make([]T, len(contexts)), make([]bool, len(contexts))
	type res struct {
		v   T
		err error
	}
	err = query.Ordered(ctx, len(contexts), f.fleet.clusterConcurrency, func(ctx context.Context, i int) res {
		v, err := read(ctx, f.ForContext(contexts[i]))
		return res{v, err}
	}, func(i int, r res) error {
		if r.err != nil {
			failed = true
			fmt.Fprintf(errOut, "error: context %q: %s\n", contexts[i], oneLine(cliutil.Message(r.err)))
			return nil
		}
		results[i], ok[i] = r.v, true
		return nil
	})
	return results, ok, failed, err
}
