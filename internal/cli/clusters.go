package cli

import (
	"context"

	"github.com/kdxproject/kdx/query"
)

// EachCluster reads the clusters a read command runs against and hands
// each read to emit in context order, on one goroutine. contexts are
// Fleet's: several, read --cluster-concurrency at a time by query.Ordered,
// each with its own factory (ForCluster) whose stderr is held and written,
// each line naming the context, just before its read is emitted; or none
// (or one), the context's one cluster: a fleet of one, read with f itself,
// its stderr the command's, and emitted once read (the ordered runner has
// nothing to order, and an interrupt must not drop the read's own error).
func EachCluster[T any](ctx context.Context, f Factory, contexts []string, read func(context.Context, Factory) T, emit func(i int, v T) error) error {
	if len(contexts) < 2 {
		return emit(0, read(ctx, f))
	}
	type held struct {
		v   T
		log *ClusterLog
	}
	return query.Ordered(ctx, len(contexts), f.ClusterConcurrency(), func(ctx context.Context, i int) held {
		log := &ClusterLog{}
		return held{read(ctx, ForCluster(f, contexts[i], log)), log}
	}, func(i int, h held) error {
		h.log.Replay(f.Streams().ErrOut, contexts[i])
		return emit(i, h.v)
	})
}
