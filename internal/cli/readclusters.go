package cli

import (
	"context"

	"github.com/kdxproject/kdx/internal/cliutil"
)

// ClusterRead is what a read command read of one cluster: the value, or
// why it could not be read (and, for the one context of a command not run
// on a fleet, what it read before it failed).
type ClusterRead[T any] struct {
	// Context names the cluster in the output: a fleet's context, or ""
	// for one context, whose output names no context.
	Context string
	Value   T
	Err     error
}

// ClusterReads are the reads of every cluster a read command runs
// against, in context order: several for a fleet, one for one context.
type ClusterReads[T any] []ClusterRead[T]

// ReadClusters reads with read each of contexts, those Factory.Fleet
// names, through EachCluster: in context order, --cluster-concurrency at
// a time. One context (Fleet's none, or one) is the fleet of one, read as
// before fleets: with f itself, its warnings straight to stderr, its error
// the read's Err (the command's error) with what it read. A fleet's
// cluster is read with its own factory: its warnings, and its failure as
// one line, are written to stderr in context order, naming the context;
// its Err is then an exit 1 already reported.
//
// read gets the name the cluster's output gives it: the context in a
// fleet, "" for one context.
func ReadClusters[T any](ctx context.Context, f Factory, contexts []string, read func(ctx context.Context, f Factory, context string) (T, error)) (ClusterReads[T], error) {
	fleet := len(contexts) > 1
	reads := make(ClusterReads[T], max(len(contexts), 1))
	err := EachCluster(ctx, f, contexts, func(ctx context.Context, cf Factory) ClusterRead[T] {
		var r ClusterRead[T]
		if fleet {
			r.Context = cf.ContextName()
		}
		r.Value, r.Err = read(ctx, cf, r.Context)
		return r
	}, func(i int, r ClusterRead[T]) error {
		if fleet && r.Err != nil {
			ContextError(f.Streams().ErrOut, r.Context, cliutil.Message(r.Err))
			r.Err = &cliutil.ExitError{Code: 1} // reported
		}
		reads[i] = r
		return nil
	})
	if err != nil {
		return nil, err
	}
	return reads, nil
}

// Fleet says whether several clusters were read: their output has a
// CONTEXT column, or is a mapping of context to document. One cluster's
// is as kubectl prints it.
func (r ClusterReads[T]) Fleet() bool { return len(r) > 1 }

// Err is the error of the reads: one context's own; for a fleet, whose
// failures are already written, an exit 1 when any cluster failed.
func (r ClusterReads[T]) Err() error {
	if len(r) == 1 {
		return r[0].Err
	}
	for _, c := range r {
		if c.Err != nil {
			return &cliutil.ExitError{Code: 1}
		}
	}
	return nil
}
